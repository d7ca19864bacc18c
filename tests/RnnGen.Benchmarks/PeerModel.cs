using System.Text.Json;
using System.Text.Json.Serialization;

namespace RnnGen.Benchmarks;

/// <summary>
/// One exported benchmark model (peers/&lt;name&gt;.weights.json, written by peers/export_models.py):
/// the weights in Keras <c>get_weights()</c> order, flattened, and a reference input/output pair
/// computed by PyTorch. Every engine loads these same weights and must reproduce the pair.
/// </summary>
public sealed class PeerModel
{
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("timesteps")] public int Timesteps { get; init; }
    [JsonPropertyName("features")] public int Features { get; init; }
    [JsonPropertyName("outputSize")] public int OutputSize { get; init; }
    [JsonPropertyName("parameterCount")] public int ParameterCount { get; init; }
    [JsonPropertyName("parameters")] public float[] Parameters { get; init; } = [];
    [JsonPropertyName("input")] public float[] Input { get; init; } = [];
    [JsonPropertyName("output")] public float[] Output { get; init; } = [];

    /// <summary>Tolerance for "all engines agree" (max absolute difference).</summary>
    public const float Tolerance = 1e-4f;

    /// <summary>Directory holding the exported peers, next to the benchmark assembly.</summary>
    public static string PeersDirectory => Path.Combine(AppContext.BaseDirectory, "peers");

    /// <summary>Path of peers/&lt;name&gt;.onnx.</summary>
    public string OnnxPath => Path.Combine(PeersDirectory, Name + ".onnx");

    /// <summary>Reads peers/&lt;name&gt;.weights.json.</summary>
    public static PeerModel Load(string name)
    {
        string path = Path.Combine(PeersDirectory, name + ".weights.json");
        PeerModel model = JsonSerializer.Deserialize<PeerModel>(File.ReadAllText(path))
            ?? throw new InvalidDataException($"{path} is empty.");
        if (model.Parameters.Length != model.ParameterCount
            || model.Input.Length != model.Timesteps * model.Features
            || model.Output.Length != model.OutputSize)
        {
            throw new InvalidDataException(
                $"{path}: inconsistent sizes (parameters {model.Parameters.Length}/{model.ParameterCount}, " +
                $"input {model.Input.Length}/{model.Timesteps * model.Features}, output {model.Output.Length}/{model.OutputSize}).");
        }
        return model;
    }

    /// <summary>Copies the weights into <paramref name="engine"/>'s <see cref="IRnnModel.Parameters"/>, checking the count.</summary>
    public void LoadInto(IRnnModel engine, string engineName)
    {
        if (engine.ParameterCount != ParameterCount)
        {
            throw new InvalidOperationException(
                $"{Name}: {engineName} has {engine.ParameterCount} parameters, the exported model has {ParameterCount}.");
        }
        Parameters.AsSpan().CopyTo(engine.Parameters);
    }

    /// <summary>Throws unless <paramref name="actual"/> matches the PyTorch reference output within <see cref="Tolerance"/>.</summary>
    public void AssertOutput(ReadOnlySpan<float> actual, string engineName) =>
        AssertClose(Output, actual, Tolerance, $"{Name}: {engineName} output vs PyTorch reference");

    /// <summary>Throws when the two spans differ by more than <paramref name="tolerance"/> anywhere.</summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float tolerance, string what)
    {
        if (expected.Length != actual.Length)
        {
            throw new InvalidOperationException($"{what}: length {actual.Length}, expected {expected.Length}.");
        }
        for (int i = 0; i < expected.Length; i++)
        {
            float diff = MathF.Abs(expected[i] - actual[i]);
            if (!(diff <= tolerance))
            {
                throw new InvalidOperationException(
                    $"{what}: element {i} is {actual[i]:R}, expected {expected[i]:R} (|diff| {diff:R} > {tolerance:R}).");
            }
        }
    }
}
