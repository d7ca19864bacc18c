namespace RnnGen.Dynamic.Runtime;

/// <summary>One weight tensor of a layer, before the model names it: Keras suffix (<c>kernel</c>, ...), shape and offset in the layer.</summary>
internal readonly record struct TensorSpec(string Suffix, int[] Shape, int Offset)
{
    public int Length
    {
        get
        {
            int n = 1;
            foreach (int d in Shape) n *= d;
            return n;
        }
    }
}

/// <summary>
/// A layer bound to its shapes inside one <see cref="Sequential"/>. Stateless: weights, gradients, caches and
/// streaming state are spans handed in by the model, so one runtime serves Predict (per-thread workspace),
/// Forward/Backward (the model's buffers) and Step alike.
/// </summary>
/// <remarks>
/// Every method trusts its spans: <c>p</c> and <c>g</c> are exactly the layer's
/// <see cref="ParameterCount"/> weights; inputs are <see cref="Steps"/> rows of <see cref="InputWidth"/>;
/// outputs are <see cref="OutputRows"/> rows of <see cref="Units"/>.
/// </remarks>
internal abstract partial class LayerRuntime
{
    protected LayerRuntime(int steps, int inputWidth, int units, int outputRows)
    {
        Steps = steps;
        InputWidth = inputWidth;
        Units = units;
        OutputRows = outputRows;
    }

    /// <summary>Input rows: Timesteps for a sequence input, else 1.</summary>
    public int Steps { get; }

    /// <summary>Values per input row (Embedding: 1 token id).</summary>
    public int InputWidth { get; }

    /// <summary>Values per output row.</summary>
    public int Units { get; }

    /// <summary>Output rows: Timesteps when the output is a sequence, else 1.</summary>
    public int OutputRows { get; }

    public int InputLength => Steps * InputWidth;

    public int OutputLength => OutputRows * Units;

    public bool OutputIsSequence { get; protected init; }

    public bool GoBackwards { get; protected init; }

    /// <summary>Whether <see cref="Step(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float}, int)"/> works: not for a layer that needs the whole sequence (GoBackwards, Bidirectional).</summary>
    public virtual bool CanStep => !GoBackwards;

    public abstract int ParameterCount { get; }

    /// <summary>Floats of per-call cache that Forward fills and Backward reads.</summary>
    public abstract int CacheLength { get; }

    /// <summary>Floats of streaming state kept between Step calls (zero after ResetState).</summary>
    public abstract int StateLength { get; }

    /// <summary>Floats of scratch for Backward and Step.</summary>
    public abstract int ScratchLength { get; }

    /// <summary>The weight tensors, in Keras <c>get_weights()</c> order.</summary>
    public abstract TensorSpec[] Tensors();

    /// <summary>Keras default initialization, drawing from <paramref name="random"/> in the generator's order.</summary>
    public abstract void Initialize(Span<float> p, Random random);

    /// <summary>y = layer(x); fills <paramref name="cache"/> for Backward.</summary>
    public abstract void Forward(ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> cache);

    /// <summary>
    /// g += dLoss/dWeights; dx = dLoss/dx (overwritten; skipped when <paramref name="dx"/> is empty),
    /// given dy = dLoss/dy and the x, y, cache of the last Forward.
    /// </summary>
    public abstract void Backward(
        ReadOnlySpan<float> p, Span<float> g,
        ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> cache,
        ReadOnlySpan<float> dy, Span<float> dx, Span<float> scratch);

    /// <summary>Floats of cache <see cref="ForwardBatch(int, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, bool)"/> needs for <paramref name="n"/> samples: everything Backward reads when <paramref name="training"/>, else only the working set.</summary>
    public abstract int BatchCacheLength(int n, bool training);

    /// <summary>Floats of scratch <see cref="BackwardBatch(int, ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/> needs for <paramref name="n"/> samples.</summary>
    public abstract int BatchScratchLength(int n);

    /// <summary>
    /// <see cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/> on <paramref name="n"/> samples at once: <paramref name="x"/> is <c>n × InputLength</c> and
    /// <paramref name="y"/> <c>n × OutputLength</c>, sample after sample. Fills <paramref name="cache"/>
    /// (<see cref="BatchCacheLength"/>) for <see cref="BackwardBatch(int, ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/> when <paramref name="training"/>.
    /// </summary>
    public abstract void ForwardBatch(int n, ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> cache, bool training);

    /// <summary>
    /// <see cref="Backward(ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/> on the <paramref name="n"/> samples of the last training <see cref="ForwardBatch(int, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, bool)"/>:
    /// <c>g += sum_i dLoss_i/dWeights</c>; <c>dx</c> (<c>n × InputLength</c>) is overwritten, or skipped when empty.
    /// </summary>
    public abstract void BackwardBatch(
        int n, ReadOnlySpan<float> p, Span<float> g,
        ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> cache,
        ReadOnlySpan<float> dy, Span<float> dx, Span<float> scratch);

    /// <summary>One timestep: <paramref name="x"/> is one input row, <paramref name="y"/> one output row; <paramref name="state"/> carries over.</summary>
    public abstract void Step(ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> state, Span<float> scratch, int position);
}
