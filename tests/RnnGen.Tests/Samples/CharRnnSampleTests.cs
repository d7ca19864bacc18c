using RnnGen.Samples.CharRnn;
using Xunit.Abstractions;

namespace RnnGen.Tests.Samples;

public sealed class CharRnnSampleTests(ITestOutputHelper log)
{
    [Fact]
    public void Char_rnn_validation_loss_falls_below_the_unigram_entropy()
    {
        using var directory = new SampleOutputDirectory("charrnn");
        var output = new StringWriter();

        // shortened: two epochs (about 5 s here) instead of ten; data/gpl-3.0.txt is copied next to the test assembly
        CharRnnResult result = CharRnnSample.Run(output, new CharRnnOptions(Epochs: 2, Seconds: 30, SampleLength: 80, OutputDirectory: directory.Path));
        log.WriteLine(output.ToString());

        Assert.InRange(result.InitialValidationLoss, Math.Log(CharVocabulary.Size) - 0.05, Math.Log(CharVocabulary.Size) + 0.05);
        Assert.InRange(result.UnigramEntropy, 2.5, 3.2); // English letters: about 4.1 bits = 2.9 nats
        Assert.True(
            result.ValidationLoss < result.UnigramEntropy,
            $"validation loss {result.ValidationLoss:0.000} should be below the unigram entropy {result.UnigramEntropy:0.000}");
        Assert.All(result.Samples, s => Assert.Equal(80, s.Text.Length));
    }

    [Fact]
    public void Vocabulary_normalizes_text_onto_the_fixed_alphabet()
    {
        Assert.Equal(CharVocabulary.Size, CharVocabulary.Alphabet.Length);
        Assert.Equal("gnu general public license, version (gpl)", CharVocabulary.Normalize("GNU  General\nPublic License,\tVersion 3 (GPL)!"));
        Assert.Equal([7f, 14f, 0f, 27f], CharVocabulary.Encode("gn ."));
    }

    [Fact]
    public void Generate_is_deterministic_for_a_seed_and_restarts_from_a_zero_state()
    {
        var model = new CharModel(seed: 3);
        string first = CharRnnSample.Generate(model, "the ", 40, 1.0f, new Random(7));
        string second = CharRnnSample.Generate(model, "the ", 40, 1.0f, new Random(7));

        Assert.Equal(first, second);
        Assert.All(first, c => Assert.Contains(c, CharVocabulary.Alphabet));
    }
}
