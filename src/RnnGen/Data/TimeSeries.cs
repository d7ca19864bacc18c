namespace RnnGen;

/// <summary>Sliding windows over a time series, for forecasting with a recurrent model.</summary>
public static class TimeSeries
{
    /// <summary>
    /// Cuts <paramref name="series"/> into samples: input <c>i</c> is <c>series[s .. s + window)</c> with
    /// <c>s = i * stride</c> (Timesteps = <paramref name="window"/>, Features = 1), and its target is the value
    /// <paramref name="horizon"/> steps after the window's last value, <c>series[s + window - 1 + horizon]</c>.
    /// </summary>
    /// <param name="series">The values in time order.</param>
    /// <param name="window">Timesteps per input.</param>
    /// <param name="horizon">How far ahead the target is (1 = the next value).</param>
    /// <param name="stride">Offset between consecutive windows.</param>
    /// <returns><c>floor((n - window - horizon) / stride) + 1</c> samples.</returns>
    /// <exception cref="ArgumentException">The series is too short for one window plus the horizon.</exception>
    public static Dataset Windows(ReadOnlySpan<float> series, int window, int horizon = 1, int stride = 1)
    {
        int count = CountWindows(series.Length, window, horizon, stride, nameof(series));
        var inputs = new float[count * window];
        var targets = new float[count];
        for (int i = 0; i < count; i++)
        {
            int s = i * stride;
            series.Slice(s, window).CopyTo(inputs.AsSpan(i * window));
            targets[i] = series[s + window - 1 + horizon];
        }

        return new Dataset(inputs, targets, window, 1);
    }

    /// <summary>
    /// Multi-feature windows: <paramref name="columns"/> holds one equally long series per feature (as returned by
    /// <c>Csv.ReadColumns</c> in the RnnGen.Data package). Input <c>i</c> is <c>window</c> timesteps of <c>F = columns.Count</c> features,
    /// <c>input[t * F + f] = columns[f][s + t]</c>; the target is <c>columns[targetColumn][s + window - 1 + horizon]</c>.
    /// </summary>
    /// <param name="columns">One series per feature, all the same length.</param>
    /// <param name="window">Timesteps per input.</param>
    /// <param name="targetColumn">Index of the column to forecast.</param>
    /// <param name="horizon">How far ahead the target is.</param>
    /// <param name="stride">Offset between consecutive windows.</param>
    /// <returns>The samples.</returns>
    public static Dataset Windows(IReadOnlyList<float[]> columns, int window, int targetColumn, int horizon = 1, int stride = 1)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0)
        {
            throw new ArgumentException("Expected at least one column.", nameof(columns));
        }

        if ((uint)targetColumn >= (uint)columns.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(targetColumn), targetColumn, $"Expected a column index in [0, {columns.Count}).");
        }

        int n = columns[0].Length, features = columns.Count;
        for (int f = 1; f < features; f++)
        {
            if (columns[f].Length != n)
            {
                throw new ArgumentException($"Column {f} has {columns[f].Length} values, but column 0 has {n}.", nameof(columns));
            }
        }

        int count = CountWindows(n, window, horizon, stride, nameof(columns));
        var inputs = new float[count * window * features];
        var targets = new float[count];
        for (int i = 0; i < count; i++)
        {
            int s = i * stride;
            for (int t = 0; t < window; t++)
            {
                for (int f = 0; f < features; f++)
                {
                    inputs[(i * window + t) * features + f] = columns[f][s + t];
                }
            }

            targets[i] = columns[targetColumn][s + window - 1 + horizon];
        }

        return new Dataset(inputs, targets, window * features, 1);
    }

    private static int CountWindows(int length, int window, int horizon, int stride, string paramName)
    {
        if (window <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, "The window must be positive.");
        }

        if (horizon <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "The horizon must be positive.");
        }

        if (stride <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(stride), stride, "The stride must be positive.");
        }

        if (length < window + horizon)
        {
            throw new ArgumentException(
                $"A series of {length} values is too short for a window of {window} plus a horizon of {horizon} (needs {window + horizon}).",
                paramName);
        }

        return (length - window - horizon) / stride + 1;
    }
}
