using RnnGen.Samples.SunspotForecast;
using Xunit.Abstractions;

namespace RnnGen.Tests.Samples;

public sealed class SunspotForecastSampleTests(ITestOutputHelper log)
{
    [Fact]
    public void Sunspot_forecast_beats_same_as_last_year_on_the_validation_years()
    {
        using var directory = new SampleOutputDirectory("sunspots");
        var output = new StringWriter();

        // shortened from 150 epochs; data/sunspots.csv is copied next to the test assembly
        SunspotForecastResult result = SunspotForecastSample.Run(output, new SunspotForecastOptions(Epochs: 40, OutputDirectory: directory.Path));
        log.WriteLine(output.ToString());

        Assert.Equal(237, result.TrainWindows);
        Assert.Equal(60, result.ValidationWindows);
        Assert.InRange(result.NaiveMae, 20, 30); // a property of the data, not of the model
        Assert.True(result.ModelMae < result.NaiveMae, $"model MAE {result.ModelMae:0.00} should beat the naive MAE {result.NaiveMae:0.00}");
        Assert.True(new FileInfo(result.ForecastPlotPath).Length > 0);
    }
}
