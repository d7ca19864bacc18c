using RnnGen.Dynamic;
using RnnGen.Tests.Reference;

namespace RnnGen.Tests.Interop;

/// <summary>One file of <c>fixtures/interop/interop_*.json</c>: the model, an input and the framework's output for it.</summary>
public sealed record InteropCase(
    string Name,
    string File,
    string Format,
    int Timesteps,
    int Features,
    IReadOnlyList<LayerSpec> Layers,
    double[] Input,
    double[] Output)
{
    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>The interop manifests written by <c>tests/reference/interop_pytorch.py</c>, <c>interop_tfjs.js</c> and <c>interop_tfjs_defaults.js</c>.</summary>
public sealed record InteropFixtureFile(string Generator, IReadOnlyList<InteropCase> Cases);

public static class InteropFixtures
{
    public static IReadOnlyList<InteropCase> All() =>
        [
            .. Fixtures.Load<InteropFixtureFile>("interop/interop_pytorch.json").Cases,
            .. Fixtures.Load<InteropFixtureFile>("interop/interop_tfjs.json").Cases,
            .. Fixtures.Load<InteropFixtureFile>("interop/interop_tfjs_defaults.json").Cases,
        ];

    public static InteropCase Case(string name) => All().Single(c => c.Name == name);

    public static string PathOf(string file) => Fixtures.PathOf(Path.Combine("interop", file));

    public static Sequential Build(InteropCase c, int seed = 0) => new(c.Timesteps, c.Features, seed, ToLayers(c.Layers));

    public static Layer[] ToLayers(IReadOnlyList<LayerSpec> specs) =>
    [
        .. specs.Select(s => s.Kind switch
        {
            LayerKind.SimpleRnn => new SimpleRnnLayer(s.Units, s.Activation, s.ReturnSequences, s.UseBias, s.GoBackwards),
            LayerKind.Lstm => new LstmLayer(s.Units, s.Activation, s.ReturnSequences, s.UseBias, s.GoBackwards, s.RecurrentActivation),
            LayerKind.Gru => new GruLayer(s.Units, s.Activation, s.ReturnSequences, s.UseBias, s.GoBackwards, s.ResetAfter, s.RecurrentActivation),
            LayerKind.Dense => new DenseLayer(s.Units, s.Activation, s.UseBias),
            LayerKind.Embedding => (Layer)new EmbeddingLayer(s.InputDim, s.OutputDim),
            _ => throw new ArgumentOutOfRangeException(nameof(specs), s.Kind, "Unknown layer kind."),
        }),
    ];

    /// <summary>Largest absolute difference.</summary>
    public static double MaxError(double[] expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double max = 0;
        for (int i = 0; i < expected.Length; i++) max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
        return max;
    }
}
