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

    public override void ForwardBatch(int n, ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> cache, bool training) =>
        ForwardBatch(n, p, x, y, cache, training, default);

    public override void BackwardBatch(
        int n, ReadOnlySpan<float> p, Span<float> g,
        ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> cache,
        ReadOnlySpan<float> dy, Span<float> dx, Span<float> scratch) =>
        BackwardBatch(n, p, g, x, y, cache, dy, dx, scratch, default);

    /// <summary>One direction's outputs for <paramref name="n"/> samples and its batch cache.</summary>
    private int BatchHalfCache(int n, bool training) => n * _forward.OutputLength + _forward.BatchCacheLength(n, training);
}
