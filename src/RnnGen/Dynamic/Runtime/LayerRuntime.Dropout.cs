namespace RnnGen.Dynamic.Runtime;

/// <summary>Where a training pass draws its dropout masks: sample <c>i</c> of the pass is sequence <c>Sequence + i</c> under <c>Seed</c>.</summary>
internal readonly record struct DropoutDraw(ulong Seed, long Sequence)
{
    /// <summary>The draw of sample <paramref name="i"/> of the pass.</summary>
    public DropoutDraw Sample(int i) => new(Seed, Sequence + i);
}

/// <summary>
/// The members a model's training passes call on a layer with dropout (<see cref="HasDropout"/>). A layer draws its masks
/// into its own cache in the forward pass, so the backward pass that follows reads the same masks; inference calls the
/// plain members, which never drop. A layer without dropout keeps the defaults: its training path is the plain one.
/// </summary>
internal abstract partial class LayerRuntime
{
    /// <summary>Whether the training passes of this layer apply dropout (a rate above 0).</summary>
    public virtual bool HasDropout => false;

    /// <summary>
    /// Numbers this layer's dropout streams (<see cref="CompilerServices.Dropout.Stream"/>) by <paramref name="layer"/>:
    /// the index in <c>Layers</c> of a recurrent layer, or of the layer before a Dropout layer (-1 when it is first).
    /// </summary>
    public virtual void NumberDropout(int layer)
    {
    }

    /// <summary>
    /// The training forward of one sample: <see cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
    /// from a zero state under <paramref name="mask"/>, with the masks of <paramref name="draw"/> (kept in
    /// <paramref name="cache"/> for the backward pass, which on a layer with dropout always reads them).
    /// </summary>
    public virtual void ForwardDropout(ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> cache, ReadOnlySpan<float> mask, DropoutDraw draw) =>
        Forward(p, x, y, cache, mask, default, default);

    /// <summary>The training forward of <paramref name="n"/> samples with dropout: sample <c>i</c> draws <c>draw.Sample(i)</c>.</summary>
    public virtual void ForwardBatchDropout(int n, ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> cache, ReadOnlySpan<float> mask, DropoutDraw draw) =>
        ForwardBatch(n, p, x, y, cache, true, mask);
}
