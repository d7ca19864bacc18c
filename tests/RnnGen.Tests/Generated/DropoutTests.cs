namespace RnnGen.Tests.Generated;

// Dropout in the generated models: what the contract says beyond the numbers (those are held to PyTorch and
// TensorFlow.js in Reference/DropoutVsFrameworksTests): inference never drops, the masks follow the seed and the
// sequence number, one sample is a lane group of one, nothing allocates, and Fit is deterministic per seed.

[RnnModel(6, 3)]
[SimpleRnn(5, Dropout = 0.3f, RecurrentDropout = 0.4f, ReturnSequences = true)]
[Dropout(0.25f)]
[Dense(2)]
public partial class DroppedSrnn;

[RnnModel(6, 3)]
[SimpleRnn(5, ReturnSequences = true)]
[Dense(2)]
public partial class UndroppedSrnn;

[RnnModel(6, 3, Unroll = UnrollMode.Vector)]
[Lstm(8, Dropout = 0.2f, RecurrentDropout = 0.2f)]
[Dense(1, Activation = Activation.Sigmoid)]
public partial class DroppedLstmVector;

[RnnModel(6, 3, Unroll = UnrollMode.Vector)]
[Lstm(8)]
[Dense(1, Activation = Activation.Sigmoid)]
public partial class UndroppedLstmVector;

[RnnModel(6, 3, Unroll = UnrollMode.Loops)]
[Dropout(0.1f)]
[Gru(4, Dropout = 0.5f, RecurrentDropout = 0.25f, Bidirectional = true)]
[Dense(2)]
[Dropout(0.3f)]
public partial class DroppedBiGruLoops;

[RnnModel(6, 3, Unroll = UnrollMode.Loops)]
[Gru(4, Bidirectional = true)]
[Dense(2)]
public partial class UndroppedBiGruLoops;

[RnnModel(4, 3)]
[SimpleRnn(3, Dropout = 0f, RecurrentDropout = 0f)]
[Dropout(0f)]
[Dense(1)]
public partial class ZeroRateSrnn;

public class DropoutTests
{
    public sealed record Pair(string Name, Func<IBatchModel> Dropped, Func<IBatchModel> Plain)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Pair> Pairs() => new(
    [
        new("srnn, both options and a layer", () => new DroppedSrnn(3), () => new UndroppedSrnn(3)),
        new("lstm, vector tier", () => new DroppedLstmVector(4), () => new UndroppedLstmVector(4)),
        new("bidirectional gru, loops, layers in front and at the end", () => new DroppedBiGruLoops(5), () => new UndroppedBiGruLoops(5)),
    ]);

    private static float[] Inputs(IRnnModel model, int n, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n * model.InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Inference_never_drops(Pair pair)
    {
        IBatchModel dropped = pair.Dropped(), plain = pair.Plain();
        Assert.Equal(plain.Parameters.ToArray(), dropped.Parameters.ToArray());
        float[] x = Inputs(dropped, 17, 1);
        float[] a = new float[17 * dropped.OutputSize], b = new float[a.Length];
        dropped.PredictBatch(x, a);
        plain.PredictBatch(x, b);
        Assert.Equal(b, a);

        float[] one = new float[dropped.OutputSize], other = new float[one.Length];
        dropped.Predict(x.AsSpan(0, dropped.InputSize), one);
        plain.Predict(x.AsSpan(0, dropped.InputSize), other);
        Assert.Equal(other, one);

        // Step too (a bidirectional layer has no Step)
        if (!dropped.Layers.Any(l => l.Bidirectional))
        {
            float[] step = new float[dropped.StepOutputSize], plainStep = new float[step.Length];
            dropped.ResetState();
            plain.ResetState();
            for (int t = 0; t < dropped.Timesteps; t++)
            {
                dropped.Step(x.AsSpan(t * dropped.Features, dropped.Features), step);
                plain.Step(x.AsSpan(t * dropped.Features, dropped.Features), plainStep);
                Assert.Equal(plainStep, step);
            }
        }

        // a training pass does drop: its output differs from inference
        ((IDropoutModel)dropped).SeedDropout(11, 0);
        dropped.ForwardBatch(x, a);
        Assert.NotEqual(b, a);
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Masks_follow_the_seed_and_the_sequence(Pair pair)
    {
        IBatchModel model = pair.Dropped();
        var dropout = (IDropoutModel)model;
        float[] x = Inputs(model, 5, 2);
        float[] first = new float[5 * model.OutputSize], again = new float[first.Length], next = new float[first.Length];
        dropout.SeedDropout(42, 100);
        model.ForwardBatch(x, first);
        model.ForwardBatch(x, next); // the sequence moved on by 5: fresh masks
        dropout.SeedDropout(42, 100);
        model.ForwardBatch(x, again);
        Assert.Equal(first, again);
        Assert.NotEqual(first, next);

        // sample i of a pass is sequence + i: a pass that starts at sample 2 gives the same rows 2..4
        float[] tail = new float[3 * model.OutputSize];
        dropout.SeedDropout(42, 102);
        model.ForwardBatch(x.AsSpan(2 * model.InputSize), tail);
        Assert.Equal(first.AsSpan(2 * model.OutputSize).ToArray(), tail);

        // and another seed, other masks
        dropout.SeedDropout(43, 100);
        model.ForwardBatch(x, again);
        Assert.NotEqual(first, again);
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void One_sample_is_a_group_of_one_with_the_same_masks(Pair pair)
    {
        IBatchModel batch = pair.Dropped(), single = pair.Dropped();
        int n = 19;
        float[] x = Inputs(batch, n, 3);
        var random = new Random(4);
        float[] dOut = Enumerable.Range(0, n * batch.OutputSize).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        float[] outputs = new float[n * batch.OutputSize];
        ((IDropoutModel)batch).SeedDropout(9, 1000);
        batch.ForwardBatch(x, outputs);
        batch.BackwardBatch(dOut);

        float[] output = new float[single.OutputSize], inputGradient = new float[single.InputSize];
        bool anyInputGradient = false; // a sample whose every output is dropped has none
        for (int i = 0; i < n; i++)
        {
            ((IDropoutModel)single).SeedDropout(9, 1000 + i);
            single.Forward(x.AsSpan(i * single.InputSize, single.InputSize), output);
            Assert.Equal(outputs.AsSpan(i * single.OutputSize, single.OutputSize).ToArray(), output);
            single.Backward(dOut.AsSpan(i * single.OutputSize, single.OutputSize), inputGradient);
            anyInputGradient |= inputGradient.Any(v => v != 0f);
        }

        Assert.True(anyInputGradient);

        float[] expected = batch.Gradients.ToArray(), actual = single.Gradients.ToArray();
        for (int k = 0; k < expected.Length; k++)
        {
            Assert.True(Math.Abs(expected[k] - actual[k]) <= 1e-5f * (1 + Math.Abs(expected[k])), $"gradient {k}: {actual[k]} vs {expected[k]}");
        }
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Training_passes_allocate_nothing(Pair pair)
    {
        IBatchModel model = pair.Dropped();
        float[] x = Inputs(model, 33, 5);
        float[] outputs = new float[33 * model.OutputSize], dOut = new float[outputs.Length];
        Array.Fill(dOut, 0.1f);
        float[] output = new float[model.OutputSize], inputGradient = new float[model.InputSize];
        for (int round = 0; round < 2; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            ((IDropoutModel)model).SeedDropout(1, round);
            model.ForwardBatch(x, outputs);
            model.BackwardBatch(dOut);
            model.Forward(x.AsSpan(0, model.InputSize), output);
            model.Backward(dOut.AsSpan(0, model.OutputSize), inputGradient);
            if (round == 1) Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    [Fact]
    public void Rates_of_zero_are_no_dropout()
    {
        var model = new ZeroRateSrnn();
        Assert.False(model is IDropoutModel);
        Assert.Equal(0f, ZeroRateSrnn.Layers[0].Dropout);
        Assert.Equal(0f, ZeroRateSrnn.Layers[0].OutputDropout);
    }

    [Fact]
    public void Layers_and_summary_show_the_rates()
    {
        LayerInfo gru = DroppedBiGruLoops.Layers[0];
        Assert.Equal(0.5f, gru.Dropout);
        Assert.Equal(0.25f, gru.RecurrentDropout);
        Assert.Equal(0.1f, gru.InputDropout);
        Assert.Equal(0.3f, DroppedBiGruLoops.Layers[1].OutputDropout);
        Assert.Equal(2, DroppedBiGruLoops.Layers.Count);
        string summary = DroppedBiGruLoops.Summary;
        Assert.Contains(" dropout (Dropout)", summary, StringComparison.Ordinal);
        Assert.Contains(" dropout_1 (Dropout)", summary, StringComparison.Ordinal);
        Assert.Contains("(None, 6, 3)", summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Fit_with_dropout_is_deterministic_per_seed(int parallelism)
    {
        float[] Train(int seed)
        {
            var model = new DroppedLstmVector(7);
            var random = new Random(8);
            float[][] inputs = Enumerable.Range(0, 96).Select(_ => Enumerable.Range(0, DroppedLstmVector.InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()).ToArray();
            float[][] targets = inputs.Select(x => new[] { x.Sum() > 0 ? 1f : 0f }).ToArray();
            model.Fit(Dataset.FromArrays(inputs, targets), new TrainingOptions { Epochs = 2, BatchSize = 16, Loss = Losses.BinaryCrossentropy(), Seed = seed, Parallelism = parallelism, Verbose = false });
            return model.Parameters.ToArray();
        }

        float[] a = Train(5), b = Train(5), c = Train(6);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }
}
