using BenchmarkDotNet.Attributes;
using RnnGen.Dynamic;

namespace RnnGen.Benchmarks;

/// <summary>
/// Streaming <c>Step</c> on the eight models of RTNeural's comparison (input 1 -> GRU or LSTM of 8-64 units -> Dense(1)):
/// ns per step over a long stream (1,000 steps per invocation, BenchmarkDotNet repeats it for millions), generated vs the
/// dynamic layers. RTNeural's figures (RTNeural::ModelT, g++ -O3 -march=native, this machine) are the reference column
/// in docs/benchmarks.md; RTNeural itself is not built here.
/// </summary>
/// <remarks>Run: dotnet run -c Release --project tests/RnnGen.Benchmarks -- --filter '*Streaming*'</remarks>
[MemoryDiagnoser]
public class StreamingBenchmarks
{
    private const int Steps = 1000;

    [Params("GRU", "LSTM")]
    public string Cell { get; set; } = "GRU";

    [Params(8, 16, 32, 64)]
    public int Hidden { get; set; } = 8;

    private IRnnModel _generated = null!;
    private IRnnModel _dynamic = null!;
    private readonly float[] _signal = new float[Steps];
    private readonly float[] _y = new float[1];

    [GlobalSetup]
    public void Setup()
    {
        _generated = (Cell, Hidden) switch
        {
            ("GRU", 8) => new StreamGru8(1), ("GRU", 16) => new StreamGru16(1), ("GRU", 32) => new StreamGru32(1), ("GRU", 64) => new StreamGru64(1),
            ("LSTM", 8) => new StreamLstm8(1), ("LSTM", 16) => new StreamLstm16(1), ("LSTM", 32) => new StreamLstm32(1), _ => new StreamLstm64(1),
        };
        Layer recurrent = Cell == "GRU" ? new GruLayer(Hidden) : new LstmLayer(Hidden);
        _dynamic = new Sequential(1, 1, 1, recurrent, new DenseLayer(1));
        _generated.Parameters.CopyTo(_dynamic.Parameters);
        for (int i = 0; i < Steps; i++) _signal[i] = MathF.Sin(i * 0.05f);

        // Both engines must stream the same outputs before anything is timed.
        var a = new float[1];
        var b = new float[1];
        for (int i = 0; i < Steps; i++)
        {
            _generated.Step(_signal.AsSpan(i, 1), a);
            _dynamic.Step(_signal.AsSpan(i, 1), b);
            if (MathF.Abs(a[0] - b[0]) > 1e-4f) throw new InvalidOperationException($"{Cell}({Hidden}) step {i}: generated {a[0]}, dynamic {b[0]}");
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Steps)]
    public float Generated_Step()
    {
        for (int i = 0; i < Steps; i++) _generated.Step(_signal.AsSpan(i, 1), _y);
        return _y[0];
    }

    [Benchmark(OperationsPerInvoke = Steps)]
    public float Dynamic_Step()
    {
        for (int i = 0; i < Steps; i++) _dynamic.Step(_signal.AsSpan(i, 1), _y);
        return _y[0];
    }
}
