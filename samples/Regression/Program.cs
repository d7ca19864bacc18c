using RnnGen.Samples;
using RnnGen.Samples.Regression;

// dotnet run --project samples/Regression -c Release [-- --epochs 2000 --seed 0 --output output]
if (SampleArgs.Parse(args, "Regression") is not { } parsed)
{
    return 2;
}

var defaults = new RegressionOptions();
RegressionSample.Run(Console.Out, defaults with
{
    Epochs = parsed.Epochs ?? defaults.Epochs,
    Seed = parsed.Seed ?? defaults.Seed,
    OutputDirectory = parsed.Output ?? defaults.OutputDirectory,
});
return 0;
