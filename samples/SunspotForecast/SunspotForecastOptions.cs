namespace RnnGen.Samples.SunspotForecast;

/// <summary>How <see cref="SunspotForecastSample.Run"/> trains and where it reads and writes.</summary>
/// <param name="Epochs">Passes over the training windows.</param>
/// <param name="Seed">Seeds both the weight initialization and the per-epoch shuffle.</param>
/// <param name="OutputDirectory">Where <c>sunspots.safetensors</c>, <c>loss.png</c> and <c>forecast.png</c> go; created if missing.</param>
/// <param name="DataPath">The CSV with a <c>SUNACTIVITY</c> column; null means <c>data/sunspots.csv</c> next to the executable.</param>
public sealed record SunspotForecastOptions(
    int Epochs = 150, int Seed = SunspotForecastSample.DefaultSeed, string OutputDirectory = "output", string? DataPath = null);
