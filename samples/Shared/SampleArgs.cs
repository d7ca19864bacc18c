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
        for (int i = 0; i < args.Length; i += 2)
        {
            string name = args[i];
            string? value = i + 1 < args.Length ? args[i + 1] : null;
            switch (name)
            {
                case "--epochs" when TryCount(value, out int epochs) && epochs > 0:
                    parsed.Epochs = epochs;
                    break;
                case "--seed" when TryCount(value, out int seed):
                    parsed.Seed = seed;
                    break;
                case "--seconds" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds > 0:
                    parsed.Seconds = seconds;
                    break;
                case "--output" when !string.IsNullOrWhiteSpace(value):
                    parsed.Output = value;
                    break;
                default:
                    Console.Error.WriteLine($"{sampleName}: bad argument '{name}'{(value is null ? "" : $" '{value}'")}.");
                    Console.Error.WriteLine($"usage: dotnet run --project samples/{sampleName} -c Release [-- [--epochs N] [--seed N] [--seconds S] [--output DIR]]");
                    return null;
            }
        }

        return parsed;
    }

    private static bool TryCount(string? text, out int value) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) && value >= 0;
}
