namespace RnnGen.Dynamic.Runtime;

/// <summary>
/// The bidirectional layer's training passes with dropout: each direction draws its own masks (the forward direction from
/// the <c>InputPart</c>/<c>RecurrentPart</c> streams of the layer, the backward one from <c>BackwardInputPart</c>/
/// <c>BackwardRecurrentPart</c>), then the outputs merge as usual. The backward passes need nothing more: each
/// direction's backward reads its own masks.
/// </summary>
internal sealed partial class BidirectionalRuntime
{
    public override bool HasDropout => _forward.HasDropout;

    public override void NumberDropout(int layer)
    {
        ((RecurrentRuntime)_forward).NumberDropout(layer, backwardDirection: false);
        ((RecurrentRuntime)_backward).NumberDropout(layer, backwardDirection: true);
    }

    public override void ForwardDropout(ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> cache, ReadOnlySpan<float> mask, DropoutDraw draw)
    {
        int o = _forward.OutputLength, half = HalfCache;
        Span<float> yf = cache[..o], yb = cache.Slice(half, o);
        _forward.ForwardDropout(p[..Half], x, yf, cache.Slice(o, _forward.CacheLength), mask, draw);
        _backward.ForwardDropout(p[Half..], x, yb, cache.Slice(half + o, _backward.CacheLength), mask, draw);
        Merge(yf, yb, y);
    }

    public override void ForwardBatchDropout(int n, ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> cache, ReadOnlySpan<float> mask, DropoutDraw draw)
    {
        int o = _forward.OutputLength, no = n * o, half = BatchHalfCache(n, true), inner = _forward.BatchCacheLength(n, true);
        Span<float> yf = cache[..no], yb = cache.Slice(half, no);
        _forward.ForwardBatchDropout(n, p[..Half], x, yf, cache.Slice(no, inner), mask, draw);
        _backward.ForwardBatchDropout(n, p[Half..], x, yb, cache.Slice(half + no, inner), mask, draw);
        for (int i = 0; i < n; i++)
        {
            Merge(yf.Slice(i * o, o), yb.Slice(i * o, o), y.Slice(i * OutputLength, OutputLength));
        }
    }
}
