using System.Numerics.Tensors;
using RnnGen.CompilerServices;

namespace RnnGen.Dynamic.Runtime;

/// <summary>
/// Keras <c>Dropout(rate)</c>: training <c>y = x ⊙ m</c>, backward <c>dx = dy ⊙ m</c>, with one mask <c>m</c> per sample
/// of the input's size (every element its own draw), stream <c>LayerPart</c> of the layer before it. Inference is the
/// identity. Cache: the sample's mask (batched: <c>n</c> masks, sample after sample).
/// </summary>
internal sealed class DropoutRuntime : LayerRuntime
{
    private readonly float _rate;
    private int _stream = CompilerServices.Dropout.Stream(-1, CompilerServices.Dropout.LayerPart, 0);

    public DropoutRuntime(float rate, int steps, int inputWidth, bool inputIsSequence)
        : base(steps, inputWidth, inputWidth, steps)
    {
        _rate = rate;
        OutputIsSequence = inputIsSequence;
    }

    public override int ParameterCount => 0;

    public override int CacheLength => InputLength;

    public override int StateLength => 0;

    public override int ScratchLength => 0;

    public override bool HasDropout => _rate > 0f;

    public override void NumberDropout(int layer) => _stream = CompilerServices.Dropout.Stream(layer, CompilerServices.Dropout.LayerPart, 0);

    public override TensorSpec[] Tensors() => [];

    public override void Initialize(Span<float> p, Random random)
    {
    }

    /// <summary>Inference: the identity.</summary>
    public override void Forward(ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> cache) => x.CopyTo(y);

    /// <summary>Training: draws the mask <c>m</c> into the cache; <c>y = x ⊙ m</c>.</summary>
    public override void ForwardDropout(ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> cache, ReadOnlySpan<float> mask, DropoutDraw draw)
    {
        Span<float> m = cache[..InputLength];
        CompilerServices.Dropout.Fill(m, InputLength, 1, _rate, draw.Seed, draw.Sequence, _stream);
        TensorPrimitives.Multiply(x, m, y);
    }

    /// <summary><c>dx = dy ⊙ m</c> with the mask of the training forward (the identity at rate 0).</summary>
    public override void Backward(
        ReadOnlySpan<float> p, Span<float> g,
        ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> cache,
        ReadOnlySpan<float> dy, Span<float> dx, Span<float> scratch)
    {
        if (dx.IsEmpty) return;
        if (HasDropout) TensorPrimitives.Multiply(dy, cache[..InputLength], dx);
        else dy.CopyTo(dx);
    }

    public override int BatchCacheLength(int n, bool training) => training ? n * InputLength : 0;

    public override int BatchScratchLength(int n) => 0;

    public override void ForwardBatch(int n, ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> cache, bool training) =>
        x[..(n * InputLength)].CopyTo(y);

    /// <summary>Training: sample <c>i</c>'s mask from <c>draw.Sample(i)</c>; <c>Y = X ⊙ M</c>.</summary>
    public override void ForwardBatchDropout(int n, ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> cache, ReadOnlySpan<float> mask, DropoutDraw draw)
    {
        int length = InputLength;
        for (int i = 0; i < n; i++)
        {
            CompilerServices.Dropout.Fill(cache.Slice(i * length, length), length, 1, _rate, draw.Seed, draw.Sequence + i, _stream);
        }

        TensorPrimitives.Multiply(x[..(n * length)], cache[..(n * length)], y);
    }

    /// <summary><c>dX = dY ⊙ M</c> with the masks of the training forward.</summary>
    public override void BackwardBatch(
        int n, ReadOnlySpan<float> p, Span<float> g,
        ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> cache,
        ReadOnlySpan<float> dy, Span<float> dx, Span<float> scratch)
    {
        if (dx.IsEmpty) return;
        int length = n * InputLength;
        if (HasDropout) TensorPrimitives.Multiply(dy[..length], cache[..length], dx);
        else dy[..length].CopyTo(dx);
    }

    public override void Step(ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> state, Span<float> scratch, int position) => x.CopyTo(y);
}
