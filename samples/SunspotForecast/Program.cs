using RnnGen.Samples;
using RnnGen.Samples.SunspotForecast;

// dotnet run --project samples/SunspotForecast -c Release [-- --epochs 150 --seed 0 --output output]
if (SampleArgs.Parse(args, "SunspotForecast") is not { } parsed)
{
    return 2;
}

var defaults = new SunspotForecastOptions();
SunspotForecastSample.Run(Console.Out, defaults with
{
    Epochs = parsed.Epochs ?? defaults.Epochs,
    Seed = parsed.Seed ?? defaults.Seed,
    OutputDirectory = parsed.Output ?? defaults.OutputDirectory,
});
return 0;
