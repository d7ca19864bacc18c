using RnnGen.Dynamic;
using RnnGen.Tests.Reference;

namespace RnnGen.Tests.Dynamic;

/// <summary>
/// Training with dropout against Keras 3's formulas in float64 PyTorch and TensorFlow.js 4.22's cells, both fed RnnGen's
/// masks (<c>dropout.json</c>, from <c>tests/reference/dropout_pytorch.py</c> and <c>dropout_tfjs.js</c>): sample n of a
/// case draws (Seed, Sequence + n). Batched: outputs within 1e-5 and the summed parameter gradient within 2e-5; per
/// sample: outputs and input gradients; inference: the outputs without dropout. Tolerances are relative to the largest
/// magnitude of each array.
/// </summary>
public class DropoutFixtureTests
{
    public static TheoryData<string> Cases() => [.. Fixtures.DropoutCases().Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Batched_training_matches_the_framework(string name)
    {
        DropoutCase c = Get(name);
        Sequential model = Build(c);
        int n = c.Inputs.Count;
        var outputs = new float[n * model.OutputSize];
        model.SeedDropout((ulong)c.Seed, c.Sequence);
        model.ForwardBatch(Fixtures.Flatten(c.Inputs), outputs);
        for (int i = 0; i < n; i++)
        {
            MaskingFixtureTests.AssertClose(c.Outputs[i], outputs.AsSpan(i * model.OutputSize, model.OutputSize), 1e-5, $"ForwardBatch sample {i}");
        }

        model.Gradients.Clear();
        model.BackwardBatch(Fixtures.Flatten(c.OutputGradients));
        MaskingFixtureTests.AssertClose(c.ParameterGradientSum, model.Gradients, 2e-5, "BackwardBatch parameterGradientSum");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Per_sample_training_matches_the_framework(string name)
    {
        DropoutCase c = Get(name);
        Sequential model = Build(c);
        var output = new float[model.OutputSize];
        var inputGradient = new float[model.InputSize];
        model.Gradients.Clear();
        for (int i = 0; i < c.Inputs.Count; i++)
        {
            model.SeedDropout((ulong)c.Seed, c.Sequence + i);
            model.Forward(Fixtures.ToSingle(c.Inputs[i]), output);
            MaskingFixtureTests.AssertClose(c.Outputs[i], output, 1e-5, $"sample {i} output");
            model.Backward(Fixtures.ToSingle(c.OutputGradients[i]), inputGradient);
            if (c.InputGradients is not null) MaskingFixtureTests.AssertClose(c.InputGradients[i], inputGradient, 2e-5, $"sample {i} inputGradient");
        }

        MaskingFixtureTests.AssertClose(c.ParameterGradientSum, model.Gradients, 2e-5, "summed parameterGradient");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Inference_matches_the_framework_without_dropout(string name)
    {
        DropoutCase c = Get(name);
        Sequential model = Build(c);
        var output = new float[model.OutputSize];
        for (int i = 0; i < c.Inputs.Count; i++)
        {
            model.Predict(Fixtures.ToSingle(c.Inputs[i]), output);
            MaskingFixtureTests.AssertClose(c.InferenceOutputs[i], output, 1e-5, $"sample {i} Predict output");
        }
    }

    private static DropoutCase Get(string name) => Fixtures.DropoutCases().Single(x => x.Name == name);

    /// <summary>The case's layers with their rates, a <see cref="DropoutLayer"/> after weighted layer After (-1: first), and its weights.</summary>
    private static Sequential Build(DropoutCase c)
    {
        var layers = new List<Layer>();
        void AddDropoutAfter(int index)
        {
            foreach (DropoutLayerSpec d in c.DropoutLayers.Where(d => d.After == index)) layers.Add(new DropoutLayer((float)d.Rate));
        }

        AddDropoutAfter(-1);
        for (int k = 0; k < c.Layers.Count; k++)
        {
            layers.Add(ToLayer(c.Layers[k]));
            AddDropoutAfter(k);
        }

        var model = new Sequential(c.Timesteps, c.Features, 0, [.. layers]);
        Assert.Equal(c.Parameters.Length, model.ParameterCount);
        Fixtures.ToSingle(c.Parameters).CopyTo(model.Parameters);
        return model;
    }

    private static Layer ToLayer(LayerSpec s)
    {
        float dropout = (float)s.Dropout, recurrentDropout = (float)s.RecurrentDropout;
        Layer layer = s.Kind switch
        {
            LayerKind.SimpleRnn => new SimpleRnnLayer(s.Units, s.Activation, s.ReturnSequences, s.UseBias, s.GoBackwards, dropout, recurrentDropout),
            LayerKind.Lstm => new LstmLayer(s.Units, s.Activation, s.ReturnSequences, s.UseBias, s.GoBackwards, s.RecurrentActivation, dropout, recurrentDropout),
            LayerKind.Gru => new GruLayer(s.Units, s.Activation, s.ReturnSequences, s.UseBias, s.GoBackwards, s.ResetAfter, s.RecurrentActivation, dropout, recurrentDropout),
            _ => MaskingFixtureTests.ToLayer(s),
        };
        return s.Bidirectional && layer is RecurrentLayer recurrent ? new BidirectionalLayer(recurrent, s.Merge) : layer;
    }
}
