using System.Globalization;
using Sylvan.Data.Csv;

namespace RnnGen;

/// <summary>Reads numeric columns from a CSV file with a header row (parsed with Sylvan.Data.Csv, invariant culture).</summary>
public static class Csv
{
    /// <summary>
    /// Reads the named columns. The result holds one array per requested column, in the requested order:
    /// <c>result[c][row]</c>, ready for <see cref="TimeSeries.Windows(IReadOnlyList{float[]}, int, int, int, int)"/>.
    /// </summary>
    /// <param name="path">CSV file; the first row is the header.</param>
    /// <param name="columns">Header names of the columns to read (at least one).</param>
    /// <returns>The values, column by column.</returns>
    /// <exception cref="FormatException">A column is missing (the message lists the header), or a cell is not a number (the message gives the row, the column and the text).</exception>
    public static float[][] ReadColumns(string path, params string[] columns)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Length == 0)
        {
            throw new ArgumentException("Expected at least one column name.", nameof(columns));
        }

        using CsvDataReader reader = CsvDataReader.Create(path);
        var ordinals = new int[columns.Length];
        for (int c = 0; c < columns.Length; c++)
        {
            ordinals[c] = -1;
            for (int i = 0; i < reader.FieldCount; i++)
            {
                if (string.Equals(reader.GetName(i), columns[c], StringComparison.Ordinal))
                {
                    ordinals[c] = i;
                    break;
                }
            }

            if (ordinals[c] < 0)
            {
                var header = new string[reader.FieldCount];
                for (int i = 0; i < header.Length; i++)
                {
                    header[i] = reader.GetName(i);
                }

                throw new FormatException($"{path}: no column named '{columns[c]}'. The header has: {string.Join(", ", header)}.");
            }
        }

        var values = new List<float>[columns.Length];
        for (int c = 0; c < columns.Length; c++)
        {
            values[c] = [];
        }

        int row = 1; // the header is row 1, as a spreadsheet counts
        while (reader.Read())
        {
            row++;
            for (int c = 0; c < columns.Length; c++)
            {
                string text = ordinals[c] < reader.RowFieldCount ? reader.GetString(ordinals[c]) : "";
                if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float v))
                {
                    throw new FormatException($"{path}: row {row}, column '{columns[c]}': '{text}' is not a number.");
                }

                values[c].Add(v);
            }
        }

        var result = new float[columns.Length][];
        for (int c = 0; c < columns.Length; c++)
        {
            result[c] = values[c].ToArray();
        }

        return result;
    }
}
