using RnnGen.Dynamic;
using RnnGen.Tests.Helpers;

namespace RnnGen.Tests.Dynamic;

/// <summary>
/// Keras dropout in the dynamic layers: the training passes against a double-precision reference that applies the same
/// masks (<see cref="DropoutReference"/>), their gradients against its central differences, the batched path against
/// the per-sample one, inference without dropout, the seeding rules, allocation-free training and reproducible Fit.
/// </summary>
public class DropoutTests
{
    private const ulong Seed = 1234;
    private const long Sequence = 40;

    public static TheoryData<string> Cases => DropoutCases.Names();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_matches_reference_with_the_same_masks(string name)
    {
        DropoutCases.Case c = DropoutCases.Get(name);
        Sequential model = c.Build();
        var random = new Random(11);
        ModelCases.Uniform(model.ParameterCount, 0.5, random).CopyTo(model.Parameters);
        float[] input = DropoutCases.Input(c, random);

        var output = new float[model.OutputSize];
        model.SeedDropout(Seed, Sequence);
        model.Forward(input, output);
        double[] expected = DropoutReference.Forward(c.Timesteps, c.Features, c.Layers, ToDouble(model.Parameters), ToDouble(input), Seed, Sequence, c.Mask);

        Assert.Equal(expected.Length, output.Length);
        for (int k = 0; k < output.Length; k++)
        {
            Assert.True(Math.Abs(output[k] - expected[k]) <= 1e-5 * Math.Max(1, Math.Abs(expected[k])), $"output[{k}] = {output[k]}, reference {expected[k]}");
        }

        // The masks matter: inference differs from the training pass.
        var predicted = new float[model.OutputSize];
        model.Predict(input, predicted);
        Assert.NotEqual(predicted, output);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_matches_central_differences_through_the_masks(string name)
    {
        DropoutCases.Case c = DropoutCases.Get(name);
        Sequential model = c.Build();
        var random = new Random(5);
        ModelCases.Uniform(model.ParameterCount, 0.5, random).CopyTo(model.Parameters);
        float[] input = DropoutCases.Input(c, random);
        float[] w = ModelCases.Uniform(model.OutputSize, 1.0, random);

        var output = new float[model.OutputSize];
        var inputGradient = new float[model.InputSize];
        model.Gradients.Clear();
        model.SeedDropout(Seed, Sequence);
        model.Forward(input, output);
        model.Backward(w, inputGradient);

        double[] p = ToDouble(model.Parameters), x = ToDouble(input), wd = ToDouble(w);
        double Loss(double[] pp, double[] xx)
        {
            double[] y = DropoutReference.Forward(c.Timesteps, c.Features, c.Layers, pp, xx, Seed, Sequence, c.Mask);
            double s = 0;
            for (int k = 0; k < y.Length; k++) s += wd[k] * y[k];
            return s;
        }

        AssertClose(FiniteDifferences.Central(p, () => Loss(p, x)), model.Gradients, "parameter");
        if (c.Layers[0] is EmbeddingLayer)
        {
            Assert.All(inputGradient, v => Assert.Equal(0f, v));
            return;
        }

        AssertClose(FiniteDifferences.Central(x, () => Loss(p, x)), inputGradient, "input");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Batched_training_equals_per_sample_training(string name)
    {
        DropoutCases.Case c = DropoutCases.Get(name);
        foreach (int n in new[] { 1, 3, 17 })
        {
            Sequential single = c.Build(), batched = c.Build();
            var random = new Random(n);
            float[] inputs = [.. Enumerable.Range(0, n).SelectMany(_ => DropoutCases.Input(c, random))];
            float[] dOut = ModelCases.Uniform(n * single.OutputSize, 1.0, random);

            var expected = new float[n * single.OutputSize];
            var output = new float[single.OutputSize];
            for (int i = 0; i < n; i++)
            {
                single.SeedDropout(Seed, Sequence + i);
                single.Forward(inputs.AsSpan(i * single.InputSize, single.InputSize), output);
                output.CopyTo(expected, i * single.OutputSize);
                single.Backward(dOut.AsSpan(i * single.OutputSize, single.OutputSize));
            }

            var outputs = new float[n * batched.OutputSize];
            batched.SeedDropout(Seed, Sequence);
            batched.ForwardBatch(inputs, outputs);
            batched.BackwardBatch(dOut);

            for (int k = 0; k < outputs.Length; k++)
            {
                Assert.True(Math.Abs(outputs[k] - expected[k]) <= 1e-6 * Math.Max(1, Math.Abs(expected[k])), $"n = {n}: output[{k}] {outputs[k]} vs {expected[k]}");
            }

            float[] g1 = single.Gradients.ToArray(), g2 = batched.Gradients.ToArray();
            double scale = Math.Max(1, g1.Max(Math.Abs));
            for (int k = 0; k < g1.Length; k++)
            {
                Assert.True(Math.Abs(g1[k] - g2[k]) <= 1e-6 * scale, $"n = {n}: gradient[{k}] {g2[k]} vs {g1[k]}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Inference_ignores_dropout(string name)
    {
        DropoutCases.Case c = DropoutCases.Get(name);
        Sequential model = c.Build(), plain = new(c.Timesteps, c.Features, 7, DropoutCases.WithoutDropout(c.Layers));
        Assert.Equal(plain.ParameterCount, model.ParameterCount);
        var random = new Random(3);
        ModelCases.Uniform(model.ParameterCount, 0.5, random).CopyTo(model.Parameters);
        model.Parameters.CopyTo(plain.Parameters);
        float[] inputs = [.. Enumerable.Range(0, 3).SelectMany(_ => DropoutCases.Input(c, random))];

        // A training pass first: inference must not read its masks.
        var trained = new float[3 * model.OutputSize];
        model.ForwardBatch(inputs, trained);
        model.Forward(inputs.AsSpan(0, model.InputSize), trained.AsSpan(0, model.OutputSize));

        var expected = new float[model.OutputSize];
        var actual = new float[model.OutputSize];
        plain.Predict(inputs.AsSpan(0, model.InputSize), expected);
        model.Predict(inputs.AsSpan(0, model.InputSize), actual);
        Assert.Equal(expected, actual);

        var expectedBatch = new float[3 * model.OutputSize];
        var actualBatch = new float[3 * model.OutputSize];
        plain.PredictBatch(inputs, expectedBatch);
        model.PredictBatch(inputs, actualBatch);
        Assert.Equal(expectedBatch, actualBatch);

        if (model.StateSize > 0)
        {
            var state = new float[model.StateSize];
            var final = new float[model.StateSize];
            var finalPlain = new float[model.StateSize];
            ModelCases.Uniform(model.StateSize, 0.5, random).CopyTo(state, 0);
            plain.Predict(inputs.AsSpan(0, model.InputSize), expected, state, finalPlain);
            model.Predict(inputs.AsSpan(0, model.InputSize), actual, state, final);
            Assert.Equal(expected, actual);
            Assert.Equal(finalPlain, final);
        }
    }

    [Fact]
    public void Step_ignores_dropout()
    {
        Layer[] layers = [new DropoutLayer(0.5f), new LstmLayer(3, returnSequences: true, dropout: 0.5f, recurrentDropout: 0.5f), new DropoutLayer(0.5f), new DenseLayer(2)];
        var model = new Sequential(4, 3, 7, layers);
        float[] input = ModelCases.Uniform(model.InputSize, 1, new Random(2));
        var predicted = new float[model.OutputSize];
        model.Predict(input, predicted);
        model.ResetState();
        var y = new float[model.StepOutputSize];
        for (int t = 0; t < 4; t++)
        {
            model.Step(input.AsSpan(t * 3, 3), y);
            Assert.Equal(predicted.AsSpan(t * 2, 2).ToArray(), y);
        }
    }

    [Fact]
    public void The_seed_and_sequence_fix_the_masks_and_every_pass_moves_the_sequence_on()
    {
        Sequential model = DropoutCases.Get("lstm_both_sequences").Build();
        float[] input = ModelCases.Uniform(model.InputSize, 1, new Random(4));
        float[] Train(ulong seed, long sequence)
        {
            var y = new float[model.OutputSize];
            model.SeedDropout(seed, sequence);
            model.Forward(input, y);
            return y;
        }

        Assert.Equal(Train(9, 5), Train(9, 5));
        Assert.NotEqual(Train(9, 5), Train(9, 6));
        Assert.NotEqual(Train(9, 5), Train(10, 5));

        // Forward then Forward: the second pass is sequence + 1; ForwardBatch of n moves it on by n.
        float[] second = Train(9, 6);
        var y = new float[model.OutputSize];
        model.SeedDropout(9, 5);
        model.Forward(input, y);
        model.Forward(input, y);
        Assert.Equal(second, y);

        var batch = new float[3 * model.OutputSize];
        model.SeedDropout(9, 3);
        model.ForwardBatch([.. input, .. input, .. input], batch);
        model.Forward(input, y);
        Assert.Equal(second, y);
        Assert.Equal(Train(9, 5), batch.AsSpan(2 * model.OutputSize).ToArray());
    }

    [Fact]
    public void The_default_seed_is_zero_and_sequence_zero()
    {
        Sequential seeded = DropoutCases.Get("gru_after_both").Build(), fresh = DropoutCases.Get("gru_after_both").Build();
        float[] input = ModelCases.Uniform(seeded.InputSize, 1, new Random(4));
        var a = new float[seeded.OutputSize];
        var b = new float[seeded.OutputSize];
        seeded.SeedDropout(0, 0);
        seeded.Forward(input, a);
        fresh.Forward(input, b);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Training_passes_allocate_nothing_after_warm_up()
    {
        Sequential model = DropoutCases.Get("dropout_layers_everywhere").Build();
        Sequential bidi = DropoutCases.Get("masking_dropout_bidi_gru_last").Build();
        foreach (Sequential m in new[] { model, bidi })
        {
            var random = new Random(1);
            float[] inputs = ModelCases.Uniform(5 * m.InputSize, 1, random);
            var outputs = new float[5 * m.OutputSize];
            var dx = new float[m.InputSize];
            void Run()
            {
                m.Forward(inputs.AsSpan(0, m.InputSize), outputs.AsSpan(0, m.OutputSize));
                m.Backward(outputs.AsSpan(0, m.OutputSize), dx);
                m.Backward(outputs.AsSpan(0, m.OutputSize));
                m.ForwardBatch(inputs, outputs);
                m.BackwardBatch(outputs);
            }

            Run();
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int k = 0; k < 5; k++) Run();
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Fit_with_the_same_seed_gives_bit_identical_weights(int parallelism)
    {
        float[] Train(int seed)
        {
            var model = new Sequential(5, 3, 7,
                new DropoutLayer(0.2f), new LstmLayer(4, returnSequences: true, dropout: 0.3f, recurrentDropout: 0.3f), new DropoutLayer(0.3f),
                new BidirectionalLayer(new GruLayer(3, recurrentDropout: 0.2f)), new DenseLayer(1));
            var random = new Random(8);
            float[] x = ModelCases.Uniform(40 * model.InputSize, 1, random);
            float[] y = ModelCases.Uniform(40, 1, random);
            model.Fit(new Dataset(x, y, model.InputSize, 1), new TrainingOptions
            {
                Loss = Losses.MeanSquaredError(), Epochs = 2, BatchSize = 8, Seed = seed, Parallelism = parallelism, Verbose = false,
            });
            return model.Parameters.ToArray();
        }

        float[] first = Train(3);
        Assert.Equal(first, Train(3));
        Assert.NotEqual(first, Train(4));
    }

    [Fact]
    public void Dropout_layers_show_in_the_summary_and_as_rates_on_the_layers()
    {
        var model = new Sequential(4, 3, 7,
            new DropoutLayer(0.1f), new LstmLayer(3, returnSequences: true, dropout: 0.2f, recurrentDropout: 0.3f), new DropoutLayer(0.4f),
            new BidirectionalLayer(new GruLayer(2, dropout: 0.5f)), new DenseLayer(1), new DropoutLayer(0.6f));

        Assert.Equal(["lstm", "bidirectional", "dense"], model.Layers.Select(l => l.Name));
        LayerInfo lstm = model.Layers[0], bidi = model.Layers[1], dense = model.Layers[2];
        Assert.Equal((0.1f, 0.2f, 0.3f, 0.4f), (lstm.InputDropout, lstm.Dropout, lstm.RecurrentDropout, lstm.OutputDropout));
        Assert.Equal((0f, 0.5f, 0f, 0f), (bidi.InputDropout, bidi.Dropout, bidi.RecurrentDropout, bidi.OutputDropout));
        Assert.Equal((0f, 0f, 0f, 0.6f), (dense.InputDropout, dense.Dropout, dense.RecurrentDropout, dense.OutputDropout));
        Assert.Equal(0, lstm.ParameterOffset);

        Assert.Contains(" dropout (Dropout)           (None, 4, 3)              0\n", model.Summary);
        Assert.Contains(" dropout_1 (Dropout)         (None, 4, 3)              0\n", model.Summary);
        Assert.Contains(" dropout_2 (Dropout)         (None, 1)                 0\n", model.Summary);
        Assert.Contains("Total params: " + model.ParameterCount.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + "\n", model.Summary);
    }

    [Fact]
    public void Two_dropout_layers_in_a_row_are_refused()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => new Sequential(4, 3, 7, new LstmLayer(3), new DropoutLayer(0.2f), new DropoutLayer(0.3f)));
        Assert.Equal("layers", e.ParamName);
        Assert.Contains("Layers 1 and 2", e.Message);
    }

    public static TheoryData<float> BadRates => [-0.1f, 1f, 1.5f, float.NaN, float.PositiveInfinity];

    [Theory]
    [MemberData(nameof(BadRates))]
    public void Rates_outside_zero_to_one_are_refused(float rate)
    {
        void Check(string param, Func<object> create)
        {
            ArgumentOutOfRangeException e = Assert.Throws<ArgumentOutOfRangeException>(create);
            Assert.Equal(param, e.ParamName);
            Assert.Equal(rate, e.ActualValue);
            Assert.Contains("[0, 1)", e.Message);
            Assert.Contains(rate.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message);
        }

        Check("dropout", () => new SimpleRnnLayer(3, dropout: rate));
        Check("recurrentDropout", () => new SimpleRnnLayer(3, recurrentDropout: rate));
        Check("dropout", () => new LstmLayer(3, dropout: rate));
        Check("recurrentDropout", () => new LstmLayer(3, recurrentDropout: rate));
        Check("dropout", () => new GruLayer(3, dropout: rate));
        Check("recurrentDropout", () => new GruLayer(3, recurrentDropout: rate));
        Check("rate", () => new DropoutLayer(rate));
    }

    [Fact]
    public void Bidirectional_passes_the_rates_to_both_directions()
    {
        var layer = new BidirectionalLayer(new LstmLayer(3, dropout: 0.25f, recurrentDropout: 0.5f));
        Assert.Equal((0.25f, 0.5f), (layer.BackwardLayer.Dropout, layer.BackwardLayer.RecurrentDropout));
    }

    internal static void AssertClose(double[] expected, ReadOnlySpan<float> actual, string what)
    {
        double scale = 1e-3;
        foreach (double v in expected) scale = Math.Max(scale, Math.Abs(v));
        for (int k = 0; k < expected.Length; k++)
        {
            double error = Math.Abs(actual[k] - expected[k]);
            if (error > 1e-4 * scale + 1e-5 * Math.Abs(expected[k]))
            {
                Assert.Fail($"{what} gradient [{k}]: analytic {actual[k]}, numeric {expected[k]}, scale {scale}");
            }
        }
    }

    internal static double[] ToDouble(ReadOnlySpan<float> values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = values[i];
        return result;
    }
}
