using RnnGen.Samples;
using RnnGen.Samples.SpamFilter;

// dotnet run --project samples/SpamFilter -c Release [-- --lstm --bidirectional --dropout --epochs 10 --seed 0 --output output]
bool lstm = false, bidirectional = false;
float dropout = 0f;
var rest = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--lstm":
            lstm = true;
            break;
        case "--bidirectional":
            bidirectional = true;
            break;
        case "--dropout" when i + 1 < args.Length && float.TryParse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture, out dropout):
            i++;
            break;
        case "--dropout":
            dropout = SpamFilterSample.DropoutRate;
            break;
        default:
            rest.Add(args[i]);
            break;
    }
}

if (SampleArgs.Parse([.. rest], "SpamFilter") is not { } parsed)
{
    Console.Error.WriteLine($"SpamFilter also takes --lstm, --bidirectional and --dropout (dropout and recurrent dropout {SpamFilterSample.DropoutRate} on the recurrent layer).");
    return 2;
}

var defaults = new SpamFilterOptions();
try
{
    SpamFilterSample.Run(Console.Out, defaults with
    {
        Epochs = parsed.Epochs ?? defaults.Epochs,
        Seed = parsed.Seed ?? defaults.Seed,
        OutputDirectory = parsed.Output ?? defaults.OutputDirectory,
        Lstm = lstm,
        Bidirectional = bidirectional,
        Dropout = dropout,
    });
}
catch (NotSupportedException e)
{
    Console.Error.WriteLine($"SpamFilter: {e.Message}");
    return 2;
}

return 0;
