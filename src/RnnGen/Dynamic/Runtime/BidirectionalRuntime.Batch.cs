using System.Numerics.Tensors;

namespace RnnGen.Dynamic.Runtime;

/// <summary>The bidirectional layer on a minibatch: each direction runs batched, the merge runs sample by sample.</summary>
/// <remarks>
/// Batch cache: <c>[Y_f n × O | cache_f | Y_b n × O | cache_b]</c>, each direction's outputs (processing order) and its
/// batch cache. Batch scratch: <c>[dY_f | dY_b | dX_b | the directions' batch scratch]</c>.
/// </remarks>
internal sealed partial class BidirectionalRuntime
{
    public override int BatchCacheLength(int n, bool training) => 2 * BatchHalfCache(n, training);

    public override int BatchScratchLength(int n) =>
        2 * n * _forward.OutputLength + n * InputLength + Math.Max(_forward.BatchScratchLength(n), _backward.BatchScratchLength(n));

    public override void ForwardBatch(int n, ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> cache, bool training)
    {
        int o = _forward.OutputLength, no = n * o, half = BatchHalfCache(n, training), inner = _forward.BatchCacheLength(n, training);
        Span<float> yf = cache[..no], yb = cache.Slice(half, no);
        _forward.ForwardBatch(n, p[..Half], x, yf, cache.Slice(no, inner), training);
        _backward.ForwardBatch(n, p[Half..], x, yb, cache.Slice(half + no, inner), training);
        for (int i = 0; i < n; i++)
        {
            Merge(yf.Slice(i * o, o), yb.Slice(i * o, o), y.Slice(i * OutputLength, OutputLength));
        }
    }

    public override void BackwardBatch(
        int n, ReadOnlySpan<float> p, Span<float> g,
        ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> cache,
        ReadOnlySpan<float> dy, Span<float> dx, Span<float> scratch)
    {
        int o = _forward.OutputLength, no = n * o, half = BatchHalfCache(n, true), inner = _forward.BatchCacheLength(n, true);
        int nx = n * InputLength;
        ReadOnlySpan<float> yf = cache[..no], yb = cache.Slice(half, no);
        Span<float> dyf = scratch[..no], dyb = scratch.Slice(no, no);
        Span<float> dxb = dx.IsEmpty ? default : scratch.Slice(2 * no, nx);
        Span<float> directionScratch = scratch[(2 * no + nx)..];
        for (int i = 0; i < n; i++)
        {
            SplitGradient(dy.Slice(i * OutputLength, OutputLength), yf.Slice(i * o, o), yb.Slice(i * o, o), dyf.Slice(i * o, o), dyb.Slice(i * o, o));
        }

        _forward.BackwardBatch(n, p[..Half], g[..Half], x, yf, cache.Slice(no, inner), dyf, dx, directionScratch);
        _backward.BackwardBatch(n, p[Half..], g[Half..], x, yb, cache.Slice(half + no, inner), dyb, dxb, directionScratch);
        if (!dx.IsEmpty) TensorPrimitives.Add(dx[..nx], dxb, dx[..nx]);
    }

    /// <summary>One direction's outputs for <paramref name="n"/> samples and its batch cache.</summary>
    private int BatchHalfCache(int n, bool training) => n * _forward.OutputLength + _forward.BatchCacheLength(n, training);
}
