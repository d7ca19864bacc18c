using RnnGen.Samples;
using RnnGen.Samples.LetterPrediction;

// dotnet run --project samples/LetterPrediction -c Release [-- --epochs 100 --seed 1 --output output]
if (SampleArgs.Parse(args, "LetterPrediction") is not { } parsed)
{
    return 2;
}

var defaults = new LetterPredictionOptions();
LetterPredictionSample.Run(Console.Out, new LetterPredictionOptions(
    parsed.Epochs ?? defaults.Epochs,
    parsed.Seed ?? defaults.Seed,
    parsed.Output ?? defaults.OutputDirectory));
return 0;
