using RnnGen.Dynamic;
using RnnGen.Tests.Reference;

namespace RnnGen.Tests.Dynamic;

/// <summary>
/// Bidirectional dynamic models against real frameworks: every case of <c>layers_bidirectional.json</c> (TensorFlow.js
/// 4.22.0 <c>tf.layers.bidirectional</c>, every merge mode, float32) and <c>bidirectional_pytorch.json</c> (PyTorch
/// <c>nn.RNN/LSTM/GRU(bidirectional=True)</c>, float64 autograd) is rebuilt as a <see cref="Sequential"/> with the fixture's
/// weights. Output within 1e-5, parameter and input gradients within 1e-4, relative to the largest magnitude of each array.
/// </summary>
public class BidirectionalFixtureTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string file in Fixtures.BidirectionalCaseFiles)
        {
            foreach (LayerCase c in Fixtures.LayerCases(file)) data.Add(file, c.Name);
        }

        return data;
    }

    [Fact]
    public void Every_merge_mode_and_recurrent_kind_is_covered()
    {
        LayerSpec[] layers = Fixtures.BidirectionalCaseFiles.SelectMany(Fixtures.LayerCases).SelectMany(c => c.Layers).Where(l => l.Bidirectional).ToArray();
        Assert.Equal(Enum.GetValues<MergeMode>(), layers.Select(l => l.Merge).Distinct().Order());
        Assert.Equal([LayerKind.SimpleRnn, LayerKind.Lstm, LayerKind.Gru], layers.Select(l => l.Kind).Distinct().Order());
        Assert.Equal([false, true], layers.Where(l => l.Kind == LayerKind.Gru).Select(l => l.ResetAfter).Distinct().Order());
        Assert.Equal([false, true], layers.Select(l => l.ReturnSequences).Distinct().Order());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Dynamic_model_matches_the_framework(string file, string name)
    {
        LayerCase c = Fixtures.LayerCase(file, name);
        var model = new Sequential(c.Timesteps, c.Features, 0, c.Layers.Select(ToLayer).ToArray());
        Assert.Equal(c.Parameters.Length, model.ParameterCount);
        Fixtures.ToSingle(c.Parameters).CopyTo(model.Parameters);

        float[] input = Fixtures.ToSingle(c.Input), outputGradient = Fixtures.ToSingle(c.OutputGradient);
        var output = new float[model.OutputSize];
        model.Forward(input, output);
        AssertClose(c.Output, output, 1e-5, "output");

        var inputGradient = new float[model.InputSize];
        model.Gradients.Clear();
        model.Backward(outputGradient, inputGradient);
        AssertClose(c.ParameterGradient!, model.Gradients, 1e-4, "parameterGradient");
        AssertClose(c.InputGradient!, inputGradient, 1e-4, "inputGradient");

        // The batched path on the same sample (twice, so both rows of the batch are checked).
        model.Gradients.Clear();
        var outputs = new float[2 * model.OutputSize];
        model.ForwardBatch([.. input, .. input], outputs);
        model.BackwardBatch([.. outputGradient, .. outputGradient]);
        AssertClose(c.Output, outputs.AsSpan(0, model.OutputSize), 1e-5, "ForwardBatch output");
        AssertClose(c.Output, outputs.AsSpan(model.OutputSize), 1e-5, "ForwardBatch output");
        AssertClose(c.ParameterGradient!.Select(g => 2 * g).ToArray(), model.Gradients, 1e-4, "BackwardBatch parameterGradient");
    }

    private static Layer ToLayer(LayerSpec s)
    {
        Layer layer = s.Kind switch
        {
            LayerKind.SimpleRnn => new SimpleRnnLayer(s.Units, s.Activation, s.ReturnSequences, s.UseBias, s.GoBackwards),
            LayerKind.Lstm => new LstmLayer(s.Units, s.Activation, s.ReturnSequences, s.UseBias, s.GoBackwards, s.RecurrentActivation),
            LayerKind.Gru => new GruLayer(s.Units, s.Activation, s.ReturnSequences, s.UseBias, s.GoBackwards, s.ResetAfter, s.RecurrentActivation),
            LayerKind.Dense => new DenseLayer(s.Units, s.Activation, s.UseBias),
            _ => throw new ArgumentOutOfRangeException(nameof(s), s.Kind, "Unexpected layer kind in a bidirectional fixture."),
        };
        return s.Bidirectional ? new BidirectionalLayer((RecurrentLayer)layer, s.Merge) : layer;
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
