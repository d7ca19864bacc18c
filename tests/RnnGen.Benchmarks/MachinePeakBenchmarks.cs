using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace RnnGen.Benchmarks;

/// <summary>
/// This machine's ceiling, measured rather than assumed: twelve independent chains of fused multiply-adds (enough to hide
/// their latency), 512 and 256 bits wide, on one thread and on two at once. docs/benchmarks.md quotes the models' GFLOP/s
/// against the one-thread figure and Fit's all-cores speed-up against the two-thread one. Multiply-adds per operation:
/// <c>Threads x 12 x lanes x Iterations</c> (lanes 16 or 8).
/// </summary>
[MemoryDiagnoser]
public class MachinePeakBenchmarks
{
    /// <summary>Loop trips per thread: 12 x 16 x 10^7 = 1.92 G multiply-adds at 512 bits, about 35 ms at this core's peak.</summary>
    public const long Iterations = 10_000_000;

    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    [Benchmark]
    public float Fma512() => OnEveryThread(Chains512);

    [Benchmark]
    public float Fma256() => OnEveryThread(Chains256);

    /// <summary>Runs the chains on the calling thread and, for two threads, on one more started beside it.</summary>
    private float OnEveryThread(Func<long, float> chains)
    {
        if (Threads == 1)
        {
            return chains(Iterations);
        }

        float other = 0;
        var thread = new Thread(() => other = chains(Iterations));
        thread.Start();
        float mine = chains(Iterations);
        thread.Join();
        return mine + other;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Chains512(long iterations)
    {
        Vector512<float> m = Vector512.Create(0.999999f), c = Vector512.Create(1e-7f);
        Vector512<float> a0 = c, a1 = c, a2 = c, a3 = c, a4 = c, a5 = c, a6 = c, a7 = c, a8 = c, a9 = c, a10 = c, a11 = c;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, c); a1 = Vector512.FusedMultiplyAdd(a1, m, c);
            a2 = Vector512.FusedMultiplyAdd(a2, m, c); a3 = Vector512.FusedMultiplyAdd(a3, m, c);
            a4 = Vector512.FusedMultiplyAdd(a4, m, c); a5 = Vector512.FusedMultiplyAdd(a5, m, c);
            a6 = Vector512.FusedMultiplyAdd(a6, m, c); a7 = Vector512.FusedMultiplyAdd(a7, m, c);
            a8 = Vector512.FusedMultiplyAdd(a8, m, c); a9 = Vector512.FusedMultiplyAdd(a9, m, c);
            a10 = Vector512.FusedMultiplyAdd(a10, m, c); a11 = Vector512.FusedMultiplyAdd(a11, m, c);
        }

        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Chains256(long iterations)
    {
        Vector256<float> m = Vector256.Create(0.999999f), c = Vector256.Create(1e-7f);
        Vector256<float> a0 = c, a1 = c, a2 = c, a3 = c, a4 = c, a5 = c, a6 = c, a7 = c, a8 = c, a9 = c, a10 = c, a11 = c;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, c); a1 = Vector256.FusedMultiplyAdd(a1, m, c);
            a2 = Vector256.FusedMultiplyAdd(a2, m, c); a3 = Vector256.FusedMultiplyAdd(a3, m, c);
            a4 = Vector256.FusedMultiplyAdd(a4, m, c); a5 = Vector256.FusedMultiplyAdd(a5, m, c);
            a6 = Vector256.FusedMultiplyAdd(a6, m, c); a7 = Vector256.FusedMultiplyAdd(a7, m, c);
            a8 = Vector256.FusedMultiplyAdd(a8, m, c); a9 = Vector256.FusedMultiplyAdd(a9, m, c);
            a10 = Vector256.FusedMultiplyAdd(a10, m, c); a11 = Vector256.FusedMultiplyAdd(a11, m, c);
        }

        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }
}
