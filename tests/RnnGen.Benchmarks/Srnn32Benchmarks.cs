using BenchmarkDotNet.Attributes;

namespace RnnGen.Benchmarks;

/// <summary>srnn32 (T=50, F=8, SimpleRnn(32) -&gt; Dense(1)): generated <see cref="Srnn32Model"/> (the baseline) vs dynamic layers vs ONNX Runtime.</summary>
public class Srnn32Benchmarks : ModelBenchmark
{
    private Srnn32Model _generated = null!;
    private readonly Adam _optimizer = new();

    protected override string ModelName => "srnn32";

    protected override IRnnModel CreateGenerated() => _generated = new Srnn32Model(1);

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

    [Benchmark(Baseline = true), BenchmarkCategory("Step")]
    public void Generated_Step() => _generated.Step(StepInput, StepOutput);

    [Benchmark, BenchmarkCategory("Step")]
    public void Dynamic_Step() => Dynamic.Step(StepInput, StepOutput);
}
