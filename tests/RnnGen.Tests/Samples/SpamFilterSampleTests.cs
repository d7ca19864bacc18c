using RnnGen.Samples.SpamFilter;
using Xunit.Abstractions;

namespace RnnGen.Tests.Samples;

public sealed class SpamFilterSampleTests(ITestOutputHelper log)
{
    [Fact]
    public void Spam_filter_beats_the_majority_baseline_on_the_held_out_mail()
    {
        using var directory = new SampleOutputDirectory("spamfilter");
        var output = new StringWriter();

        // shortened: two epochs (about 3 s here) instead of ten; data/spam.tsv is copied next to the test assembly
        SpamFilterResult result = SpamFilterSample.Run(output, new SpamFilterOptions(Epochs: 2, OutputDirectory: directory.Path));
        log.WriteLine(output.ToString());

        Assert.Equal("SimpleRnn(32)", result.Model);
        Assert.Equal(4836, result.TrainingMessages); // 6,046 messages, the last 20% held out
        Assert.Equal(1210, result.ValidationMessages);
        Assert.Equal(result.ValidationMessages, result.Confusion[0, 0] + result.Confusion[0, 1] + result.Confusion[1, 0] + result.Confusion[1, 1]);
        Assert.InRange(result.BaselineAccuracy, 0.6f, 0.75f); // about two thirds of the mail is ham
        Assert.True(result.ValidationAccuracy > result.BaselineAccuracy + 0.15f,
            $"validation accuracy {result.ValidationAccuracy:0.000} should clearly beat the always-ham baseline {result.BaselineAccuracy:0.000}");
        Assert.True(result.ValidationPrecision > 0.7f && result.ValidationRecall > 0.7f, $"precision {result.ValidationPrecision}, recall {result.ValidationRecall}");

        Assert.InRange(result.ValidationAuc, 0.9f, 1f);

        // the confusion matrix agrees with the reported accuracy
        float accuracy = (float)(result.Confusion[0, 0] + result.Confusion[1, 1]) / result.ValidationMessages;
        Assert.Equal(result.ValidationAccuracy, accuracy, 4);

        (string _, float spam) = result.Live[^2];
        (string _, float ham) = result.Live[^1];
        Assert.True(spam > ham, $"the hand-written spam ({spam:0.000}) should score above the hand-written ham ({ham:0.000})");
        Assert.True(File.Exists(directory.File("loss.png")));
        Assert.True(File.Exists(directory.File("spam.safetensors")));
    }

    [Theory]
    [InlineData(true, false, "Lstm(32)")]
    [InlineData(false, true, "Bidirectional SimpleRnn(32)")]
    [InlineData(true, true, "Bidirectional Lstm(32)")]
    public void The_variants_train(bool lstm, bool bidirectional, string model)
    {
        using var directory = new SampleOutputDirectory($"spamfilter-{lstm}-{bidirectional}");
        SpamFilterResult result = SpamFilterSample.Run(TextWriter.Null, new SpamFilterOptions(Epochs: 1, Lstm: lstm, Bidirectional: bidirectional, Messages: 600, OutputDirectory: directory.Path));
        Assert.Equal(model, result.Model);
        Assert.Equal(480, result.TrainingMessages);
        Assert.InRange(result.ValidationAccuracy, 0f, 1f);
    }

    [Theory]
    [InlineData(false, false, "SimpleRnn(32, Dropout = 0.2, RecurrentDropout = 0.2)")]
    [InlineData(true, true, "Bidirectional Lstm(32, Dropout = 0.2, RecurrentDropout = 0.2)")]
    public void The_dropout_variants_train(bool lstm, bool bidirectional, string model)
    {
        using var directory = new SampleOutputDirectory($"spamfilter-dropout-{lstm}-{bidirectional}");
        SpamFilterResult result = SpamFilterSample.Run(TextWriter.Null, new SpamFilterOptions(Epochs: 1, Lstm: lstm, Bidirectional: bidirectional, Dropout: SpamFilterSample.DropoutRate, Messages: 600, OutputDirectory: directory.Path));
        Assert.Equal(model, result.Model);
        Assert.InRange(result.ValidationAccuracy, 0f, 1f);
    }

    [Fact]
    public void A_dropout_rate_the_variants_are_not_compiled_with_is_refused()
    {
        NotSupportedException e = Assert.Throws<NotSupportedException>(() => SpamFilterSample.Run(TextWriter.Null, new SpamFilterOptions(Dropout: 0.5f)));
        Assert.Contains("compiled with dropout = recurrent_dropout = 0.2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corpus_file_has_the_whole_spamassassin_corpus()
    {
        (float[] labels, string[] texts) = SpamFilterSample.Load(Path.Combine(AppContext.BaseDirectory, "data", "spam.tsv"));
        Assert.Equal(6046, texts.Length);
        Assert.Equal(1896, labels.Count(l => l == 1f));
        Assert.All(texts, t => Assert.InRange(t.Split(' ').Length, 1, 200));
    }
}
