using RnnGen.Dynamic;
using RnnGen.Tests.Reference;

namespace RnnGen.Tests.Generated;

/// <summary>
/// <c>RecurrentActivation</c> as a model reports it. The numbers (every tier against TensorFlow.js and PyTorch, finite
/// differences, Step, allocations) are the reference cases of layers_tfjs_defaults.json and layers_pytorch_gates.json.
/// </summary>
public class RecurrentActivationTests
{
    [Fact]
    public void Layers_report_the_recurrent_activation_in_generated_and_dynamic_models()
    {
        Assert.Equal(Activation.HardSigmoid, LstmTfjsDefaults.Layers[0].RecurrentActivation);
        Assert.Equal(Activation.HardSigmoid, GruTfjsDefaultsVector.Layers[0].RecurrentActivation);
        Assert.False(GruTfjsDefaultsVector.Layers[0].ResetAfter);
        Assert.Equal(Activation.Tanh, LstmTanhGatesLoops.Layers[0].RecurrentActivation);
        Assert.Equal(Activation.Linear, GruLinearGatesFull.Layers[0].RecurrentActivation);
        Assert.Equal(Activation.Sigmoid, LstmBasic.Layers[0].RecurrentActivation); // the Keras default
        Assert.Equal(Activation.Sigmoid, LstmTfjsDefaults.Layers[1].RecurrentActivation); // Dense: none, reported as the default
        Assert.Equal(Activation.HardSigmoid, SrnnHardSigmoid.Layers[2].Activation);

        var dynamic = new Sequential(5, 3, 0, new LstmLayer(4, returnSequences: true, recurrentActivation: Activation.HardSigmoid),
            new GruLayer(3, resetAfter: false, recurrentActivation: Activation.Relu), new DenseLayer(2));
        Assert.Equal([Activation.HardSigmoid, Activation.Relu, Activation.Sigmoid], dynamic.Layers.Select(l => l.RecurrentActivation));
        Assert.Equal(Activation.Sigmoid, new Sequential(5, 3, 0, new GruLayer(3)).Layers[0].RecurrentActivation);
    }

    [Fact]
    public void Softmax_gates_are_refused_by_the_dynamic_layers()
    {
        var e = Assert.Throws<ArgumentException>(() => new LstmLayer(4, recurrentActivation: Activation.Softmax));
        Assert.Equal("recurrentActivation", e.ParamName);
        Assert.Contains("Softmax", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => new GruLayer(4, recurrentActivation: (Activation)42));
        Assert.Equal("recurrentActivation", e.ParamName);
    }

    [Theory]
    [InlineData("lstm_tfjs_defaults")]
    [InlineData("gru_tfjs_defaults")]
    [InlineData("gru_reset_after_hard_sigmoid")]
    public void Every_tier_saturates_where_tfjs_does(string name)
    {
        // The wide fixture draws put many gate pre-activations past ±2.5; all four tiers must give the same output.
        LayerCase c = Fixtures.ReferenceCase(name);
        float[] expected = [];
        foreach (string mode in ReferenceModels.Modes)
        {
            IRnnModel model = GeneratedVsFrameworksTests.Load(c, mode);
            var output = new float[model.OutputSize];
            model.Predict(Fixtures.ToSingle(c.Input), output);
            if (expected.Length == 0) expected = output;
            GeneratedVsFrameworksTests.AssertClose(expected.Select(v => (double)v).ToArray(), output, 1e-6, $"{mode} vs Auto");
        }
    }
}
