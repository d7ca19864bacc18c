using RnnGen.Dynamic;
using RnnGen.Tests.Reference;

namespace RnnGen.Tests.Dynamic;

/// <summary>
/// Dynamic models against real frameworks: every case of <c>layers_pytorch.json</c> (PyTorch 1.13, float64 autograd)
/// and <c>layers_keras.json</c> and <c>layers_tfjs_defaults.json</c> (TensorFlow.js 4.22.0) is rebuilt as a <see cref="Sequential"/> with the fixture's
/// weights. Output within 1e-5 and gradients within 1e-4, relative to the largest magnitude of each array.
/// </summary>
public class ReferenceFixtureTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string file in new[] { "layers_pytorch.json", "layers_keras.json", "layers_tfjs_defaults.json", "layers_pytorch_gates.json" })
        {
            foreach (LayerCase c in Fixtures.LayerCases(file)) data.Add(file, c.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Dynamic_model_matches_the_framework(string file, string name)
    {
        LayerCase c = Fixtures.LayerCase(file, name);
        var model = new Sequential(c.Timesteps, c.Features, 0, ToLayers(c.Layers));
        Assert.Equal(c.Parameters.Length, model.ParameterCount);
        Fixtures.ToSingle(c.Parameters).CopyTo(model.Parameters);

        var output = new float[model.OutputSize];
        model.Forward(Fixtures.ToSingle(c.Input), output);
        AssertClose(c.Output, output, 1e-5, "output");

        var inputGradient = new float[model.InputSize];
        model.Gradients.Clear();
        model.Backward(Fixtures.ToSingle(c.OutputGradient), inputGradient);
        if (c.ParameterGradient is not null) AssertClose(c.ParameterGradient, model.Gradients, 1e-4, "parameterGradient");
        if (c.InputGradient is not null) AssertClose(c.InputGradient, inputGradient, 1e-4, "inputGradient");
    }

    private static Layer[] ToLayers(IReadOnlyList<LayerSpec> specs)
    {
        var layers = new Layer[specs.Count];
        for (int i = 0; i < layers.Length; i++)
        {
            LayerSpec s = specs[i];
            layers[i] = s.Kind switch
            {
                LayerKind.SimpleRnn => new SimpleRnnLayer(s.Units, s.Activation, s.ReturnSequences, s.UseBias, s.GoBackwards),
                LayerKind.Lstm => new LstmLayer(s.Units, s.Activation, s.ReturnSequences, s.UseBias, s.GoBackwards, s.RecurrentActivation),
                LayerKind.Gru => new GruLayer(s.Units, s.Activation, s.ReturnSequences, s.UseBias, s.GoBackwards, s.ResetAfter, s.RecurrentActivation),
                LayerKind.Dense => new DenseLayer(s.Units, s.Activation, s.UseBias),
                LayerKind.Embedding => new EmbeddingLayer(s.InputDim, s.OutputDim),
                _ => throw new ArgumentOutOfRangeException(nameof(specs), s.Kind, "Unknown layer kind."),
            };
        }

        return layers;
    }

    private static void AssertClose(double[] expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = 1e-3;
        foreach (double v in expected) scale = Math.Max(scale, Math.Abs(v));
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            Assert.True(error <= tolerance * scale, $"{what}[{i}]: expected {expected[i]}, got {actual[i]} (error {error:g3}, scale {scale:g3})");
        }
    }
}
