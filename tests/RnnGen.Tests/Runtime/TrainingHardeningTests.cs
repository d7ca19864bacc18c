using System.Diagnostics;
using System.Security.Cryptography;
using RnnGen.Tests.Reference;

namespace RnnGen.Tests.Runtime;

/// <summary>
/// Poisoned training (issue 9): a non-finite batch is never applied, a bad dataset is refused before the first step,
/// and the same seed gives the same weights on the same machine.
/// </summary>
public class TrainingHardeningTests
{
    private static TrainingOptions Options(Loss loss, int epochs = 1, int batchSize = 2) => new()
    {
        Loss = loss,
        Epochs = epochs,
        BatchSize = batchSize,
        Shuffle = false,
        Verbose = false,
        Optimizer = new Adam(0.05f),
    };

    /// <summary>y = 2x + 1 on x = 0.1 .. 0.8, one feature.</summary>
    private static Dataset Line(params float[] xs) =>
        new(xs, xs.Select(x => 2 * x + 1).ToArray(), 1, 1);

    private static readonly float[] Xs = [0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f];

    private static int[] Bits(IRnnModel model) => Array.ConvertAll(model.Parameters.ToArray(), BitConverter.SingleToInt32Bits);

    // ---- item 10: poison ----

    [Fact]
    public void TerminateOnNaN_stops_with_the_weights_of_the_last_finite_step()
    {
        // Batch 1 holds a huge (finite) input: its loss and gradients overflow to infinity.
        float[] poisoned = [.. Xs];
        poisoned[2] = 3e38f;
        var model = new DenseTestModel(1, 1, seed: 5);
        TrainingOptions options = Options(Losses.MeanSquaredError());
        options.Callbacks.Add(new TerminateOnNaN());
        History history = model.Fit(new Dataset(poisoned, Xs.Select(x => 2 * x + 1).ToArray(), 1, 1), options);

        // The same model trained on batch 0 alone: one finite Adam step.
        var reference = new DenseTestModel(1, 1, seed: 5);
        reference.Fit(Line(Xs[..2]), Options(Losses.MeanSquaredError()));

        Assert.Contains("Batch 1: invalid loss", history.StopReason, StringComparison.Ordinal);
        Assert.Contains("not applied", history.StopReason, StringComparison.Ordinal);
        Assert.True(TensorPrimitivesIsFinite(model.Parameters));
        Assert.Equal(Bits(reference), Bits(model));
    }

    [Fact]
    public void A_batch_with_finite_loss_but_infinite_gradients_is_never_applied()
    {
        // Sample 3 (batch 1) has a finite loss but its Backward writes +Inf into the gradients.
        float[] xs = [.. Xs];
        xs[3] = PoisonedGradientModel.Marker;
        var model = new PoisonedGradientModel(seed: 5);
        History history = model.Fit(Line(xs), Options(Losses.MeanSquaredError()));

        // Batches 0, 2 and 3 were applied, batch 1 was not: the same as training on those six samples.
        var reference = new DenseTestModel(1, 1, seed: 5);
        reference.Fit(Line([.. Xs[..2], .. Xs[4..]]), Options(Losses.MeanSquaredError()));

        Assert.True(TensorPrimitivesIsFinite(model.Parameters));
        Assert.Equal(Bits(reference), Bits(model.Inner));
        Assert.True(float.IsNaN(history["loss"][0])); // the skipped batch shows as a NaN loss, not silently
    }

    [Fact]
    public void EarlyStopping_never_restores_non_finite_weights()
    {
        // A callback poisons the weights after epoch 0, whose loss was the best: EarlyStopping must not keep them.
        var model = new DenseTestModel(1, 1, seed: 5);
        int[] initial = Bits(model);
        TrainingOptions options = Options(Losses.MeanSquaredError(), epochs: 5);
        var early = new EarlyStopping(monitor: "loss", patience: 1, restoreBestWeights: true);
        options.Callbacks.Add(new PoisonAfterFirstEpoch());
        options.Callbacks.Add(early);
        History history = model.Fit(Line(Xs), options);

        Assert.Equal(0, early.BestEpoch);
        Assert.Contains("Restored", history.StopReason, StringComparison.Ordinal);
        Assert.True(TensorPrimitivesIsFinite(model.Parameters));
        Assert.Equal(initial, Bits(model)); // the last finite snapshot: the weights training started from
    }

    // ---- item 11: the whole dataset is validated before the first step ----

    private static void RefusedUntrained(IRnnModel model, Dataset data, TrainingOptions options, string message)
    {
        int[] before = Bits(model);
        var e = Assert.Throws<ArgumentException>(() => model.Fit(data, options));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Equal(before, Bits(model));
    }

    [Fact]
    public void A_label_out_of_range_in_a_late_batch_is_refused_before_any_step()
    {
        var model = new DenseTestModel(2, 3, Activation.Softmax);
        float[] inputs = Enumerable.Range(0, 20).Select(i => (float)(i % 5) / 5).ToArray();
        float[] labels = Enumerable.Range(0, 10).Select(i => (float)(i % 3)).ToArray();
        labels[9] = 3;
        RefusedUntrained(model, new Dataset(inputs, labels, 2, 1), Options(Losses.SparseCategoricalCrossentropy()),
            "Sample 9 of the training data: label 3 at position 0 is not a class index: expected an integer in [0, 3)");
        labels[9] = 1.5f;
        RefusedUntrained(model, new Dataset(inputs, labels, 2, 1), Options(Losses.SparseCategoricalCrossentropy()), "Sample 9 of the training data: label 1.5");
    }

    [Theory]
    [InlineData(float.NaN, "Sample 5 of the training data: input value NaN at index 0 is not finite")]
    [InlineData(float.PositiveInfinity, "Sample 5 of the training data: input value +Infinity at index 0 is not finite")]
    public void A_non_finite_input_is_refused_before_any_step(float value, string message)
    {
        float[] xs = [.. Xs];
        xs[5] = value;
        RefusedUntrained(new DenseTestModel(1, 1), Line(xs), Options(Losses.MeanSquaredError()), message);
    }

    [Fact]
    public void A_non_finite_target_is_refused_before_any_step()
    {
        var data = new Dataset([.. Xs], [1, 2, 3, 4, 5, 6, float.NegativeInfinity, 8], 1, 1);
        RefusedUntrained(new DenseTestModel(1, 1), data, Options(Losses.MeanSquaredError()), "Sample 6 of the training data: target value -Infinity at index 0 is not finite");
    }

    [Fact]
    public void A_token_id_outside_the_vocabulary_is_refused_before_any_step()
    {
        var model = new EmbSrnn(seed: 1);
        float[] ids = Enumerable.Range(0, 6 * 4).Select(i => (float)(i % 9)).ToArray();
        ids[3 * 6 + 2] = 9;
        RefusedUntrained(model, new Dataset(ids, [0, 1, 0, 1], 6, 1), Options(Losses.SparseCategoricalCrossentropy()),
            "Sample 3 of the training data: token id 9 at timestep 2 is not an integer in [0, 9)");
    }

    [Fact]
    public void Bad_validation_data_is_refused_before_any_step()
    {
        TrainingOptions options = Options(Losses.MeanSquaredError());
        options.ValidationData = Line(0.1f, float.NaN);
        RefusedUntrained(new DenseTestModel(1, 1), Line(Xs), options, "Sample 1 of the validation data: input value NaN");
    }

    [Fact]
    public void An_empty_dataset_is_refused_with_a_message_that_says_empty()
    {
        var empty = new Dataset([], [], 1, 1);
        RefusedUntrained(new DenseTestModel(1, 1), empty, Options(Losses.MeanSquaredError()), "The training data is empty: expected at least one sample.");

        TrainingOptions withValidation = Options(Losses.MeanSquaredError());
        withValidation.ValidationData = Line(0.5f);
        RefusedUntrained(new DenseTestModel(1, 1), empty, withValidation, "The training data is empty");

        TrainingOptions emptyValidation = Options(Losses.MeanSquaredError());
        emptyValidation.ValidationData = empty;
        RefusedUntrained(new DenseTestModel(1, 1), Line(Xs), emptyValidation, "The validation data is empty");

        var e = Assert.Throws<ArgumentException>(() => new DenseTestModel(1, 1).Evaluate(empty, Losses.MeanSquaredError()));
        Assert.Contains("The data is empty", e.Message, StringComparison.Ordinal);
    }

    // ---- item 12: determinism ----

    /// <summary>The training run whose weights the determinism test hashes (also run by Helpers/Program.cs).</summary>
    internal static string TrainAndHash()
    {
        var model = new Srnn64Loops(seed: 3);
        var random = new Random(1);
        float[] inputs = Enumerable.Range(0, 32 * 8 * 6).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] labels = Enumerable.Range(0, 32).Select(i => (float)(i % 4)).ToArray();
        var options = new TrainingOptions
        {
            Loss = Losses.SparseCategoricalCrossentropy(),
            Optimizer = new Adam(0.01f),
            Epochs = 3,
            BatchSize = 8,
            Seed = 42,
            Verbose = false,
        };
        model.Fit(new Dataset(inputs, labels, 8 * 6, 1), options);
        return Convert.ToHexString(SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(model.Parameters)));
    }

    [Fact]
    public void The_same_seed_gives_bit_identical_weights_in_this_process_and_in_another()
    {
        string here = TrainAndHash();
        Assert.Equal(here, TrainAndHash());

        // Another process on the same machine: same seed, same thread count, same instruction set.
        string assembly = typeof(Helpers.Program).Assembly.Location;
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h
            : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var info = new ProcessStartInfo(host) { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(assembly);
        info.ArgumentList.Add("train-hash");
        using Process child = Process.Start(info)!;
        string there = child.StandardOutput.ReadToEnd().Trim();
        child.WaitForExit();
        Assert.Equal(0, child.ExitCode);
        Assert.Equal(here, there);
    }

    private static bool TensorPrimitivesIsFinite(ReadOnlySpan<float> values) => System.Numerics.Tensors.TensorPrimitives.IsFiniteAll(values);

    /// <summary>Writes NaN into the weights at the end of epoch 0.</summary>
    private sealed class PoisonAfterFirstEpoch : Callback
    {
        public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, float> logs)
        {
            if (epoch == 0) Model.Parameters[0] = float.NaN;
        }
    }

    /// <summary>A Dense(1) model whose Backward writes +Inf into the gradients for inputs equal to <see cref="Marker"/>.</summary>
    private sealed class PoisonedGradientModel(int seed) : IRnnModel
    {
        public const float Marker = 0.45f;
        private bool _poison;

        public DenseTestModel Inner { get; } = new(1, 1, seed: seed);
        public int Timesteps => Inner.Timesteps;
        public int Features => Inner.Features;
        public int InputSize => Inner.InputSize;
        public int OutputSize => Inner.OutputSize;
        public int StepOutputSize => Inner.StepOutputSize;
        public int ParameterCount => Inner.ParameterCount;
        public Span<float> Parameters => Inner.Parameters;
        public Span<float> Gradients => Inner.Gradients;
        public IReadOnlyList<LayerInfo> Layers => Inner.Layers;
        public string Summary => Inner.Summary;
        public void Predict(ReadOnlySpan<float> input, Span<float> output) => Inner.Predict(input, output);

        public void Forward(ReadOnlySpan<float> input, Span<float> output)
        {
            _poison = input[0] == Marker;
            Inner.Forward(input, output);
        }

        public void Backward(ReadOnlySpan<float> outputGradient) => Backward(outputGradient, stackalloc float[InputSize]);

        public void Backward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
        {
            Inner.Backward(outputGradient, inputGradient);
            if (_poison) Inner.Gradients[0] = float.PositiveInfinity;
        }

        public void ResetState() => Inner.ResetState();
        public void Step(ReadOnlySpan<float> x, Span<float> y) => Inner.Step(x, y);
    }
}
