namespace RnnGen.Dynamic.Runtime;

/// <summary>
/// Keras <c>Masking</c>: <c>m_t = any_f(x_t[f] != v)</c>, <c>y_t = x_t m_t</c>; backward <c>dx_t = dy_t m_t</c>. No weights,
/// no cache. Without a mask (never the case inside a model, which always computes one) it is the identity.
/// </summary>
internal sealed class MaskingRuntime : LayerRuntime
{
    private readonly float _maskValue;

    public MaskingRuntime(float maskValue, int steps, int inputWidth)
        : base(steps, inputWidth, inputWidth, steps)
    {
        _maskValue = maskValue;
        OutputIsSequence = true;
    }

    public override int ParameterCount => 0;

    public override int CacheLength => 0;

    public override int StateLength => 0;

    public override int ScratchLength => 0;

    public override bool ComputesMask => true;

    public override TensorSpec[] Tensors() => [];

    public override void Initialize(Span<float> p, Random random)
    {
    }

    /// <summary>A row is kept when some feature differs from the mask value (IEEE <c>!=</c>, as Keras's <c>not_equal</c>: -0 equals 0, NaN differs from everything).</summary>
    public override void ComputeMask(ReadOnlySpan<float> x, int rows, Span<float> mask)
    {
        int f = InputWidth;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = x.Slice(r * f, f);
            float kept = 0f;
            foreach (float v in row)
            {
                if (v != _maskValue)
                {
                    kept = 1f;
                    break;
                }
            }

            mask[r] = kept;
        }
    }

    public override void Forward(ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> cache) => x.CopyTo(y);

    public override void Forward(
        ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> cache,
        ReadOnlySpan<float> mask, ReadOnlySpan<float> initialState, Span<float> finalState) =>
        ApplyMask(Steps, x, mask, y);

    public override void Backward(
        ReadOnlySpan<float> p, Span<float> g,
        ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> cache,
        ReadOnlySpan<float> dy, Span<float> dx, Span<float> scratch)
    {
        if (!dx.IsEmpty) dy.CopyTo(dx);
    }

    public override void Backward(
        ReadOnlySpan<float> p, Span<float> g,
        ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> cache,
        ReadOnlySpan<float> dy, Span<float> dx, Span<float> scratch, ReadOnlySpan<float> mask)
    {
        if (!dx.IsEmpty) ApplyMask(Steps, dy, mask, dx);
    }

    public override int BatchCacheLength(int n, bool training) => 0;

    public override int BatchScratchLength(int n) => 0;

    public override void ForwardBatch(int n, ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> cache, bool training) =>
        x[..(n * InputLength)].CopyTo(y);

    public override void ForwardBatch(int n, ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> cache, bool training, ReadOnlySpan<float> mask) =>
        ApplyMask(n * Steps, x, mask, y);

    public override void BackwardBatch(
        int n, ReadOnlySpan<float> p, Span<float> g,
        ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> cache,
        ReadOnlySpan<float> dy, Span<float> dx, Span<float> scratch)
    {
        if (!dx.IsEmpty) dy[..(n * InputLength)].CopyTo(dx);
    }

    public override void BackwardBatch(
        int n, ReadOnlySpan<float> p, Span<float> g,
        ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> cache,
        ReadOnlySpan<float> dy, Span<float> dx, Span<float> scratch, ReadOnlySpan<float> mask)
    {
        if (!dx.IsEmpty) ApplyMask(n * Steps, dy, mask, dx);
    }

    public override void Step(ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> state, Span<float> scratch, int position) => x.CopyTo(y);

    public override void Step(ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> state, Span<float> scratch, int position, bool masked)
    {
        if (masked) y.Clear();
        else x.CopyTo(y);
    }

    /// <summary><c>y_r = x_r m_r</c> for <paramref name="rows"/> rows (a kept row is copied, a masked one zeroed).</summary>
    private void ApplyMask(int rows, ReadOnlySpan<float> x, ReadOnlySpan<float> mask, Span<float> y)
    {
        if (mask.IsEmpty)
        {
            x[..(rows * InputWidth)].CopyTo(y);
            return;
        }

        int f = InputWidth;
        for (int r = 0; r < rows; r++)
        {
            Span<float> row = y.Slice(r * f, f);
            if (mask[r] != 0f) x.Slice(r * f, f).CopyTo(row);
            else row.Clear();
        }
    }
}
