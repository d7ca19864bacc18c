using RnnGen.Dynamic;
using RnnGen.Tests.Dynamic;

namespace RnnGen.Tests.Generated;

// Bidirectional layers in every tier: each merge mode, each recurrent kind, last state and sequences, stacked, after an
// Embedding, and over a GoBackwards wrapped layer. The numbers against TensorFlow.js and PyTorch are in
// BidirectionalVsFrameworksTests; here: finite differences in double, the batched tier, the contract.

[RnnModel(5, 3)]
[SimpleRnn(4, Bidirectional = true)]
[Dense(2)]
public partial class BiSrnnConcat;

[RnnModel(5, 3, Unroll = UnrollMode.Vector)]
[Lstm(4, Bidirectional = true, Merge = MergeMode.Sum, ReturnSequences = true)]
[Dense(2)]
public partial class BiLstmSumSequencesVector;

[RnnModel(6, 2, Unroll = UnrollMode.Loops)]
[Gru(3, Bidirectional = true, Merge = MergeMode.Multiply)]
[Dense(1)]
public partial class BiGruMultiplyLoops;

[RnnModel(4, 2, Unroll = UnrollMode.Full)]
[Gru(3, ResetAfter = false, Bidirectional = true, Merge = MergeMode.Average, ReturnSequences = true)]
[Dense(2, Activation = Activation.Tanh)]
public partial class BiGruAverageSequencesFull;

[RnnModel(5, 3, Unroll = UnrollMode.Vector)]
[Lstm(5, Bidirectional = true, ReturnSequences = true)]
[Gru(4, Bidirectional = true, Merge = MergeMode.Sum)]
[Dense(2)]
public partial class BiStackedVector;

[RnnModel(6, 4)]
[Embedding(12, 4)]
[SimpleRnn(5, Bidirectional = true, Merge = MergeMode.Average)]
[Dense(3, Activation = Activation.Softmax)]
public partial class BiEmbeddingSrnn;

[RnnModel(5, 2, Unroll = UnrollMode.Loops)]
[SimpleRnn(3, Bidirectional = true, GoBackwards = true, ReturnSequences = true)]
[Dense(1)]
public partial class BiSrnnGoBackwardsLoops;

public class BidirectionalTests
{
    /// <summary>A model, and the same layers for the double-precision reference (<see cref="BidirectionalReference"/>).</summary>
    public sealed record Case(string Name, Func<IBatchModel> Create, int Timesteps, int Features, Layer[] Layers)
    {
        public override string ToString() => Name;
    }

    private static BidirectionalLayer Bi(RecurrentLayer layer, MergeMode merge = MergeMode.Concat) => new(layer, merge);

    public static readonly Case[] Cases =
    [
        new("BiSrnnConcat", () => new BiSrnnConcat(1), 5, 3, [Bi(new SimpleRnnLayer(4)), new DenseLayer(2)]),
        new("BiLstmSumSequencesVector", () => new BiLstmSumSequencesVector(2), 5, 3, [Bi(new LstmLayer(4, returnSequences: true), MergeMode.Sum), new DenseLayer(2)]),
        new("BiGruMultiplyLoops", () => new BiGruMultiplyLoops(3), 6, 2, [Bi(new GruLayer(3), MergeMode.Multiply), new DenseLayer(1)]),
        new("BiGruAverageSequencesFull", () => new BiGruAverageSequencesFull(4), 4, 2,
            [Bi(new GruLayer(3, returnSequences: true, resetAfter: false), MergeMode.Average), new DenseLayer(2, Activation.Tanh)]),
        new("BiStackedVector", () => new BiStackedVector(5), 5, 3,
            [Bi(new LstmLayer(5, returnSequences: true)), Bi(new GruLayer(4), MergeMode.Sum), new DenseLayer(2)]),
        new("BiEmbeddingSrnn", () => new BiEmbeddingSrnn(6), 6, 4,
            [new EmbeddingLayer(12, 4), Bi(new SimpleRnnLayer(5), MergeMode.Average), new DenseLayer(3, Activation.Softmax)]),
        new("BiSrnnGoBackwardsLoops", () => new BiSrnnGoBackwardsLoops(7), 5, 2,
            [Bi(new SimpleRnnLayer(3, returnSequences: true, goBackwards: true)), new DenseLayer(1)]),
    ];

    public static TheoryData<Case> AllCases() => new(Cases);

    private static bool Tokens(Case c) => c.Layers[0] is EmbeddingLayer;

    private static float[] Input(Case c, IRnnModel model, Random random, int samples = 1)
    {
        var input = new float[samples * model.InputSize];
        for (int i = 0; i < input.Length; i++) input[i] = Tokens(c) ? random.Next(12) : (float)(random.NextDouble() * 2 - 1);
        return input;
    }

    private static float[] Noise(int n, Random random) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();

    /// <summary>The model in double, from Keras's formulas (the dynamic tests' reference).</summary>
    private static double[] Reference(Case c, double[] p, double[] x) => BidirectionalReference.Forward(c.Timesteps, c.Features, c.Layers, p, x);

    [Theory]
    [MemberData(nameof(AllCases))]
    public void Predict_matches_the_double_reference(Case c)
    {
        IBatchModel model = c.Create();
        var random = new Random(c.Name.Length);
        float[] input = Input(c, model, random);
        var output = new float[model.OutputSize];
        model.Predict(input, output);
        double[] expected = Reference(c, model.Parameters.ToArray().Select(v => (double)v).ToArray(), input.Select(v => (double)v).ToArray());
        Assert.Equal(expected.Length, output.Length);
        for (int i = 0; i < output.Length; i++) Assert.True(Math.Abs(output[i] - expected[i]) <= 1e-5, $"output[{i}] = {output[i]}, expected {expected[i]}");
    }

    [Theory]
    [MemberData(nameof(AllCases))]
    public void Backward_matches_finite_differences_in_double(Case c)
    {
        IBatchModel model = c.Create();
        var random = new Random(c.Name.Length + 1);
        float[] input = Input(c, model, random), dOut = Noise(model.OutputSize, random);
        var output = new float[model.OutputSize];
        var inputGradient = new float[model.InputSize];
        model.Forward(input, output);
        model.Backward(dOut, inputGradient);

        double[] p = model.Parameters.ToArray().Select(v => (double)v).ToArray(), x = input.Select(v => (double)v).ToArray();
        double Loss(double[] pp, double[] xx)
        {
            double[] y = Reference(c, pp, xx);
            double loss = 0;
            for (int i = 0; i < y.Length; i++) loss += y[i] * dOut[i];
            return loss;
        }

        const double h = 1e-6;
        for (int i = 0; i < p.Length; i++)
        {
            double[] plus = (double[])p.Clone(), minus = (double[])p.Clone();
            plus[i] += h;
            minus[i] -= h;
            double expected = (Loss(plus, x) - Loss(minus, x)) / (2 * h);
            Assert.True(Math.Abs(model.Gradients[i] - expected) <= 1e-4 * Math.Max(1, Math.Abs(expected)), $"dL/dp[{i}] = {model.Gradients[i]}, finite difference {expected}");
        }

        if (Tokens(c)) return;
        for (int i = 0; i < x.Length; i++)
        {
            double[] plus = (double[])x.Clone(), minus = (double[])x.Clone();
            plus[i] += h;
            minus[i] -= h;
            double expected = (Loss(p, plus) - Loss(p, minus)) / (2 * h);
            Assert.True(Math.Abs(inputGradient[i] - expected) <= 1e-4 * Math.Max(1, Math.Abs(expected)), $"dL/dx[{i}] = {inputGradient[i]}, finite difference {expected}");
        }
    }

    [Theory]
    [MemberData(nameof(AllCases))]
    public void The_batched_tier_matches_the_per_sample_passes_without_allocating(Case c)
    {
        foreach (int n in new[] { 1, 3, 17 })
        {
            IBatchModel model = c.Create(), single = c.Create();
            var random = new Random(n);
            float[] inputs = Input(c, model, random, n), dOut = Noise(n * model.OutputSize, random);
            var outputs = new float[n * model.OutputSize];
            var predicted = new float[n * model.OutputSize];
            model.ForwardBatch(inputs, outputs);
            model.BackwardBatch(dOut);
            model.PredictBatch(inputs, predicted);

            var y = new float[model.OutputSize];
            for (int s = 0; s < n; s++)
            {
                single.Forward(inputs.AsSpan(s * model.InputSize, model.InputSize), y);
                for (int i = 0; i < y.Length; i++)
                {
                    Assert.True(Math.Abs(outputs[s * y.Length + i] - y[i]) <= 1e-5, $"n = {n}, sample {s}, output {i}: batched {outputs[s * y.Length + i]}, per sample {y[i]}");
                    Assert.True(Math.Abs(predicted[s * y.Length + i] - y[i]) <= 1e-5, $"n = {n}, sample {s}, PredictBatch output {i}");
                }

                single.Backward(dOut.AsSpan(s * model.OutputSize, model.OutputSize));
            }

            for (int i = 0; i < model.ParameterCount; i++)
            {
                Assert.True(Math.Abs(model.Gradients[i] - single.Gradients[i]) <= 1e-4 * Math.Max(1, Math.Abs(single.Gradients[i])),
                    $"n = {n}, dL/dp[{i}]: batched {model.Gradients[i]}, per sample {single.Gradients[i]}");
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            model.ForwardBatch(inputs, outputs);
            model.BackwardBatch(dOut);
            model.PredictBatch(inputs, predicted);
            model.Forward(inputs.AsSpan(0, model.InputSize), y);
            model.Backward(dOut.AsSpan(0, model.OutputSize));
            model.Predict(inputs.AsSpan(0, model.InputSize), y);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    [Fact]
    public void Step_needs_the_whole_sequence()
    {
        var model = new BiSrnnConcat();
        var error = Assert.Throws<NotSupportedException>(() => model.Step(new float[3], new float[2]));
        Assert.Contains("Bidirectional", error.Message, StringComparison.Ordinal);
        Assert.Equal(8, BiSrnnConcat.StateSize); // forward h, then backward h
    }

    [Fact]
    public void Layers_and_summary_describe_the_wrapper_as_Keras_does()
    {
        LayerInfo layer = BiStackedVector.Layers[0];
        Assert.Equal("bidirectional", layer.Name);
        Assert.True(layer.Bidirectional);
        Assert.Equal(MergeMode.Concat, layer.Merge);
        Assert.Equal(LayerKind.Lstm, layer.Kind);
        Assert.Equal(5, layer.Units);
        Assert.Equal([5, 10], layer.OutputShape);
        Assert.Equal(
            ["bidirectional/forward_lstm/kernel", "bidirectional/forward_lstm/recurrent_kernel", "bidirectional/forward_lstm/bias",
             "bidirectional/backward_lstm/kernel", "bidirectional/backward_lstm/recurrent_kernel", "bidirectional/backward_lstm/bias"],
            layer.Tensors.Select(t => t.Name));
        Assert.Equal(2 * (4 * 5 * (3 + 5) + 20), layer.ParameterCount);
        Assert.Equal(layer.ParameterOffset + layer.ParameterCount / 2, layer.Tensors[3].Offset);

        LayerInfo second = BiStackedVector.Layers[1];
        Assert.Equal("bidirectional_1", second.Name);
        Assert.Equal(MergeMode.Sum, second.Merge);
        Assert.Equal([4], second.OutputShape);
        Assert.Equal("bidirectional_1/forward_gru/kernel", second.Tensors[0].Name);
        Assert.Equal([10, 12], second.Tensors[0].Shape);
        Assert.False(BiStackedVector.Layers[2].Bidirectional);
        Assert.Contains("bidirectional (Bidirectional) (None, 5, 10)", BiStackedVector.Summary, StringComparison.Ordinal);
        Assert.Contains("bidirectional_1 (Bidirectional) (None, 4)", BiStackedVector.Summary, StringComparison.Ordinal);
        Assert.True(BiSrnnGoBackwardsLoops.Layers[0].GoBackwards); // the wrapped (forward) layer's
    }

    [Fact]
    public void Every_tier_gives_the_same_numbers()
    {
        // The same Lstm model as the generator chooses, and forced into each tier, on the same weights and input.
        IBatchModel[] models = [new BiLstmAuto(9), new BiLstmLoops(9), new BiLstmFull(9), new BiLstmVector(9)];
        var random = new Random(5);
        float[] input = Enumerable.Range(0, models[0].InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        float[] dOut = Noise(models[0].OutputSize, random);
        var reference = new float[models[0].OutputSize];
        models[0].Forward(input, reference);
        models[0].Backward(dOut);
        foreach (IBatchModel model in models.Skip(1))
        {
            var output = new float[model.OutputSize];
            model.Forward(input, output);
            model.Backward(dOut);
            for (int i = 0; i < output.Length; i++) Assert.True(Math.Abs(output[i] - reference[i]) <= 1e-5, $"{model.GetType().Name} output {i}");
            for (int i = 0; i < model.ParameterCount; i++) Assert.True(Math.Abs(model.Gradients[i] - models[0].Gradients[i]) <= 1e-5, $"{model.GetType().Name} gradient {i}");
        }
    }
}

[RnnModel(4, 2)]
[Lstm(3, Bidirectional = true, ReturnSequences = true, Merge = MergeMode.Multiply)]
[Dense(1)]
public partial class BiLstmAuto;

[RnnModel(4, 2, Unroll = UnrollMode.Loops)]
[Lstm(3, Bidirectional = true, ReturnSequences = true, Merge = MergeMode.Multiply)]
[Dense(1)]
public partial class BiLstmLoops;

[RnnModel(4, 2, Unroll = UnrollMode.Full)]
[Lstm(3, Bidirectional = true, ReturnSequences = true, Merge = MergeMode.Multiply)]
[Dense(1)]
public partial class BiLstmFull;

[RnnModel(4, 2, Unroll = UnrollMode.Vector)]
[Lstm(3, Bidirectional = true, ReturnSequences = true, Merge = MergeMode.Multiply)]
[Dense(1)]
public partial class BiLstmVector;
