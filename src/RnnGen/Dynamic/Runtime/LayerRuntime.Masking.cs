namespace RnnGen.Dynamic.Runtime;

/// <summary>
/// The members a masked model and a model with given states call. A layer that neither makes nor reads masks, and has no
/// recurrent state, keeps the defaults, which run its unmasked path.
/// </summary>
/// <remarks>
/// A mask holds one float per input row: 1 for a kept timestep, 0 for a masked one; in a batch, sample after sample
/// (<c>mask[i · Steps + t]</c>). An empty mask means every step is kept. States are the public layout of
/// <see cref="StateSize"/>; an empty initial state means zeros, an empty final state is not written.
/// </remarks>
internal abstract partial class LayerRuntime
{
    /// <summary>Floats of this layer's recurrent state in the public layout: <c>h</c> (SimpleRnn, Gru), <c>[h, c]</c> (Lstm), forward then backward (Bidirectional); 0 otherwise.</summary>
    public virtual int StateSize => 0;

    /// <summary>Whether this (first) layer computes the model's mask from its input: Keras <c>Masking</c>, or <c>Embedding(mask_zero=True)</c>.</summary>
    public virtual bool ComputesMask => false;

    /// <summary>Writes the mask of <paramref name="rows"/> input rows (of <see cref="InputWidth"/> values each) into <paramref name="mask"/>.</summary>
    public virtual void ComputeMask(ReadOnlySpan<float> x, int rows, Span<float> mask)
    {
    }

    /// <summary>
    /// <see cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/> under <paramref name="mask"/>,
    /// from <paramref name="initialState"/>, writing the state after the last step into <paramref name="finalState"/>.
    /// </summary>
    public virtual void Forward(
        ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> cache,
        ReadOnlySpan<float> mask, ReadOnlySpan<float> initialState, Span<float> finalState) =>
        Forward(p, x, y, cache);

    /// <summary>The backward of the masked <see cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> (from a zero state): masked steps add nothing.</summary>
    public virtual void Backward(
        ReadOnlySpan<float> p, Span<float> g,
        ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> cache,
        ReadOnlySpan<float> dy, Span<float> dx, Span<float> scratch, ReadOnlySpan<float> mask) =>
        Backward(p, g, x, y, cache, dy, dx, scratch);

    /// <summary><see cref="ForwardBatch(int, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, bool)"/> under <paramref name="mask"/> (<c>n × Steps</c>).</summary>
    public virtual void ForwardBatch(int n, ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> cache, bool training, ReadOnlySpan<float> mask) =>
        ForwardBatch(n, p, x, y, cache, training);

    /// <summary><see cref="BackwardBatch(int, ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/> under <paramref name="mask"/> (<c>n × Steps</c>).</summary>
    public virtual void BackwardBatch(
        int n, ReadOnlySpan<float> p, Span<float> g,
        ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> cache,
        ReadOnlySpan<float> dy, Span<float> dx, Span<float> scratch, ReadOnlySpan<float> mask) =>
        BackwardBatch(n, p, g, x, y, cache, dy, dx, scratch);

    /// <summary><see cref="Step(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float}, int)"/> for a timestep the model's mask keeps or (<paramref name="masked"/>) masks.</summary>
    public virtual void Step(ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> state, Span<float> scratch, int position, bool masked) =>
        Step(p, x, y, state, scratch, position);

    /// <summary>Copies the public state (<see cref="StateSize"/> floats) out of the streaming state <paramref name="streaming"/> (<see cref="StateLength"/> floats).</summary>
    public virtual void ReadState(ReadOnlySpan<float> streaming, Span<float> state)
    {
    }

    /// <summary>Sets the streaming state from the public <paramref name="state"/>; the carried output of a masked step is zero again.</summary>
    public virtual void WriteState(ReadOnlySpan<float> state, Span<float> streaming)
    {
    }
}
