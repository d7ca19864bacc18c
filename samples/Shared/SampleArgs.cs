using System.Globalization;

namespace RnnGen.Samples;

/// <summary>
/// The few command-line options every sample understands: <c>--epochs N</c>, <c>--seed N</c>,
/// <c>--seconds S</c> (a training time budget) and <c>--output DIR</c>. Unknown arguments are an error,
/// so a typo does not silently run the default configuration.
/// </summary>
internal sealed class SampleArgs
{
    public int? Epochs { get; private set; }

    public int? Seed { get; private set; }

    public double? Seconds { get; private set; }

    public string? Output { get; private set; }

    /// <summary>Parses <paramref name="args"/>; on a bad argument prints the usage and returns null.</summary>
    public static SampleArgs? Parse(string[] args, string sampleName)
    {
        var parsed = new SampleArgs();
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            string? value = i + 1 < args.Length ? args[i + 1] : null;
            bool ok = name switch
            {
                "--epochs" => TryInt(value, v => parsed.Epochs = v),
                "--seed" => TryInt(value, v => parsed.Seed = v),
                "--seconds" => TryDouble(value, v => parsed.Seconds = v),
                "--output" => value is not null && (parsed.Output = value) is not null,
                _ => false,
            };
            if (!ok)
            {
                Console.Error.WriteLine($"{sampleName}: bad argument '{name}'{(value is null ? "" : $" '{value}'")}.");
                Console.Error.WriteLine($"usage: dotnet run --project samples/{sampleName} -c Release [-- [--epochs N] [--seed N] [--seconds S] [--output DIR]]");
                return null;
            }

            i++;
        }

        return parsed;
    }

    private static bool TryInt(string? text, Action<int> set)
    {
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v < 0)
        {
            return false;
        }

        set(v);
        return true;
    }

    private static bool TryDouble(string? text, Action<double> set)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || v <= 0)
        {
            return false;
        }

        set(v);
        return true;
    }
}
