using BenchmarkDotNet.Attributes;
using RnnGen.Dynamic;

namespace RnnGen.Benchmarks;

/// <summary>
/// A minibatch of 32 through each model: the per-sample loop (32 × Forward + Backward, what Fit ran before the batched
/// tier) against the generated batched tier (ForwardBatch + BackwardBatch: lane groups of 16, 8 or 4 samples) and the
/// dynamic layers' batched kernels; and 32 × Predict against PredictBatch.
/// </summary>
[MemoryDiagnoser]
public class BatchedBenchmarks
{
    private const int BatchSize = 32;

    [Params("letter", "srnn32", "lstm32", "gru64")]
    public string Model { get; set; } = "srnn32";

    private IBatchModel _generated = null!;
    private IBatchModel _dynamic = null!;
    private float[] _inputs = null!, _outputs = null!, _outputGradients = null!;

    [GlobalSetup]
    public void Setup()
    {
        _generated = Model switch
        {
            "letter" => new LetterModel(1),
            "srnn32" => new Srnn32Model(1),
            "lstm32" => new Lstm32Model(1),
            _ => new Gru64Model(1),
        };
        _dynamic = (IBatchModel)DynamicModels.Create(Model);
        _generated.Parameters.CopyTo(_dynamic.Parameters);
        var random = new Random(5);
        _inputs = new float[BatchSize * _generated.InputSize];
        for (int i = 0; i < _inputs.Length; i++) _inputs[i] = (float)(random.NextDouble() * 2 - 1);
        _outputs = new float[BatchSize * _generated.OutputSize];
        _outputGradients = new float[_outputs.Length];
        for (int i = 0; i < _outputGradients.Length; i++) _outputGradients[i] = (float)(random.NextDouble() - 0.5) / BatchSize;
    }

    private void PerSample(IRnnModel model)
    {
        int inputSize = model.InputSize, outputSize = model.OutputSize;
        for (int b = 0; b < BatchSize; b++)
        {
            model.Forward(_inputs.AsSpan(b * inputSize, inputSize), _outputs.AsSpan(b * outputSize, outputSize));
            model.Backward(_outputGradients.AsSpan(b * outputSize, outputSize));
        }
    }

    [Benchmark(Baseline = true), BenchmarkCategory("ForwardBackward32")]
    public void Generated_PerSample_ForwardBackward() => PerSample(_generated);

    [Benchmark, BenchmarkCategory("ForwardBackward32")]
    public void Generated_Batched_ForwardBackward()
    {
        _generated.ForwardBatch(_inputs, _outputs);
        _generated.BackwardBatch(_outputGradients);
    }

    [Benchmark, BenchmarkCategory("ForwardBackward32")]
    public void Dynamic_PerSample_ForwardBackward() => PerSample(_dynamic);

    [Benchmark, BenchmarkCategory("ForwardBackward32")]
    public void Dynamic_Batched_ForwardBackward()
    {
        _dynamic.ForwardBatch(_inputs, _outputs);
        _dynamic.BackwardBatch(_outputGradients);
    }

    [Benchmark, BenchmarkCategory("Predict32")]
    public void Generated_PerSample_Predict()
    {
        int inputSize = _generated.InputSize, outputSize = _generated.OutputSize;
        for (int b = 0; b < BatchSize; b++) _generated.Predict(_inputs.AsSpan(b * inputSize, inputSize), _outputs.AsSpan(b * outputSize, outputSize));
    }

    [Benchmark, BenchmarkCategory("Predict32")]
    public void Generated_PredictBatch() => _generated.PredictBatch(_inputs, _outputs);

    [Benchmark, BenchmarkCategory("Predict32")]
    public void Dynamic_PredictBatch() => _dynamic.PredictBatch(_inputs, _outputs);
}

/// <summary>
/// One Fit epoch (batch 32, Adam, MSE) of 1,024 random samples: the per-sample path (a model seen only as IRnnModel),
/// the batched tier on one core, and on every core (TrainingOptions.Parallelism).
/// </summary>
[MemoryDiagnoser]
public class ParallelFitBenchmarks
{
    [Params("srnn32", "lstm32", "gru64")]
    public string Model { get; set; } = "srnn32";

    private IRnnModel _perSample = null!;
    private IRnnModel _batched = null!;
    private Dataset _data = null!;

    [GlobalSetup]
    public void Setup()
    {
        IRnnModel Create() => Model switch
        {
            "srnn32" => new Srnn32Model(1),
            "lstm32" => new Lstm32Model(1),
            _ => new Gru64Model(1),
        };
        _perSample = new PerSampleView(Create());
        _batched = Create();
        var random = new Random(7);
        int samples = Model == "gru64" ? 256 : 1024;
        var inputs = new float[samples][];
        var targets = new float[samples][];
        for (int i = 0; i < samples; i++)
        {
            inputs[i] = new float[_batched.InputSize];
            for (int k = 0; k < inputs[i].Length; k++) inputs[i][k] = (float)(random.NextDouble() * 2 - 1);
            targets[i] = new float[_batched.OutputSize];
            for (int k = 0; k < targets[i].Length; k++) targets[i][k] = (float)random.NextDouble();
        }

        _data = Dataset.FromArrays(inputs, targets);
    }

    private void Epoch(IRnnModel model, int parallelism) => model.Fit(_data, new TrainingOptions
    {
        Loss = Losses.MeanSquaredError(),
        BatchSize = 32,
        Verbose = false,
        Parallelism = parallelism,
    });

    [Benchmark(Baseline = true)]
    public void PerSample_OneCore() => Epoch(_perSample, 1);

    [Benchmark]
    public void Batched_OneCore() => Epoch(_batched, 1);

    [Benchmark]
    public void Batched_AllCores() => Epoch(_batched, Environment.ProcessorCount);

    /// <summary>A model seen only through <see cref="IRnnModel"/>: Fit takes its per-sample path.</summary>
    private sealed class PerSampleView(IRnnModel inner) : IRnnModel
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
}
