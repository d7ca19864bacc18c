using System.Globalization;
using System.Text;

namespace RnnGen.Dynamic;

/// <summary>Formats a Keras 2 style <c>model.summary()</c> table.</summary>
internal static class SummaryWriter
{
    private const int NameWidth = 29, ShapeWidth = 26, Width = 65;

    /// <summary><c>(None, 3)</c> or <c>(None, 5, 3)</c>.</summary>
    public static string Shape(int[] shape)
    {
        var sb = new StringBuilder("(None");
        foreach (int d in shape) sb.Append(", ").Append(d.ToString(CultureInfo.InvariantCulture));
        return sb.Append(')').ToString();
    }

    public static string Write((string Name, string Shape, int Params)[] rows)
    {
        var sb = new StringBuilder();
        sb.Append("Model: \"sequential\"\n");
        sb.Append('_', Width).Append('\n');
        Row(sb, "Layer (type)", "Output Shape", "Param #");
        sb.Append('=', Width).Append('\n');
        long total = 0;
        for (int i = 0; i < rows.Length; i++)
        {
            if (i > 0) sb.Append('\n');
            Row(sb, rows[i].Name, rows[i].Shape, rows[i].Params.ToString(CultureInfo.InvariantCulture));
            total += rows[i].Params;
        }

        sb.Append('=', Width).Append('\n');
        string totalText = total.ToString("N0", CultureInfo.InvariantCulture);
        sb.Append("Total params: ").Append(totalText).Append('\n');
        sb.Append("Trainable params: ").Append(totalText).Append('\n');
        sb.Append("Non-trainable params: 0\n");
        sb.Append('_', Width).Append('\n');
        return sb.ToString();
    }

    private static void Row(StringBuilder sb, string name, string shape, string count)
    {
        // Keras pads each column and keeps at least one space between columns.
        string first = " " + name;
        sb.Append(first.PadRight(NameWidth - 1)).Append(' ');
        sb.Append(shape.PadRight(ShapeWidth - 1)).Append(' ');
        sb.Append(count).Append('\n');
    }
}
