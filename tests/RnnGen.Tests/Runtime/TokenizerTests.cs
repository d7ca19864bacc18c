using System.Text.Json;

namespace RnnGen.Tests.Runtime;

/// <summary>
/// <see cref="Tokenizer"/> against Keras's algorithm (keras_preprocessing/text.py), transcribed in
/// tests/reference/toolkit_keras_formulas.py and run on a small corpus (toolkit_keras.json).
/// </summary>
public class TokenizerTests
{
    public static TheoryData<int, string?> Settings()
    {
        var data = new TheoryData<int, string?>();
        foreach (JsonElement c in Tokenizer().GetProperty("cases").EnumerateArray())
        {
            data.Add(c.GetProperty("numWords").GetInt32(), c.GetProperty("oovToken").GetString());
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void Word_index_and_sequences_match_keras(int numWords, string? oovToken)
    {
        JsonElement root = Tokenizer();
        JsonElement c = root.GetProperty("cases").EnumerateArray()
            .Single(x => x.GetProperty("numWords").GetInt32() == numWords && x.GetProperty("oovToken").GetString() == oovToken);
        string[] corpus = [.. root.GetProperty("corpus").EnumerateArray().Select(t => t.GetString()!)];
        string[] queries = [.. root.GetProperty("queries").EnumerateArray().Select(t => t.GetString()!)];

        var tokenizer = new Tokenizer(numWords, oovToken);
        tokenizer.FitOnTexts(corpus);

        Assert.Equal(c.GetProperty("documentCount").GetInt32(), tokenizer.DocumentCount);
        var expectedIndex = c.GetProperty("wordIndex").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        Assert.Equal(expectedIndex.OrderBy(p => p.Value), tokenizer.WordIndex.OrderBy(p => p.Value));
        var expectedCounts = c.GetProperty("wordCounts").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        Assert.Equal(expectedCounts.OrderBy(p => p.Key, StringComparer.Ordinal), tokenizer.WordCounts.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(Sequences(c.GetProperty("fitSequences")), tokenizer.TextsToSequences(corpus));
        Assert.Equal(Sequences(c.GetProperty("querySequences")), tokenizer.TextsToSequences(queries));
    }

    [Fact]
    public void Default_filters_are_keras_filters()
    {
        Assert.Equal(RnnGen.Tokenizer.DefaultFilters, Tokenizer().GetProperty("filters").GetString());
        Assert.Equal(["it's", "a", "test", "ok"], RnnGen.Tokenizer.TextToWordSequence("It's a TEST...\tok!"));
    }

    [Fact]
    public void Null_texts_are_rejected_with_their_position()
    {
        var tokenizer = new Tokenizer();
        ArgumentException e = Assert.Throws<ArgumentException>(() => tokenizer.FitOnTexts(["a", null!]));
        Assert.Contains("Text 1", e.Message, StringComparison.Ordinal);
    }

    private static JsonElement Tokenizer() => ReferenceFixtureTests.LoadFixture("toolkit_keras.json").GetProperty("tokenizer");

    private static int[][] Sequences(JsonElement array) =>
        [.. array.EnumerateArray().Select(s => s.EnumerateArray().Select(v => v.GetInt32()).ToArray())];
}
