using RnnGen.Dynamic;

namespace RnnGen.Tests.Runtime;

/// <summary>
/// Batched and parallel <see cref="ModelExtensions.Fit"/>, Evaluate and PredictBatch on an <see cref="IBatchModel"/>,
/// through <see cref="PerSampleBatchModel"/> (a per-sample <see cref="Sequential"/> behind the batched contract).
/// </summary>
public sealed class ParallelFitTests
{
    private const int Timesteps = 4, Features = 3, Classes = 3;

    /// <summary>The per-sample model every test trains: SimpleRnn(6) then Dense(3, softmax), seed 7.</summary>
    private static Sequential NewSequential() =>
        new(Timesteps, Features, seed: 7, new SimpleRnnLayer(6), new DenseLayer(Classes, Activation.Softmax));

    private static PerSampleBatchModel NewBatchModel() => new(NewSequential);

    /// <summary>The same model seen only through <see cref="IRnnModel"/> (Sequential itself is an IBatchModel): Fit's per-sample path.</summary>
    private static IRnnModel NewPerSampleModel() => new PerSampleOnly(NewSequential());

    /// <summary>Class = the timestep-summed feature that is largest; <paramref name="count"/> samples.</summary>
    private static Dataset Sequences(int count = 100)
    {
        var random = new Random(11);
        var x = new float[count][];
        var y = new float[count][];
        for (int i = 0; i < count; i++)
        {
            x[i] = new float[Timesteps * Features];
            var sums = new float[Features];
            for (int k = 0; k < x[i].Length; k++)
            {
                x[i][k] = (float)random.NextDouble() * 2 - 1;
                sums[k % Features] += x[i][k];
            }

            y[i] = [Array.IndexOf(sums, sums.Max())];
        }

        return Dataset.FromArrays(x, y);
    }

    private static TrainingOptions Options(int parallelism, bool classWeights = false) => new()
    {
        Loss = Losses.SparseCategoricalCrossentropy(),
        Optimizer = new Adam(0.01f),
        Metrics = [Metrics.SparseCategoricalAccuracy()],
        Epochs = 3,
        BatchSize = 12, // 80 training samples: six batches of 12 and one of 8; 20 for validation
        ValidationSplit = 0.2,
        Seed = 5,
        Verbose = false,
        Parallelism = parallelism,
        ClassWeights = classWeights ? new Dictionary<int, float> { [0] = 2f, [2] = 0.5f } : null,
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Parallelism_1_on_a_batch_model_gives_the_per_sample_weights_bit_for_bit(bool classWeights)
    {
        IRnnModel perSample = NewPerSampleModel();
        History expected = perSample.Fit(Sequences(), Options(1, classWeights));

        PerSampleBatchModel batched = NewBatchModel();
        History actual = batched.Fit(Sequences(), Options(1, classWeights));

        // one worker: the same samples, losses and gradients in the same order, so the same bits
        Assert.Equal(perSample.Parameters.ToArray(), batched.Parameters.ToArray());
        Assert.Equal(expected["loss"], actual["loss"]);
        Assert.Equal(expected["val_loss"], actual["val_loss"]);
        Assert.Equal(expected["accuracy"], actual["accuracy"]);
        Assert.Equal(expected["val_accuracy"], actual["val_accuracy"]);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void The_same_seed_and_degree_give_bit_identical_weights(int parallelism)
    {
        PerSampleBatchModel first = NewBatchModel(), second = NewBatchModel();
        History h1 = first.Fit(Sequences(), Options(parallelism, classWeights: true));
        History h2 = second.Fit(Sequences(), Options(parallelism, classWeights: true));

        Assert.Equal(first.Parameters.ToArray(), second.Parameters.ToArray());
        Assert.Equal(h1["loss"], h2["loss"]);
        Assert.Equal(h1["val_loss"], h2["val_loss"]);
    }

    [Fact]
    public void Parallelism_2_agrees_with_parallelism_1_to_rounding()
    {
        PerSampleBatchModel one = NewBatchModel(), two = NewBatchModel();
        History h1 = one.Fit(Sequences(), Options(1));
        History h2 = two.Fit(Sequences(), Options(2));

        // only the order of the gradient sums differs: ((g0 + .. + g7) + (g8 + .. + g15)) instead of one run
        float[] a = one.Parameters.ToArray(), b = two.Parameters.ToArray();
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(Math.Abs(a[i] - b[i]) <= 1e-5f * Math.Max(1f, Math.Abs(a[i])), $"parameter {i}: {a[i]} vs {b[i]}");
        }

        for (int epoch = 0; epoch < h1.Epochs; epoch++)
        {
            Assert.Equal(h1["loss"][epoch], h2["loss"][epoch], 1e-5f);
        }
    }

    [Fact]
    public void Parallel_validation_equals_a_sequential_Evaluate_of_the_trained_weights()
    {
        PerSampleBatchModel model = NewBatchModel();
        Dataset validation = Sequences(300); // two chunks (256 + 44), each cut across the workers
        TrainingOptions options = Options(2);
        options.Epochs = 1;
        options.ValidationData = validation;
        History history = model.Fit(Sequences(), options);

        // val_ values come from the weights at the end of the epoch, scored in sample order
        IReadOnlyDictionary<string, float> evaluated = model.Evaluate(validation, Losses.SparseCategoricalCrossentropy(), Metrics.SparseCategoricalAccuracy());
        Assert.Equal(evaluated["loss"], history["val_loss"][0]);
        Assert.Equal(evaluated["accuracy"], history["val_accuracy"][0]);
    }

    [Theory]
    [InlineData(8, 32, 100, 8)]
    [InlineData(8, 4, 100, 4)]
    [InlineData(8, 32, 3, 3)]
    [InlineData(1, 32, 100, 1)]
    public void The_degree_is_parallelism_capped_by_the_batch_size_and_the_samples(int parallelism, int batchSize, int samples, int degree)
    {
        using var trainer = new Trainer(NewBatchModel(), Sequences(samples), Losses.SparseCategoricalCrossentropy(), new Adam(), [],
            parallelism: parallelism, batchSize: batchSize);
        Assert.Equal(degree, trainer.Degree);
    }

    [Fact]
    public void A_per_sample_model_ignores_parallelism()
    {
        using var trainer = new Trainer(NewPerSampleModel(), Sequences(), Losses.SparseCategoricalCrossentropy(), new Adam(), [], parallelism: 4);
        Assert.Equal(1, trainer.Degree);
    }

    [Fact]
    public void A_parallel_batch_step_allocates_nothing_after_warm_up()
    {
        PerSampleBatchModel model = NewBatchModel();
        Dataset data = Sequences(128);
        using var trainer = new Trainer(model, data, Losses.SparseCategoricalCrossentropy(), new Adam { ClipNorm = 1f },
            [Metrics.Accuracy(), Metrics.SparseCategoricalAccuracy()], parallelism: 2, batchSize: 32);
        Assert.Equal(2, trainer.Degree);
        var random = new Random(1);
        trainer.Shuffle(random);
        for (int start = 0; start < 128; start += 32) trainer.TrainBatch(start, 32); // warm-up: optimizer state, worker caches

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int epoch = 0; epoch < 5; epoch++)
        {
            trainer.Shuffle(random);
            for (int start = 0; start < 128; start += 32) trainer.TrainBatch(start, 32);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_exception_in_a_worker_surfaces_from_Fit(bool inReplica)
    {
        PerSampleBatchModel model = NewBatchModel();
        model.FailIn = inReplica ? PerSampleBatchModel.Failure.Replica : PerSampleBatchModel.Failure.Master;
        int caller = Environment.CurrentManagedThreadId;
        TrainingOptions options = Options(2);

        // on a task with a deadline, so a hang fails the test instead of stalling the run
        var fit = Task.Run(() => model.Fit(Sequences(), options));
        Assert.True(((IAsyncResult)fit).AsyncWaitHandle.WaitOne(TimeSpan.FromMinutes(2)), "Fit did not return after a worker threw.");
        var e = Assert.Throws<InvalidOperationException>(() => fit.GetAwaiter().GetResult());
        Assert.Contains(inReplica ? "replica" : "master", e.Message);
        if (inReplica)
        {
            Assert.NotEqual(caller, model.FailedOnThread);
            Assert.StartsWith("RnnGen Fit worker", model.FailedOnThreadName);
        }

        // the same model trains normally afterwards
        model.FailIn = PerSampleBatchModel.Failure.None;
        History history = model.Fit(Sequences(), Options(2));
        Assert.Equal(3, history.Epochs);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-4)]
    public void Parallelism_below_1_throws_naming_the_value(int parallelism)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Options(parallelism));
        Assert.Equal("Parallelism", e.ParamName);
        Assert.Equal(parallelism, e.ActualValue);
        Assert.Contains(parallelism.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message);
    }

    [Fact]
    public void Parallelism_defaults_to_every_core()
    {
        Assert.Equal(Environment.ProcessorCount, new TrainingOptions { Loss = Losses.MeanSquaredError() }.Parallelism);
    }

    [Fact]
    public void Evaluate_on_a_batch_model_equals_the_per_sample_evaluation()
    {
        Dataset data = Sequences(300); // more than one chunk of 256
        IReadOnlyDictionary<string, float> expected = NewSequential().Evaluate(data, Losses.SparseCategoricalCrossentropy(), Metrics.SparseCategoricalAccuracy());
        IReadOnlyDictionary<string, float> actual = NewBatchModel().Evaluate(data, Losses.SparseCategoricalCrossentropy(), Metrics.SparseCategoricalAccuracy());

        Assert.Equal(expected["loss"], actual["loss"]);
        Assert.Equal(expected["accuracy"], actual["accuracy"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Span_PredictBatch_equals_per_sample_Predict(bool batchModel)
    {
        Sequential reference = NewSequential();
        IRnnModel model = batchModel ? NewBatchModel() : NewPerSampleModel();
        Dataset data = Sequences(10);
        var expected = new float[data.Count * Classes];
        for (int i = 0; i < data.Count; i++)
        {
            reference.Predict(data.Input(i), expected.AsSpan(i * Classes, Classes));
        }

        var actual = new float[data.Count * Classes];
        model.PredictBatch(data.Inputs, actual);
        Assert.Equal(expected, actual);

        // the Dataset and jagged overloads take the same path
        Assert.Equal(expected, model.PredictBatch(data).SelectMany(row => row).ToArray());
        float[][] jagged = [.. Enumerable.Range(0, data.Count).Select(i => data.Input(i).ToArray())];
        Assert.Equal(expected, model.PredictBatch(jagged).SelectMany(row => row).ToArray());
    }

    [Fact]
    public void Span_PredictBatch_rejects_bad_lengths_naming_both()
    {
        IRnnModel model = NewBatchModel();
        var bad = Assert.Throws<ArgumentException>(() => model.PredictBatch(new float[25], new float[6]));
        Assert.Equal("inputs", bad.ParamName);
        Assert.Contains("12", bad.Message);
        Assert.Contains("25", bad.Message);

        bad = Assert.Throws<ArgumentException>(() => model.PredictBatch(new float[24], new float[7]));
        Assert.Equal("outputs", bad.ParamName);
        Assert.Contains("6", bad.Message);
        Assert.Contains("7", bad.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Span_PredictBatch_allocates_nothing_after_warm_up(bool batchModel)
    {
        IRnnModel model = batchModel ? NewBatchModel() : NewPerSampleModel();
        Dataset data = Sequences(32);
        var outputs = new float[data.Count * Classes];
        model.PredictBatch(data.Inputs, outputs); // warm-up: the per-thread workspace

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) model.PredictBatch(data.Inputs, outputs);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void The_pool_runs_part_0_here_and_each_other_part_on_its_own_thread_every_time()
    {
        var threads = new int[3];
        var seen = new int[3];
        using var pool = new WorkerPool(3);
        Action<int> record = part => threads[part] = Environment.CurrentManagedThreadId;
        pool.Run(record, 3);
        threads.CopyTo(seen, 0);
        for (int run = 0; run < 50; run++)
        {
            pool.Run(record, 3);
            Assert.Equal(seen, threads);
        }

        Assert.Equal(Environment.CurrentManagedThreadId, threads[0]);
        Assert.Equal(3, threads.Distinct().Count());
    }

    [Fact]
    public void The_pool_rethrows_the_first_failing_part_after_every_part_has_finished_and_keeps_working()
    {
        using var pool = new WorkerPool(3);
        var finished = new bool[3];
        var e = Assert.Throws<ArgumentException>(() => pool.Run(part =>
        {
            if (part == 2)
            {
                Thread.Sleep(50); // the slow part still finishes before Run returns
                finished[part] = true;
                return;
            }

            throw new ArgumentException($"part {part}");
        }, 3));

        Assert.Equal("part 0", e.Message);
        Assert.True(finished[2]);
        Assert.Contains(nameof(The_pool_rethrows_the_first_failing_part_after_every_part_has_finished_and_keeps_working), e.StackTrace);

        // the next run starts clean
        int ran = 0;
        pool.Run(_ => Interlocked.Increment(ref ran), 3);
        Assert.Equal(3, ran);
    }

    [Fact]
    public void A_disposed_pool_refuses_to_run()
    {
        var pool = new WorkerPool(2);
        pool.Dispose();
        pool.Dispose(); // twice is harmless
        Assert.Throws<ObjectDisposedException>(() => pool.Run(_ => { }, 2));
    }

    [Theory]
    [InlineData(16, 2)]
    [InlineData(17, 3)]
    [InlineData(2, 3)]
    public void A_batch_is_cut_into_contiguous_parts_differing_by_at_most_one(int count, int parts)
    {
        int previous = 0, smallest = int.MaxValue, largest = 0;
        for (int p = 1; p <= parts; p++)
        {
            int end = Trainer.PartStart(count, parts, p), size = end - previous;
            smallest = Math.Min(smallest, size);
            largest = Math.Max(largest, size);
            previous = end;
        }

        Assert.Equal(0, Trainer.PartStart(count, parts, 0));
        Assert.Equal(count, previous);
        Assert.True(largest - smallest <= 1);
    }
}

/// <summary>
/// TEST DOUBLE: an <see cref="IBatchModel"/> made of per-sample models, so the batched trainer can be tested before any
/// generated or dynamic model implements the batched contract. ForwardBatch keeps a copy of the inputs and runs
/// Forward per sample; BackwardBatch reruns Forward then Backward per sample (so gradients accumulate in exactly the
/// per-sample order). A replica wraps a new inner model and reports the master's <see cref="Parameters"/> (the same
/// memory, as the contract asks); since its inner model has its own weights, it copies the master's into it at each
/// ForwardBatch, which is safe because nothing writes the parameters while the workers run.
/// </summary>
internal sealed class PerSampleBatchModel : IBatchModel
{
    /// <summary>Where <see cref="BackwardBatch"/> throws, for the exception tests.</summary>
    public enum Failure { None, Master, Replica }

    private readonly Func<IRnnModel> _create;
    private readonly IRnnModel _inner;
    private readonly PerSampleBatchModel? _master;
    private readonly float[] _output;
    private float[] _inputs = [];

    /// <summary>A master model.</summary>
    /// <param name="create">Builds a per-sample model; every call must give the same shape.</param>
    public PerSampleBatchModel(Func<IRnnModel> create) : this(create, null)
    {
    }

    private PerSampleBatchModel(Func<IRnnModel> create, PerSampleBatchModel? master)
    {
        _create = create;
        _inner = create();
        _master = master;
        _output = new float[_inner.OutputSize];
    }

    /// <summary>Set on the master: which model's BackwardBatch throws.</summary>
    public Failure FailIn { get; set; }

    /// <summary>The managed thread id and name of the last failure.</summary>
    public int FailedOnThread { get; private set; }

    public string? FailedOnThreadName { get; private set; }

    private PerSampleBatchModel Root => _master ?? this;

    public int Timesteps => _inner.Timesteps;
    public int Features => _inner.Features;
    public int InputSize => _inner.InputSize;
    public int OutputSize => _inner.OutputSize;
    public int StepOutputSize => _inner.StepOutputSize;
    public int ParameterCount => _inner.ParameterCount;
    public Span<float> Parameters => Root._inner.Parameters;
    public Span<float> Gradients => _inner.Gradients;
    public IReadOnlyList<LayerInfo> Layers => _inner.Layers;
    public string Summary => _inner.Summary;

    public void Predict(ReadOnlySpan<float> input, Span<float> output) => Root._inner.Predict(input, output);
    public void Forward(ReadOnlySpan<float> input, Span<float> output) => _inner.Forward(input, output);
    public void Backward(ReadOnlySpan<float> outputGradient) => _inner.Backward(outputGradient);
    public void Backward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient) => _inner.Backward(outputGradient, inputGradient);
    public void ResetState() => _inner.ResetState();
    public void Step(ReadOnlySpan<float> x, Span<float> y) => _inner.Step(x, y);

    /// <summary>Per-sample <see cref="Predict"/> with the master's weights (thread-safe, like the inner model's).</summary>
    public void PredictBatch(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        for (int i = 0; i < inputs.Length / InputSize; i++)
        {
            Predict(inputs.Slice(i * InputSize, InputSize), outputs.Slice(i * OutputSize, OutputSize));
        }
    }

    /// <summary>Copies the master's weights in (replica), keeps the inputs, and runs Forward per sample.</summary>
    public void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        if (_master is not null)
        {
            _master.Parameters.CopyTo(_inner.Parameters);
        }

        if (_inputs.Length < inputs.Length)
        {
            _inputs = new float[inputs.Length]; // grows once, on the largest batch
        }

        inputs.CopyTo(_inputs);
        for (int i = 0; i < inputs.Length / InputSize; i++)
        {
            _inner.Forward(inputs.Slice(i * InputSize, InputSize), outputs.Slice(i * OutputSize, OutputSize));
        }
    }

    /// <summary>Gradients += Σ_i dLoss_i/dParameters: Forward again, then Backward, per sample in order.</summary>
    public void BackwardBatch(ReadOnlySpan<float> outputGradients)
    {
        if (Root.FailIn == (_master is null ? Failure.Master : Failure.Replica))
        {
            Root.FailedOnThread = Environment.CurrentManagedThreadId;
            Root.FailedOnThreadName = Thread.CurrentThread.Name;
            throw new InvalidOperationException(_master is null ? "BackwardBatch failed in the master" : "BackwardBatch failed in a replica");
        }

        for (int i = 0; i < outputGradients.Length / OutputSize; i++)
        {
            _inner.Forward(_inputs.AsSpan(i * InputSize, InputSize), _output);
            _inner.Backward(outputGradients.Slice(i * OutputSize, OutputSize));
        }
    }

    /// <summary>A new inner model that reads the master's parameters.</summary>
    public IBatchModel CreateReplica() => new PerSampleBatchModel(_create, Root);
}

/// <summary>A model seen only through <see cref="IRnnModel"/>: hides the inner model's batched members.</summary>
internal sealed class PerSampleOnly(IRnnModel inner) : IRnnModel
{
    public int Timesteps => inner.Timesteps;
    public int Features => inner.Features;
    public int InputSize => inner.InputSize;
    public int OutputSize => inner.OutputSize;
    public int StepOutputSize => inner.StepOutputSize;
    public int ParameterCount => inner.ParameterCount;
    public Span<float> Parameters => inner.Parameters;
    public Span<float> Gradients => inner.Gradients;
    public IReadOnlyList<LayerInfo> Layers => inner.Layers;
    public string Summary => inner.Summary;
    public void Predict(ReadOnlySpan<float> input, Span<float> output) => inner.Predict(input, output);
    public void Forward(ReadOnlySpan<float> input, Span<float> output) => inner.Forward(input, output);
    public void Backward(ReadOnlySpan<float> outputGradient) => inner.Backward(outputGradient);
    public void Backward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient) => inner.Backward(outputGradient, inputGradient);
    public void ResetState() => inner.ResetState();
    public void Step(ReadOnlySpan<float> x, Span<float> y) => inner.Step(x, y);
}
