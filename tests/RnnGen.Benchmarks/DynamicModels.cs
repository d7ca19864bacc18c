using RnnGen.Dynamic;

namespace RnnGen.Benchmarks;

/// <summary>The benchmark models built from the runtime-shaped layers in <c>RnnGen.Dynamic</c>.</summary>
public static class DynamicModels
{
    /// <summary>The dynamic twin of the generated model <paramref name="name"/> (same layers; weights are loaded afterwards).</summary>
    public static IRnnModel Create(string name) => name switch
    {
        "letter" => new Sequential(1, 5, 1, new SimpleRnnLayer(3), new DenseLayer(5, Activation.Softmax)),
        "srnn32" => new Sequential(50, 8, 1, new SimpleRnnLayer(32), new DenseLayer(1)),
        "lstm32" => new Sequential(50, 8, 1, new LstmLayer(32), new DenseLayer(1)),
        "gru64" => new Sequential(100, 16, 1, new GruLayer(64), new DenseLayer(4)),
        _ => throw new ArgumentException($"Unknown benchmark model '{name}'.", nameof(name)),
    };
}
