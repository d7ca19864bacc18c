using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace RnnGen.Benchmarks;

/// <summary>
/// What every model benchmark shares: the exported weights and reference pair, the dynamic-layer
/// engine, ONNX Runtime, buffers, and the check that all engines agree before anything is timed.
/// A derived class adds the generated model (by its concrete type, so calls are direct) and marks
/// its benchmarks as the baseline of each category: the Ratio column is then engine / generated.
/// </summary>
/// <remarks>
/// Categories: <c>Predict</c> (one sample, inference), <c>ForwardBackward</c> (one sample,
/// training forward + backpropagation through time), <c>TrainBatch</c> (32 samples forward +
/// backward, averaged loss gradient, one runtime <see cref="Adam"/> step), <c>Step</c> (one streaming timestep).
/// </remarks>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public abstract class ModelBenchmark
{
    /// <summary>Samples per training batch (Keras's default).</summary>
    public const int BatchSize = 32;

    protected PeerModel Peer = null!;
    protected IRnnModel Dynamic = null!;
    protected OnnxPeer Onnx = null!;
    protected readonly Adam DynamicOptimizer = new();

    /// <summary>The reference input (from the export), used by Predict and ForwardBackward.</summary>
    protected float[] Input = [];
    protected float[] Output = [];
    /// <summary>dLoss/dOutput used by the ForwardBackward benchmarks.</summary>
    protected float[] OutputGradient = [];
    /// <summary>One timestep of input for the Step benchmarks.</summary>
    protected float[] StepInput = [];
    protected float[] StepOutput = [];

    private float[] _batchInputs = [];
    private float[] _batchTargets = [];
    private float[] _lossGradient = [];
    private Loss _loss = null!;

    /// <summary>The peer name: peers/&lt;name&gt;.weights.json.</summary>
    protected abstract string ModelName { get; }

    /// <summary>Creates the generated model (derived class keeps it in a typed field).</summary>
    protected abstract IRnnModel CreateGenerated();

    /// <summary>The generated model as created by <see cref="CreateGenerated"/>.</summary>
    protected IRnnModel GeneratedEngine { get; private set; } = null!;

    /// <summary>Loads the peer weights into every engine, builds the buffers and runs <see cref="EngineChecks"/>.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Peer = PeerModel.Load(ModelName);
        bool softmaxOutput = ModelName == "letter";
        _loss = softmaxOutput ? Losses.CategoricalCrossentropy() : Losses.MeanSquaredError();
        GeneratedEngine = CreateGenerated();
        Dynamic = DynamicModels.Create(ModelName);
        Peer.LoadInto(GeneratedEngine, "generated");
        Peer.LoadInto(Dynamic, "dynamic");
        Onnx = new OnnxPeer(Peer);

        int inputSize = Peer.Timesteps * Peer.Features;
        Input = (float[])Peer.Input.Clone();
        Output = new float[Peer.OutputSize];
        OutputGradient = new float[Peer.OutputSize];
        OutputGradient.AsSpan().Fill(1f / Peer.OutputSize);
        StepInput = Input.AsSpan(0, Peer.Features).ToArray();
        StepOutput = new float[Peer.OutputSize];
        _lossGradient = new float[Peer.OutputSize];

        var random = new Random(17);
        _batchInputs = new float[BatchSize * inputSize];
        _batchTargets = new float[BatchSize * Peer.OutputSize];
        for (int i = 0; i < _batchInputs.Length; i++)
        {
            _batchInputs[i] = random.NextSingle() * 2 - 1;
        }
        for (int b = 0; b < BatchSize; b++)
        {
            Span<float> target = _batchTargets.AsSpan(b * Peer.OutputSize, Peer.OutputSize);
            if (softmaxOutput)
            {
                target[random.Next(Peer.OutputSize)] = 1;   // one-hot class
            }
            else
            {
                for (int j = 0; j < target.Length; j++)
                {
                    target[j] = random.NextSingle();
                }
            }
        }

        EngineChecks.AssertAllAgree(Peer, GeneratedEngine, Dynamic, Onnx);
        Peer.Input.CopyTo(Onnx.Input, 0);
        GeneratedEngine.Gradients.Clear();
        Dynamic.Gradients.Clear();
        GeneratedEngine.ResetState();
        Dynamic.ResetState();
    }

    /// <summary>Disposes the ONNX Runtime session.</summary>
    [GlobalCleanup]
    public void Cleanup() => Onnx.Dispose();

    // ---- Predict ----

    [Benchmark, BenchmarkCategory("Predict")]
    public void Dynamic_Predict() => Dynamic.Predict(Input, Output);

    [Benchmark, BenchmarkCategory("Predict")]
    public void Onnx_Predict() => Onnx.Run();

    [Benchmark, BenchmarkCategory("Predict")]
    public void OnnxIoBinding_Predict() => Onnx.RunBound();

    // ---- Forward + Backward (one sample) ----

    [Benchmark, BenchmarkCategory("ForwardBackward")]
    public void Dynamic_ForwardBackward()
    {
        Dynamic.Forward(Input, Output);
        Dynamic.Backward(OutputGradient);
    }

    // ---- Training batch ----

    [Benchmark, BenchmarkCategory("TrainBatch")]
    public void Dynamic_TrainBatch()
    {
        AccumulateBatch(Dynamic);
        DynamicOptimizer.Step(Dynamic.Parameters, Dynamic.Gradients);
    }

    /// <summary>
    /// Zeroes the gradients, then for each of the 32 samples: Forward, dLoss/dOutput of the
    /// batch-mean loss (the runtime's categorical cross-entropy on a softmax output, MSE otherwise), Backward.
    /// The caller then takes one optimizer step, as <c>Fit</c> does per batch.
    /// </summary>
    protected void AccumulateBatch<TModel>(TModel model) where TModel : IRnnModel
    {
        int inputSize = Input.Length, outputSize = Output.Length;
        model.Gradients.Clear();
        for (int b = 0; b < BatchSize; b++)
        {
            model.Forward(_batchInputs.AsSpan(b * inputSize, inputSize), Output);
            _loss.Compute(Output, _batchTargets.AsSpan(b * outputSize, outputSize), _lossGradient);
            // Keras's "sum_over_batch_size": the batch loss is the mean, so each sample's gradient is scaled by 1/B.
            TensorPrimitives.Multiply(_lossGradient, 1f / BatchSize, _lossGradient);
            model.Backward(_lossGradient);
        }
    }
}
