using RnnGen.Samples.Regression;
using Xunit.Abstractions;

namespace RnnGen.Tests.Samples;

public sealed class RegressionSampleTests(ITestOutputHelper log)
{
    [Fact]
    public void Regression_sample_comes_within_1_of_10_20_and_30()
    {
        using var directory = new SampleOutputDirectory("regression");
        var output = new StringWriter();

        // the real configuration (2000 epochs of one batch of three)
        RegressionResult result = RegressionSample.Run(output, new RegressionOptions(OutputDirectory: directory.Path));
        log.WriteLine(output.ToString());

        Assert.Equal([10f, 20f, 30f], result.Targets);
        for (int i = 0; i < result.Targets.Length; i++)
        {
            Assert.InRange(result.Predictions[i], result.Targets[i] - 1f, result.Targets[i] + 1f);
        }

        Assert.True(File.Exists(directory.File("regression.safetensors")));
    }
}
