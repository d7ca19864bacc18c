using RnnGen.Samples.LetterPrediction;
using Xunit.Abstractions;

namespace RnnGen.Tests.Samples;

public sealed class LetterPredictionSampleTests(ITestOutputHelper log)
{
    [Fact]
    public void Letter_sample_reaches_accuracy_1_in_100_epochs_and_predicts_every_successor()
    {
        using var directory = new SampleOutputDirectory("letters");
        var output = new StringWriter();

        // the real configuration: it is tiny
        LetterPredictionResult result = LetterPredictionSample.Run(output, new LetterPredictionOptions(OutputDirectory: directory.Path));
        log.WriteLine(output.ToString());

        Assert.Equal(100, result.Epochs);
        Assert.Equal(1f, result.Accuracy);
        Assert.Equal("bcdea", result.Predictions);
        string text = output.ToString();
        foreach (string line in new[] { "a->b", "b->c", "c->d", "d->e", "e->a", "Epoch 100/100", "Total params: 47" })
        {
            Assert.Contains(line, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Letter_sample_saves_weights_that_reload_into_a_fresh_model()
    {
        using var directory = new SampleOutputDirectory("letters");
        LetterPredictionResult result = LetterPredictionSample.Run(TextWriter.Null, new LetterPredictionOptions(Epochs: 5, OutputDirectory: directory.Path));

        Assert.True(new FileInfo(result.LossPlotPath).Length > 0);
        var model = new LetterModel(seed: 12345);
        model.LoadWeights(result.WeightsPath);
        var untrained = new LetterModel(LetterPredictionSample.DefaultSeed);
        Assert.False(model.Parameters.SequenceEqual(untrained.Parameters), "the file holds trained weights, not the initial ones");
    }
}
