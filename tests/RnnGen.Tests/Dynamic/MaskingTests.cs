using RnnGen.Dynamic;
using RnnGen.Tests.Helpers;
using static RnnGen.Tests.Dynamic.MaskingCases;

namespace RnnGen.Tests.Dynamic;

/// <summary>
/// Masked dynamic models against <see cref="MaskedReference"/> (double, Keras's masked <c>rnn()</c> written out): the
/// forward, central differences of the parameter and input gradients with the mask held fixed, the batched path against
/// the per-sample one with a different mask per sample, Step, the construction rules and the allocation-free hot paths.
/// </summary>
public class MaskingTests
{
    public static TheoryData<string> Cases => Names();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_matches_the_masked_double_reference(string name)
    {
        Case c = Get(name);
        Sequential model = c.Build();
        var random = new Random(3);
        ModelCases.Uniform(model.ParameterCount, 0.5, random).CopyTo(model.Parameters);
        foreach (bool[] mask in (bool[][])[MixedMask, [true, true, true, true, true, true], [false, false, false, false, false, false], [true, false, false, false, false, true]])
        {
            float[] input = Input(c, mask, random);
            var output = new float[model.OutputSize];
            model.Forward(input, output);
            double[] expected = MaskedReference.Forward(c.Timesteps, c.Features, c.Layers, ToDouble(model.Parameters), ToDouble(input), mask).Output;
            AssertClose(expected, output, 1e-5, $"output, mask {string.Concat(mask.Select(m => m ? '1' : '0'))}");

            var predicted = new float[model.OutputSize];
            model.Predict(input, predicted);
            Assert.Equal(output, predicted);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gradients_match_central_differences_with_the_mask_fixed(string name)
    {
        Case c = Get(name);
        Sequential model = c.Build();
        var random = new Random(5);
        ModelCases.Uniform(model.ParameterCount, 0.5, random).CopyTo(model.Parameters);
        float[] input = Input(c, MixedMask, random);
        float[] w = ModelCases.Uniform(model.OutputSize, 1.0, random);

        var output = new float[model.OutputSize];
        var inputGradient = new float[model.InputSize];
        model.Gradients.Clear();
        model.Forward(input, output);
        model.Backward(w, inputGradient);

        double[] p = ToDouble(model.Parameters), x = ToDouble(input), wd = ToDouble(w);
        double Loss()
        {
            double[] y = MaskedReference.Forward(c.Timesteps, c.Features, c.Layers, p, x, MixedMask).Output;
            double s = 0;
            for (int k = 0; k < y.Length; k++) s += wd[k] * y[k];
            return s;
        }

        AssertClose(FiniteDifferences.Central(p, Loss), model.Gradients, 1e-4, "parameter gradient");
        if (c.Tokens)
        {
            Assert.All(inputGradient, v => Assert.Equal(0f, v));
        }
        else
        {
            double[] numeric = FiniteDifferences.Central(x, Loss);
            AssertClose(numeric, inputGradient, 1e-4, "input gradient");

            // Masking multiplies by the mask: masked steps get exactly zero.
            for (int t = 0; t < c.Timesteps; t++)
            {
                if (!MixedMask[t]) Assert.All(inputGradient.AsSpan(t * c.Features, c.Features).ToArray(), v => Assert.Equal(0f, v));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Batched_path_equals_the_per_sample_path_with_mixed_masks(string name)
    {
        Case c = Get(name);
        foreach (int n in (int[])[1, 3, 17])
        {
            Sequential model = c.Build(seed: n);
            var random = new Random(100 + n);
            int inSize = model.InputSize, outSize = model.OutputSize;
            var inputs = new float[n * inSize];
            float[] dy = ModelCases.Uniform(n * outSize, 1.0, random);
            for (int i = 0; i < n; i++)
            {
                // Sample 0 keeps every step, sample 1 masks every step, the others are random.
                bool[] mask = i == 0 ? [.. Enumerable.Repeat(true, c.Timesteps)] : i == 1 ? new bool[c.Timesteps] : RandomMask(c.Timesteps, 0.4, random);
                Input(c, mask, random).CopyTo(inputs, i * inSize);
            }

            var expected = new float[n * outSize];
            var sum = new double[model.ParameterCount];
            for (int i = 0; i < n; i++)
            {
                model.Gradients.Clear();
                model.Forward(inputs.AsSpan(i * inSize, inSize), expected.AsSpan(i * outSize, outSize));
                model.Backward(dy.AsSpan(i * outSize, outSize));
                for (int k = 0; k < sum.Length; k++) sum[k] += model.Gradients[k];
            }

            var outputs = new float[n * outSize];
            model.PredictBatch(inputs, outputs);
            AssertClose(ToDouble(expected), outputs, 1e-5, $"n = {n}: PredictBatch");
            Array.Clear(outputs);
            model.ForwardBatch(inputs, outputs);
            AssertClose(ToDouble(expected), outputs, 1e-5, $"n = {n}: ForwardBatch");
            model.Gradients.Clear();
            model.BackwardBatch(dy);
            AssertClose(sum, model.Gradients, 1e-5, $"n = {n}: BackwardBatch gradient sum");
        }
    }

    [Theory]
    [InlineData("masking_srnn_sequences")]
    [InlineData("masking_lstm_sequences")]
    [InlineData("masking_gru_reset_before_sequences")]
    [InlineData("masking_dense_then_rnn")]
    public void Step_follows_the_mask_as_Predict_does(string name)
    {
        Case c = Get(name);
        Sequential model = c.Build();
        var random = new Random(9);
        ModelCases.Uniform(model.ParameterCount, 0.5, random).CopyTo(model.Parameters);
        float[] input = Input(c, MixedMask, random);
        var output = new float[model.OutputSize];
        model.Predict(input, output);

        // Row t of Predict at step t: a masked step keeps the state and repeats the last output (zero before any kept step).
        model.ResetState();
        var y = new float[model.StepOutputSize];
        for (int t = 0; t < c.Timesteps; t++)
        {
            model.Step(input.AsSpan(t * c.Features, c.Features), y);
            AssertClose(ToDouble(output.AsSpan(t * y.Length, y.Length)), y, 1e-6, $"step {t}");
        }
    }

    [Fact]
    public void Step_on_token_ids_masks_token_zero()
    {
        var model = new Sequential(4, 3, 1, new EmbeddingLayer(5, 3, maskZero: true), new GruLayer(3));
        var first = new float[3];
        var again = new float[3];
        model.Step([0f], first);
        Assert.Equal(new float[3], first); // zero before any kept step
        model.Step([2f], first);
        model.Step([0f], again);
        Assert.Equal(first, again); // repeats the last output
        var state = new float[model.StateSize];
        model.ReadState(state);
        Assert.Equal(first, state); // a Gru's state is h
    }

    [Fact]
    public void Masking_is_not_listed_in_Layers_but_shown_in_the_summary()
    {
        var model = new Sequential(5, 3, 0, new MaskingLayer(), new LstmLayer(4), new DenseLayer(1));
        Assert.Equal([LayerKind.Lstm, LayerKind.Dense], model.Layers.Select(l => l.Kind));
        Assert.Equal(0, model.Layers[0].ParameterOffset);
        Assert.Equal([5, 3], model.Layers[0].InputShape);
        Assert.Contains(" masking (Masking)           (None, 5, 3)              0\n", model.Summary);
        Assert.Contains("lstm (LSTM)", model.Summary);
        Assert.Equal(4 * 4 * (3 + 4 + 1) + 5, model.ParameterCount);
    }

    [Fact]
    public void Masking_must_be_the_first_layer()
    {
        var e = Assert.Throws<ArgumentException>(() => new Sequential(5, 3, 0, new SimpleRnnLayer(3, returnSequences: true), new MaskingLayer(), new DenseLayer(1)));
        Assert.Equal("layers", e.ParamName);
        Assert.Contains("Masking must be the first layer", e.Message);
    }

    [Fact]
    public void Masking_cannot_be_combined_with_an_Embedding()
    {
        var e = Assert.Throws<ArgumentException>(() => new Sequential(5, 3, 0, new MaskingLayer(), new EmbeddingLayer(7, 3), new SimpleRnnLayer(2)));
        Assert.Equal("layers", e.ParamName);
        Assert.Contains("maskZero", e.Message);
    }

    [Fact]
    public void A_mask_value_step_is_masked_only_when_every_feature_equals_it()
    {
        var model = new Sequential(3, 2, 4, new MaskingLayer(1f), new SimpleRnnLayer(2, returnSequences: true));
        var output = new float[model.OutputSize];
        model.Predict([1f, 1f, 1f, 0.25f, 1f, 1f], output);
        Assert.Equal(new float[2], output[..2]); // step 0 masked, before any kept step: zero
        Assert.NotEqual(new float[2], output[2..4]); // step 1 has one feature equal to the mask value: kept
        Assert.Equal(output[2..4], output[4..6]); // step 2 masked: repeats step 1
    }

    [Fact]
    public void Masked_hot_paths_allocate_nothing_after_the_first_call()
    {
        Case c = Get("masking_bidi_stacked");
        Sequential bidi = c.Build();
        Sequential stepping = Get("masking_lstm_sequences").Build();
        var random = new Random(1);
        float[] input = Input(c, MixedMask, random), steppingInput = Input(Get("masking_lstm_sequences"), MixedMask, random);
        float[] inputs = [.. input, .. input, .. input];
        var output = new float[bidi.OutputSize];
        var outputs = new float[3 * bidi.OutputSize];
        var gradient = new float[bidi.OutputSize];
        var gradients = new float[3 * bidi.OutputSize];
        var inputGradient = new float[bidi.InputSize];
        var initial = new float[bidi.StateSize];
        var final = new float[bidi.StateSize];
        var y = new float[stepping.StepOutputSize];
        var state = new float[stepping.StateSize];

        void Run()
        {
            bidi.Predict(input, output);
            bidi.Predict(input, output, initial, final);
            bidi.Forward(input, output);
            bidi.Backward(gradient, inputGradient);
            bidi.PredictBatch(inputs, outputs);
            bidi.ForwardBatch(inputs, outputs);
            bidi.BackwardBatch(gradients);
            stepping.Step(steppingInput.AsSpan(0, 2), y);
            stepping.Step(steppingInput.AsSpan(2, 2), y);
            stepping.ReadState(state);
            stepping.WriteState(state);
        }

        Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 3; k++) Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    internal static void AssertClose(IReadOnlyList<double> expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Count, actual.Length);
        double scale = 1e-3;
        foreach (double v in expected) scale = Math.Max(scale, Math.Abs(v));
        for (int k = 0; k < expected.Count; k++)
        {
            double error = Math.Abs(actual[k] - expected[k]);
            Assert.True(error <= tolerance * scale + 1e-5 * Math.Abs(expected[k]),
                $"{what} [{k}]: got {actual[k]}, expected {expected[k]} (error {error:g3}, scale {scale:g3})");
        }
    }
}
