using RnnGen.Samples;
using RnnGen.Samples.CharRnn;

// dotnet run --project samples/CharRnn -c Release [-- --epochs 10 --seconds 90 --seed 0 --output output]
if (SampleArgs.Parse(args, "CharRnn") is not { } parsed)
{
    return 2;
}

var defaults = new CharRnnOptions();
CharRnnSample.Run(Console.Out, defaults with
{
    Epochs = parsed.Epochs ?? defaults.Epochs,
    Seconds = parsed.Seconds ?? defaults.Seconds,
    Seed = parsed.Seed ?? defaults.Seed,
    OutputDirectory = parsed.Output ?? defaults.OutputDirectory,
});
return 0;
