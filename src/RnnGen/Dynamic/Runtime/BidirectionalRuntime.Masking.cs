using System.Numerics.Tensors;

namespace RnnGen.Dynamic.Runtime;

/// <summary>
/// The bidirectional layer under a mask and from given states: both directions read the same mask (indexed by input
/// step) and, returning sequences, output zeros at masked steps (Keras <c>zero_output_for_mask</c>, set in the
/// constructor). The state is the forward direction's, then the backward direction's. Without a mask or states these
/// are the layer's only paths (the unmasked members call them with empty spans, and the directions take their own
/// unmasked paths).
/// </summary>
internal sealed partial class BidirectionalRuntime
{
    public override int StateSize => 2 * _forward.StateSize;

    public override void Forward(
        ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> cache,
        ReadOnlySpan<float> mask, ReadOnlySpan<float> initialState, Span<float> finalState)
    {
        int o = _forward.OutputLength, half = HalfCache, w = _forward.StateSize;
        Span<float> yf = cache[..o], yb = cache.Slice(half, o);
        _forward.Forward(p[..Half], x, yf, cache.Slice(o, _forward.CacheLength), mask, Part(initialState, 0, w), Part(finalState, 0, w));
        _backward.Forward(p[Half..], x, yb, cache.Slice(half + o, _backward.CacheLength), mask, Part(initialState, w, w), Part(finalState, w, w));
        Merge(yf, yb, y);
    }

    public override void Backward(
        ReadOnlySpan<float> p, Span<float> g,
        ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> cache,
        ReadOnlySpan<float> dy, Span<float> dx, Span<float> scratch, ReadOnlySpan<float> mask)
    {
        int o = _forward.OutputLength, half = HalfCache;
        ReadOnlySpan<float> yf = cache[..o], yb = cache.Slice(half, o);
        Span<float> dyf = scratch[..o], dyb = scratch.Slice(o, o);
        Span<float> dxb = dx.IsEmpty ? default : scratch.Slice(2 * o, InputLength);
        Span<float> inner = scratch[(2 * o + InputLength)..];
        SplitGradient(dy, yf, yb, dyf, dyb);
        _forward.Backward(p[..Half], g[..Half], x, yf, cache.Slice(o, _forward.CacheLength), dyf, dx, inner, mask);
        _backward.Backward(p[Half..], g[Half..], x, yb, cache.Slice(half + o, _backward.CacheLength), dyb, dxb, inner, mask);
        if (!dx.IsEmpty) TensorPrimitives.Add(dx, dxb, dx);
    }

    public override void ForwardBatch(int n, ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> cache, bool training, ReadOnlySpan<float> mask)
    {
        int o = _forward.OutputLength, no = n * o, half = BatchHalfCache(n, training), inner = _forward.BatchCacheLength(n, training);
        Span<float> yf = cache[..no], yb = cache.Slice(half, no);
        _forward.ForwardBatch(n, p[..Half], x, yf, cache.Slice(no, inner), training, mask);
        _backward.ForwardBatch(n, p[Half..], x, yb, cache.Slice(half + no, inner), training, mask);
        for (int i = 0; i < n; i++)
        {
            Merge(yf.Slice(i * o, o), yb.Slice(i * o, o), y.Slice(i * OutputLength, OutputLength));
        }
    }

    public override void BackwardBatch(
        int n, ReadOnlySpan<float> p, Span<float> g,
        ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> cache,
        ReadOnlySpan<float> dy, Span<float> dx, Span<float> scratch, ReadOnlySpan<float> mask)
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

        _forward.BackwardBatch(n, p[..Half], g[..Half], x, yf, cache.Slice(no, inner), dyf, dx, directionScratch, mask);
        _backward.BackwardBatch(n, p[Half..], g[Half..], x, yb, cache.Slice(half + no, inner), dyb, dxb, directionScratch, mask);
        if (!dx.IsEmpty) TensorPrimitives.Add(dx[..nx], dxb, dx[..nx]);
    }

    /// <summary>One direction's part of a state span, or empty when the span is (no state given or wanted).</summary>
    private static Span<float> Part(Span<float> state, int start, int length) => state.IsEmpty ? default : state.Slice(start, length);

    /// <inheritdoc cref="Part(Span{float}, int, int)"/>
    private static ReadOnlySpan<float> Part(ReadOnlySpan<float> state, int start, int length) => state.IsEmpty ? default : state.Slice(start, length);
}
