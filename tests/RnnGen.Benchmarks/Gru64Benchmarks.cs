using BenchmarkDotNet.Attributes;

namespace RnnGen.Benchmarks;

/// <summary>gru64 (T=100, F=16, Gru(64) -&gt; Dense(4)): generated <see cref="Gru64Model"/> (the baseline) vs dynamic layers vs ONNX Runtime.</summary>
public class Gru64Benchmarks : ModelBenchmark
{
    private Gru64Model _generated = null!;
    private readonly Adam _optimizer = new();

    protected override string ModelName => "gru64";

    protected override IRnnModel CreateGenerated() => _generated = new Gru64Model(1);

    [Benchmark(Baseline = true), BenchmarkCategory("Predict")]
    public void Generated_Predict() => _generated.Predict(Input, Output);

    [Benchmark(Baseline = true), BenchmarkCategory("ForwardBackward")]
    public void Generated_ForwardBackward()
    {
        _generated.Forward(Input, Output);
        _generated.Backward(OutputGradient);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("TrainBatch")]
    public void Generated_TrainBatch()
    {
        AccumulateBatch(_generated);
        _optimizer.Step(_generated.Parameters, _generated.Gradients);
    }
}
