using RnnGen.Dynamic;
using RnnGen.Tests.Reference;

namespace RnnGen.Tests.Dynamic;

/// <summary>
/// Masked dynamic models against TensorFlow.js 4.22 (<c>masking_tfjs.json</c>, Python Keras's <c>zero_output_for_mask</c>
/// in a Bidirectional returning sequences) and a masked <c>model.fit</c> (<c>fit_masked_tfjs.json</c>), plus initial and
/// final states against PyTorch and tfjs (<c>states.json</c>). Each case is a batch of samples with different masks:
/// per sample (Forward/Backward, Predict) and the whole batch at once (ForwardBatch/BackwardBatch, PredictBatch).
/// Outputs and states within 1e-5, gradients within 1e-4, relative to the largest magnitude of each array.
/// </summary>
public class MaskingFixtureTests
{
    public static TheoryData<string> MaskCases() => [.. Fixtures.MaskCases().Select(c => c.Name)];

    public static TheoryData<string> StateCases() => [.. Fixtures.StateCases().Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(MaskCases))]
    public void Masked_model_matches_the_framework_per_sample(string name) =>
        AssertPerSample(Fixtures.MaskCases().Single(x => x.Name == name));

    [Theory]
    [MemberData(nameof(MaskCases))]
    public void Masked_model_matches_the_framework_batched(string name) =>
        AssertBatched(Fixtures.MaskCases().Single(x => x.Name == name));

    /// <summary>The case's dynamic model on every sample alone: Predict, Forward, Backward.</summary>
    internal static void AssertPerSample(MaskCase c)
    {
        Sequential model = Build(c);
        var output = new float[model.OutputSize];
        var predicted = new float[model.OutputSize];
        var inputGradient = new float[model.InputSize];
        for (int i = 0; i < c.Inputs.Count; i++)
        {
            float[] input = Fixtures.ToSingle(c.Inputs[i]);
            model.Predict(input, predicted);
            AssertClose(c.Outputs[i], predicted, 1e-5, $"sample {i} Predict output");

            model.Forward(input, output);
            AssertClose(c.Outputs[i], output, 1e-5, $"sample {i} output");
            model.Gradients.Clear();
            model.Backward(Fixtures.ToSingle(c.OutputGradients[i]), inputGradient);
            AssertClose(c.ParameterGradients[i], model.Gradients, 1e-4, $"sample {i} parameterGradient");
            if (c.InputGradients is not null) AssertClose(c.InputGradients[i], inputGradient, 1e-4, $"sample {i} inputGradient");
        }
    }

    /// <summary>The case's dynamic model on the whole batch: PredictBatch, ForwardBatch, BackwardBatch.</summary>
    internal static void AssertBatched(MaskCase c)
    {
        Sequential model = Build(c);
        int n = c.Inputs.Count;
        float[] inputs = Fixtures.Flatten(c.Inputs);
        var outputs = new float[n * model.OutputSize];
        model.PredictBatch(inputs, outputs);
        for (int i = 0; i < n; i++) AssertClose(c.Outputs[i], outputs.AsSpan(i * model.OutputSize, model.OutputSize), 1e-5, $"PredictBatch sample {i}");

        Array.Clear(outputs);
        model.ForwardBatch(inputs, outputs);
        for (int i = 0; i < n; i++) AssertClose(c.Outputs[i], outputs.AsSpan(i * model.OutputSize, model.OutputSize), 1e-5, $"ForwardBatch sample {i}");
        model.Gradients.Clear();
        model.BackwardBatch(Fixtures.Flatten(c.OutputGradients));
        AssertClose(c.ParameterGradientSum, model.Gradients, 1e-4, "BackwardBatch parameterGradientSum");
    }

    [Fact]
    public void The_fixtures_cover_every_kind_direction_and_mask_source()
    {
        IReadOnlyList<MaskCase> cases = Fixtures.MaskCases();
        Assert.Equal([MaskKind.MaskZero, MaskKind.Masking], cases.Select(c => c.Mask.Kind).Distinct().Order());
        LayerSpec[] recurrent = [.. cases.SelectMany(c => c.Layers).Where(l => l.Kind is LayerKind.SimpleRnn or LayerKind.Lstm or LayerKind.Gru)];
        Assert.Equal([LayerKind.SimpleRnn, LayerKind.Lstm, LayerKind.Gru], recurrent.Select(l => l.Kind).Distinct().Order());
        Assert.Contains(recurrent, l => l.GoBackwards);
        Assert.Contains(recurrent, l => l.Bidirectional && l.ReturnSequences);
        Assert.Contains(recurrent, l => l.Bidirectional && !l.ReturnSequences);
        Assert.Contains(cases, c => c.ZeroOutputForMask);
    }

    [Fact]
    public void Masked_fit_reproduces_the_keras_adam_history_and_weights()
    {
        FitCase fit = Fixtures.Fit("fit_masked_tfjs");
        Assert.Equal(MaskKind.MaskZero, fit.Mask?.Kind);
        var model = new Sequential(fit.Model.Timesteps, fit.Model.Features, 0, [.. fit.Model.Layers.Select(ToLayer)]);
        Fixtures.ToSingle(fit.InitialParameters).CopyTo(model.Parameters);
        Assert.Equal("binaryCrossentropy", fit.Options.Loss);
        var options = new TrainingOptions
        {
            Loss = Losses.BinaryCrossentropy(),
            Optimizer = new Adam((float)fit.Options.LearningRate, (float)fit.Options.Beta1, (float)fit.Options.Beta2, (float)fit.Options.Epsilon),
            Epochs = fit.Options.Epochs,
            BatchSize = fit.Options.BatchSize,
            Shuffle = fit.Options.Shuffle,
            Verbose = false,
        };
        options.Metrics.Add(Metrics.Accuracy());

        History history = model.Fit(Dataset.FromArrays([.. fit.Inputs.Select(Fixtures.ToSingle)], [.. fit.Targets.Select(Fixtures.ToSingle)]), options);

        double[] expectedLoss = fit.KerasAdam.History["loss"], tfLoss = fit.History["loss"], expectedAccuracy = fit.KerasAdam.History["accuracy"];
        Assert.Equal(expectedLoss.Length, history.Epochs);
        for (int e = 0; e < expectedLoss.Length; e++)
        {
            Assert.True(Math.Abs(history["loss"][e] - expectedLoss[e]) <= 1e-4 * Math.Max(1, Math.Abs(expectedLoss[e])),
                $"epoch {e + 1}: loss expected {expectedLoss[e]:R}, got {history["loss"][e]:R}");
            Assert.True(Math.Abs(history["loss"][e] - tfLoss[e]) <= 2e-3 * Math.Max(1, Math.Abs(tfLoss[e])),
                $"epoch {e + 1}: tf.train.adam loss {tfLoss[e]:R}, got {history["loss"][e]:R}");
            Assert.Equal(expectedAccuracy[e], history["accuracy"][e], 5);
        }

        double[] expectedWeights = fit.KerasAdam.FinalParameters;
        Assert.Equal(expectedWeights.Length, model.ParameterCount);
        for (int i = 0; i < expectedWeights.Length; i++)
        {
            Assert.True(Math.Abs(model.Parameters[i] - expectedWeights[i]) <= 1e-4,
                $"parameter {i}: expected {expectedWeights[i]:R}, got {model.Parameters[i]:R}");
        }
    }

    [Theory]
    [MemberData(nameof(StateCases))]
    public void Predict_from_an_initial_state_matches_the_framework(string name)
    {
        StateCase c = Fixtures.StateCases().Single(x => x.Name == name);
        var model = new Sequential(c.Timesteps, c.Features, 0, [.. c.Layers.Select(ToLayer)]);
        Assert.Equal(c.Parameters.Length, model.ParameterCount);
        Assert.Equal(c.InitialState.Length, model.StateSize);
        Fixtures.ToSingle(c.Parameters).CopyTo(model.Parameters);

        var output = new float[model.OutputSize];
        var finalState = new float[model.StateSize];
        model.Predict(Fixtures.ToSingle(c.Input), output, Fixtures.ToSingle(c.InitialState), finalState);
        AssertClose(c.Output, output, 1e-5, "output");
        AssertClose(c.FinalState, finalState, 1e-5, "finalState");
    }

    /// <summary>The case's model with its weights: a <see cref="MaskingLayer"/> first for a Masking case.</summary>
    internal static Sequential Build(MaskCase c)
    {
        var layers = new List<Layer>();
        if (c.Mask.Kind == MaskKind.Masking) layers.Add(new MaskingLayer((float)c.Mask.Value));
        layers.AddRange(c.Layers.Select(ToLayer));
        var model = new Sequential(c.Timesteps, c.Features, 0, [.. layers]);
        Assert.Equal(c.Parameters.Length, model.ParameterCount);
        Fixtures.ToSingle(c.Parameters).CopyTo(model.Parameters);
        return model;
    }

    internal static Layer ToLayer(LayerSpec s)
    {
        Layer layer = s.Kind switch
        {
            LayerKind.SimpleRnn => new SimpleRnnLayer(s.Units, s.Activation, s.ReturnSequences, s.UseBias, s.GoBackwards),
            LayerKind.Lstm => new LstmLayer(s.Units, s.Activation, s.ReturnSequences, s.UseBias, s.GoBackwards, s.RecurrentActivation),
            LayerKind.Gru => new GruLayer(s.Units, s.Activation, s.ReturnSequences, s.UseBias, s.GoBackwards, s.ResetAfter, s.RecurrentActivation),
            LayerKind.Dense => new DenseLayer(s.Units, s.Activation, s.UseBias),
            LayerKind.Embedding => new EmbeddingLayer(s.InputDim, s.OutputDim, s.MaskZero),
            _ => throw new ArgumentOutOfRangeException(nameof(s), s.Kind, "Unexpected layer kind."),
        };
        return s.Bidirectional ? new BidirectionalLayer((RecurrentLayer)layer, s.Merge) : layer;
    }

    internal static void AssertClose(IReadOnlyList<double> expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Count, actual.Length);
        double scale = 1e-3;
        foreach (double v in expected) scale = Math.Max(scale, Math.Abs(v));
        for (int i = 0; i < expected.Count; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            Assert.True(error <= tolerance * scale, $"{what}[{i}]: expected {expected[i]}, got {actual[i]} (error {error:g3}, scale {scale:g3})");
        }
    }
}
