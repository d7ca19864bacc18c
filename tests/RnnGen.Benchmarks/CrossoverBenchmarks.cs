using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace RnnGen.Benchmarks;

/// <summary>
/// Where straight-line code stops paying: the same model emitted with <c>Unroll = UnrollMode.Full</c> and
/// <c>UnrollMode.Loops</c>, for growing sizes. docs/benchmarks.md records the crossover that sets
/// <c>UnrollMode.Auto</c> (ModelPlan.UnrollMacLimit / MethodTermBudget in the generator).
/// Run: dotnet run -c Release --project tests/RnnGen.Benchmarks -- --filter '*Crossover*' --quick
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class CrossoverBenchmarks
{
    private IRnnModel _full = null!;
    private IRnnModel _loops = null!;
    private float[] _input = null!;
    private float[] _output = null!;
    private float[] _dOutput = null!;

    /// <summary>Model name: kind, units, timesteps, features (multiply-adds per forward pass in the comment).</summary>
    [Params("SimpleRnn2T20F8", "SimpleRnn4T20F8", "SimpleRnn8T20F8", "SimpleRnn16T20F8", "SimpleRnn24T20F8", "Lstm2T20F4", "Lstm4T20F4", "Lstm8T20F4")]
    public string Model { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        (_full, _loops) = Model switch
        {
            "SimpleRnn2T20F8" => ((IRnnModel)new XSimpleRnn2T20F8Full(1), (IRnnModel)new XSimpleRnn2T20F8Loops(1)), // 402 multiply-adds
            "SimpleRnn4T20F8" => ((IRnnModel)new XSimpleRnn4T20F8Full(1), (IRnnModel)new XSimpleRnn4T20F8Loops(1)), // 964 multiply-adds
            "SimpleRnn8T20F8" => ((IRnnModel)new XSimpleRnn8T20F8Full(1), (IRnnModel)new XSimpleRnn8T20F8Loops(1)), // 2568 multiply-adds
            "SimpleRnn16T20F8" => ((IRnnModel)new XSimpleRnn16T20F8Full(1), (IRnnModel)new XSimpleRnn16T20F8Loops(1)), // 7696 multiply-adds
            "SimpleRnn24T20F8" => ((IRnnModel)new XSimpleRnn24T20F8Full(1), (IRnnModel)new XSimpleRnn24T20F8Loops(1)), // 15384 multiply-adds
            "Lstm2T20F4" => ((IRnnModel)new XLstm2T20F4Full(1), (IRnnModel)new XLstm2T20F4Loops(1)), // 962 multiply-adds
            "Lstm4T20F4" => ((IRnnModel)new XLstm4T20F4Full(1), (IRnnModel)new XLstm4T20F4Loops(1)), // 2564 multiply-adds
            "Lstm8T20F4" => ((IRnnModel)new XLstm8T20F4Full(1), (IRnnModel)new XLstm8T20F4Loops(1)), // 7688 multiply-adds
            _ => throw new ArgumentException(Model),
        };
        _loops.Parameters.Clear();
        _full.Parameters.CopyTo(_loops.Parameters);
        var random = new Random(3);
        _input = new float[_full.InputSize];
        for (int i = 0; i < _input.Length; i++) _input[i] = (float)(random.NextDouble() * 2 - 1);
        _output = new float[_full.OutputSize];
        _dOutput = new float[_full.OutputSize];
        Array.Fill(_dOutput, 1f);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Predict")]
    public void Full_Predict() => _full.Predict(_input, _output);

    [Benchmark, BenchmarkCategory("Predict")]
    public void Loops_Predict() => _loops.Predict(_input, _output);

    [Benchmark(Baseline = true), BenchmarkCategory("ForwardBackward")]
    public void Full_ForwardBackward()
    {
        _full.Forward(_input, _output);
        _full.Backward(_dOutput);
    }

    [Benchmark, BenchmarkCategory("ForwardBackward")]
    public void Loops_ForwardBackward()
    {
        _loops.Forward(_input, _output);
        _loops.Backward(_dOutput);
    }
}

[RnnModel(20, 8, Unroll = UnrollMode.Full)] [SimpleRnn(2)] [Dense(1)] public partial class XSimpleRnn2T20F8Full;
[RnnModel(20, 8, Unroll = UnrollMode.Loops)] [SimpleRnn(2)] [Dense(1)] public partial class XSimpleRnn2T20F8Loops;
[RnnModel(20, 8, Unroll = UnrollMode.Full)] [SimpleRnn(4)] [Dense(1)] public partial class XSimpleRnn4T20F8Full;
[RnnModel(20, 8, Unroll = UnrollMode.Loops)] [SimpleRnn(4)] [Dense(1)] public partial class XSimpleRnn4T20F8Loops;
[RnnModel(20, 8, Unroll = UnrollMode.Full)] [SimpleRnn(8)] [Dense(1)] public partial class XSimpleRnn8T20F8Full;
[RnnModel(20, 8, Unroll = UnrollMode.Loops)] [SimpleRnn(8)] [Dense(1)] public partial class XSimpleRnn8T20F8Loops;
[RnnModel(20, 8, Unroll = UnrollMode.Full)] [SimpleRnn(16)] [Dense(1)] public partial class XSimpleRnn16T20F8Full;
[RnnModel(20, 8, Unroll = UnrollMode.Loops)] [SimpleRnn(16)] [Dense(1)] public partial class XSimpleRnn16T20F8Loops;
[RnnModel(20, 8, Unroll = UnrollMode.Full)] [SimpleRnn(24)] [Dense(1)] public partial class XSimpleRnn24T20F8Full;
[RnnModel(20, 8, Unroll = UnrollMode.Loops)] [SimpleRnn(24)] [Dense(1)] public partial class XSimpleRnn24T20F8Loops;
[RnnModel(20, 4, Unroll = UnrollMode.Full)] [Lstm(2)] [Dense(1)] public partial class XLstm2T20F4Full;
[RnnModel(20, 4, Unroll = UnrollMode.Loops)] [Lstm(2)] [Dense(1)] public partial class XLstm2T20F4Loops;
[RnnModel(20, 4, Unroll = UnrollMode.Full)] [Lstm(4)] [Dense(1)] public partial class XLstm4T20F4Full;
[RnnModel(20, 4, Unroll = UnrollMode.Loops)] [Lstm(4)] [Dense(1)] public partial class XLstm4T20F4Loops;
[RnnModel(20, 4, Unroll = UnrollMode.Full)] [Lstm(8)] [Dense(1)] public partial class XLstm8T20F4Full;
[RnnModel(20, 4, Unroll = UnrollMode.Loops)] [Lstm(8)] [Dense(1)] public partial class XLstm8T20F4Loops;
