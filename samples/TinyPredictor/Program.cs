using System.Diagnostics;
using System.Globalization;
using RnnGen.Samples.TinyPredictor;

// TinyPredictor a b c        predicts the successor of each letter (arguments, or one letter per line on stdin)
// TinyPredictor --bench N    times N predictions after a warm-up and prints the mean time per call
const string Letters = "abcde";
var model = new LetterModel();
Span<float> input = stackalloc float[LetterModel.InputSize];
Span<float> output = stackalloc float[LetterModel.OutputSize];

if (args is ["--bench", var countText])
{
    if (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count < 1)
    {
        Console.Error.WriteLine($"--bench expects a positive number of predictions, got '{countText}'.");
        return 2;
    }

    input[0] = 1f;
    for (int i = 0; i < 100_000; i++) model.Predict(input, output);

    // Wall time, and this process's CPU time, which a busy machine's preemption does not inflate.
    TimeSpan cpuBefore = Environment.CpuUsage.TotalTime;
    var clock = Stopwatch.StartNew();
    for (int i = 0; i < count; i++) model.Predict(input, output);
    clock.Stop();
    double cpu = (Environment.CpuUsage.TotalTime - cpuBefore).TotalNanoseconds / count;
    Console.WriteLine(FormattableString.Invariant($"{clock.Elapsed.TotalNanoseconds / count:0.0} ns per Predict (wall), {cpu:0.0} ns (CPU), {count} calls"));
    return 0;
}

IEnumerable<string> words = args.Length > 0 ? args : ReadLines(Console.In);
foreach (string word in words)
{
    string letter = word.Trim();
    int index = letter.Length == 1 ? Letters.IndexOf(letter[0], StringComparison.Ordinal) : -1;
    if (index < 0)
    {
        Console.Error.WriteLine($"Expected one of the letters '{Letters}', got '{letter}'.");
        return 2;
    }

    input.Clear();
    input[index] = 1f;
    model.Predict(input, output);
    int best = 0;
    for (int j = 1; j < output.Length; j++)
    {
        if (output[j] > output[best]) best = j;
    }

    Console.WriteLine(FormattableString.Invariant($"{letter}->{Letters[best]} {output[best]:0.000}"));
}

return 0;

static IEnumerable<string> ReadLines(TextReader reader)
{
    while (reader.ReadLine() is { } line)
    {
        if (line.Length > 0) yield return line;
    }
}
