using System.Text.Json;

namespace RnnGen.Samples.Seq2Seq;

/// <summary>One held-out source and PyTorch's greedy decode of it, from <c>weights/heldout.json</c>.</summary>
/// <param name="Source">The digits (5-8 of them).</param>
/// <param name="PyTorch">What PyTorch's greedy decode produced (not necessarily the reversal: the model can be wrong).</param>
/// <param name="EncoderState">For the first few pairs: PyTorch's encoder <c>(h_n, c_n)</c>, h then c; otherwise null.</param>
/// <param name="TeacherForced">For the first few pairs: PyTorch's decoder softmax per timestep when fed <c>&lt;s&gt;</c> and the reversed
/// digits from the encoder's state, <see cref="Tokens.DecodeSteps"/> × <see cref="Tokens.Vocabulary"/>; otherwise null.</param>
public sealed record HeldOutPair(int[] Source, int[] PyTorch, float[]? EncoderState, float[]? TeacherForced)
{
    /// <summary>The right answer: the source reversed.</summary>
    public int[] Reversed => [.. Source.Reverse()];
}

/// <summary>The 1,000 held-out pairs <c>train_pytorch.py</c> wrote (sources it never trained on) and PyTorch's accuracy on them.</summary>
public sealed record HeldOutSet(string TorchVersion, double PyTorchAccuracy, IReadOnlyList<HeldOutPair> Pairs)
{
    /// <summary>Reads <c>heldout.json</c>, checking that it was written for the shapes of <see cref="Tokens"/>.</summary>
    public static HeldOutSet Load(string path)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
        JsonElement root = document.RootElement;
        JsonElement tokens = root.GetProperty("tokens");
        int[] expected = [Tokens.Pad, Tokens.Start, Tokens.End, Tokens.Digit0, Tokens.Vocabulary, Tokens.SourceLength, Tokens.DecodeSteps, Tokens.Units];
        int[] actual =
        [
            tokens.GetProperty("pad").GetInt32(), tokens.GetProperty("start").GetInt32(), tokens.GetProperty("end").GetInt32(),
            tokens.GetProperty("digit0").GetInt32(), tokens.GetProperty("vocabulary").GetInt32(), root.GetProperty("sourceLength").GetInt32(),
            root.GetProperty("decodeSteps").GetInt32(), root.GetProperty("units").GetInt32(),
        ];
        if (!expected.SequenceEqual(actual))
        {
            throw new InvalidDataException($"{path} was written for tokens/shapes [{string.Join(", ", actual)}], but the sample has [{string.Join(", ", expected)}] (pad, start, end, digit0, vocabulary, source length, decode steps, units).");
        }

        var pairs = new List<HeldOutPair>();
        foreach (JsonElement pair in root.GetProperty("pairs").EnumerateArray())
        {
            pairs.Add(new HeldOutPair(
                Ints(pair.GetProperty("source")),
                Ints(pair.GetProperty("pytorch")),
                pair.TryGetProperty("encoder_state", out JsonElement state) ? Floats(state) : null,
                pair.TryGetProperty("teacher_forced", out JsonElement forced) ? Floats(forced) : null));
        }

        return new HeldOutSet(root.GetProperty("torch").GetString() ?? "?", root.GetProperty("pytorchAccuracy").GetDouble(), pairs);
    }

    private static int[] Ints(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetInt32())];

    private static float[] Floats(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetSingle())];
}
