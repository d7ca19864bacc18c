using RnnGen.Tests.Dynamic;
using RnnGen.Tests.Helpers;
using DynamicDropoutTests = RnnGen.Tests.Dynamic.DropoutTests;

namespace RnnGen.Tests.Generated;

// Generated dropout models against finite differences in double: DropoutReference (Keras 3's training-mode formulas
// with the masks Dropout.Fill draws, sharing no code with the generator) for the same layers as a case of
// Dynamic/DropoutCases, and against the dynamic layers' training pass with the same seed and sequence.

[RnnModel(4, 3)]
[SimpleRnn(3, GoBackwards = true, Dropout = 0.3f, RecurrentDropout = 0.4f)]
public partial class FdSrnnBothBackwards;

[RnnModel(4, 3, Unroll = UnrollMode.Vector)]
[Lstm(3, ReturnSequences = true, Dropout = 0.3f, RecurrentDropout = 0.4f)]
public partial class FdLstmBothSequences;

[RnnModel(4, 3)]
[Gru(3, Dropout = 0.3f, RecurrentDropout = 0.4f)]
[Dense(2)]
public partial class FdGruAfterBoth;

[RnnModel(4, 3, Unroll = UnrollMode.Full)]
[Gru(3, UseBias = false, ResetAfter = false, Dropout = 0.3f, RecurrentDropout = 0.4f)]
public partial class FdGruBeforeBothNoBias;

[RnnModel(4, 3)]
[Lstm(3, ReturnSequences = true, Dropout = 0.3f, RecurrentDropout = 0.3f, Bidirectional = true)]
[Dense(2)]
public partial class FdBidiLstmBothSequences;

[RnnModel(4, 2, Unroll = UnrollMode.Loops)]
[Gru(3, ResetAfter = false, RecurrentDropout = 0.4f, Bidirectional = true, Merge = MergeMode.Sum)]
public partial class FdBidiGruBeforeRecurrentSum;

[RnnModel(5, 3)]
[Dropout(0.2f)]
[Lstm(3, ReturnSequences = true, Dropout = 0.3f)]
[Dropout(0.4f)]
[Gru(3, RecurrentDropout = 0.3f)]
[Dense(2)]
[Dropout(0.5f)]
public partial class FdDropoutLayersEverywhere;

[RnnModel(5, 3)]
[Embedding(7, 3)]
[Dropout(0.3f)]
[Lstm(3, Dropout = 0.2f, RecurrentDropout = 0.2f)]
public partial class FdEmbeddingDropoutLstm;

[RnnModel(6, 3)]
[Masking]
[Lstm(3, ReturnSequences = true, Dropout = 0.3f, RecurrentDropout = 0.3f)]
[Dropout(0.3f)]
[Dense(2)]
public partial class FdMaskingLstmBothDropoutLayer;

public class DropoutGradientTests
{
    private const ulong Seed = 99;
    private const long Sequence = 7;

    private static IBatchModel Create(string name) => name switch
    {
        "srnn_both_backwards" => new FdSrnnBothBackwards(),
        "lstm_both_sequences" => new FdLstmBothSequences(),
        "gru_after_both" => new FdGruAfterBoth(),
        "gru_before_both_no_bias" => new FdGruBeforeBothNoBias(),
        "bidi_lstm_both_sequences" => new FdBidiLstmBothSequences(),
        "bidi_gru_before_recurrent_sum" => new FdBidiGruBeforeRecurrentSum(),
        "dropout_layers_everywhere" => new FdDropoutLayersEverywhere(),
        "embedding_dropout_lstm" => new FdEmbeddingDropoutLstm(),
        "masking_lstm_both_dropout_layer" => new FdMaskingLstmBothDropoutLayer(),
        _ => throw new ArgumentException(name, nameof(name)),
    };

    public static TheoryData<string> Cases() => new(
        "srnn_both_backwards", "lstm_both_sequences", "gru_after_both", "gru_before_both_no_bias", "bidi_lstm_both_sequences",
        "bidi_gru_before_recurrent_sum", "dropout_layers_everywhere", "embedding_dropout_lstm", "masking_lstm_both_dropout_layer");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_matches_central_differences_in_double(string name)
    {
        DropoutCases.Case c = DropoutCases.Get(name);
        IBatchModel model = Create(name);
        var random = new Random(name.Length);
        ModelCases.Uniform(model.ParameterCount, 0.5, random).CopyTo(model.Parameters);
        float[] input = DropoutCases.Input(c, random);
        float[] w = ModelCases.Uniform(model.OutputSize, 1.0, random);

        var output = new float[model.OutputSize];
        var inputGradient = new float[model.InputSize];
        model.Gradients.Clear();
        ((IDropoutModel)model).SeedDropout(Seed, Sequence);
        model.Forward(input, output);
        model.Backward(w, inputGradient);

        double[] p = DynamicDropoutTests.ToDouble(model.Parameters), x = DynamicDropoutTests.ToDouble(input), wd = DynamicDropoutTests.ToDouble(w);
        double[] Reference(double[] pp, double[] xx) => DropoutReference.Forward(c.Timesteps, c.Features, c.Layers, pp, xx, Seed, Sequence, c.Mask);
        double Loss(double[] pp, double[] xx) => Reference(pp, xx).Select((y, k) => y * wd[k]).Sum();

        double[] expected = Reference(p, x);
        for (int k = 0; k < output.Length; k++)
        {
            Assert.True(Math.Abs(output[k] - expected[k]) <= 1e-5 * Math.Max(1, Math.Abs(expected[k])), $"output[{k}] = {output[k]}, reference {expected[k]}");
        }

        DynamicDropoutTests.AssertClose(FiniteDifferences.Central(p, () => Loss(p, x)), model.Gradients, "parameter");
        if (c.Layers[0] is not RnnGen.Dynamic.EmbeddingLayer) DynamicDropoutTests.AssertClose(FiniteDifferences.Central(x, () => Loss(p, x)), inputGradient, "input");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Training_passes_equal_the_dynamic_layers(string name)
    {
        DropoutCases.Case c = DropoutCases.Get(name);
        IBatchModel generated = Create(name);
        RnnGen.Dynamic.Sequential dynamic = c.Build();
        Assert.Equal(dynamic.ParameterCount, generated.ParameterCount);
        generated.Parameters.CopyTo(dynamic.Parameters);
        var random = new Random(3);
        int n = 5;
        float[] inputs = Enumerable.Range(0, n).SelectMany(_ => DropoutCases.Input(c, random)).ToArray();
        float[] dOut = ModelCases.Uniform(n * generated.OutputSize, 1.0, random);
        float[] a = new float[n * generated.OutputSize], b = new float[a.Length];
        ((IDropoutModel)generated).SeedDropout(Seed, Sequence);
        dynamic.SeedDropout(Seed, Sequence);
        generated.Gradients.Clear();
        dynamic.Gradients.Clear();
        generated.ForwardBatch(inputs, a);
        dynamic.ForwardBatch(inputs, b);
        for (int k = 0; k < a.Length; k++) Assert.True(Math.Abs(a[k] - b[k]) <= 1e-5f, $"output {k}: generated {a[k]}, dynamic {b[k]}");
        generated.BackwardBatch(dOut);
        dynamic.BackwardBatch(dOut);
        DynamicDropoutTests.AssertClose(DynamicDropoutTests.ToDouble(dynamic.Gradients), generated.Gradients, "generated vs dynamic parameter");
    }
}
