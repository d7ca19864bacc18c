namespace RnnGen;

/// <summary>Which end of a sequence padding or truncation applies to (Keras <c>"pre"</c> / <c>"post"</c>).</summary>
public enum PadSide
{
    /// <summary>At the start (Keras default).</summary>
    Pre,
    /// <summary>At the end.</summary>
    Post,
}

/// <summary>Sequence helpers, as <c>keras.utils.pad_sequences</c>.</summary>
public static class Sequences
{
    /// <summary>
    /// Makes every sequence exactly <paramref name="maxLen"/> long: shorter ones are padded with
    /// <paramref name="value"/>, longer ones lose values, each at the given side (Keras defaults: both <c>"pre"</c>).
    /// </summary>
    /// <param name="sequences">Token ids, one array per sample.</param>
    /// <param name="maxLen">Output length; 0 or less means the longest sequence's length.</param>
    /// <param name="padding">Where padding goes.</param>
    /// <param name="truncating">Where values are dropped from a long sequence.</param>
    /// <param name="value">Padding value.</param>
    /// <returns>One float array of length <paramref name="maxLen"/> per sample, ready for <see cref="Dataset.FromArrays"/>.</returns>
    public static float[][] PadSequences(int[][] sequences, int maxLen = 0, PadSide padding = PadSide.Pre, PadSide truncating = PadSide.Pre, float value = 0f)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (maxLen <= 0)
        {
            foreach (int[] s in sequences)
            {
                maxLen = Math.Max(maxLen, s?.Length ?? 0);
            }
        }

        var result = new float[sequences.Length][];
        for (int i = 0; i < sequences.Length; i++)
        {
            int[] s = sequences[i] ?? throw new ArgumentNullException(nameof(sequences), $"Sequence {i} is null.");
            var row = new float[maxLen];
            row.AsSpan().Fill(value);
            int n = Math.Min(s.Length, maxLen);
            int from = truncating == PadSide.Pre ? s.Length - n : 0;
            int to = padding == PadSide.Pre ? maxLen - n : 0;
            for (int k = 0; k < n; k++)
            {
                row[to + k] = s[from + k];
            }

            result[i] = row;
        }

        return result;
    }
}
