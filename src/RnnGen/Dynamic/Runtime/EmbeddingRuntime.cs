using System.Numerics.Tensors;
using RnnGen.CompilerServices;

namespace RnnGen.Dynamic.Runtime;

/// <summary>Embedding lookup: <c>y_t = E[id_t]</c>; <c>dE[id_t] += dy_t</c>. Ids are not differentiable: dx = 0.</summary>
internal sealed class EmbeddingRuntime : LayerRuntime
{
    private readonly int _inputDim;
    private readonly bool _maskZero;

    public EmbeddingRuntime(EmbeddingLayer layer, int steps)
        : base(steps, 1, layer.OutputDim, steps)
    {
        _inputDim = layer.InputDim;
        _maskZero = layer.MaskZero;
        OutputIsSequence = true;
    }

    public override int ParameterCount => _inputDim * Units;

    public override int CacheLength => 0;

    public override int StateLength => 0;

    public override int ScratchLength => 0;

    public override bool ComputesMask => _maskZero;

    /// <summary>Keras <c>mask_zero</c>: <c>m_t = (id_t != 0)</c>.</summary>
    public override void ComputeMask(ReadOnlySpan<float> x, int rows, Span<float> mask)
    {
        for (int r = 0; r < rows; r++) mask[r] = x[r] != 0f ? 1f : 0f;
    }

    public override TensorSpec[] Tensors() => [new("embeddings", [_inputDim, Units], 0)];

    public override void Initialize(Span<float> p, Random random) => Initializers.Uniform(p, 0.05f, random);

    public override void Forward(ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> cache)
    {
        for (int t = 0; t < Steps; t++)
        {
            int id = TokenId(x[t], t, "input");
            p.Slice(id * Units, Units).CopyTo(y.Slice(t * Units, Units));
        }
    }

    public override void Backward(
        ReadOnlySpan<float> p, Span<float> g,
        ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> cache,
        ReadOnlySpan<float> dy, Span<float> dx, Span<float> scratch)
    {
        for (int t = 0; t < Steps; t++)
        {
            Span<float> row = g.Slice((int)x[t] * Units, Units);
            TensorPrimitives.Add(row, dy.Slice(t * Units, Units), row);
        }

        dx.Clear();
    }

    public override void Step(ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> state, Span<float> scratch, int position)
    {
        int id = TokenId(x[0], position, "x");
        p.Slice(id * Units, Units).CopyTo(y);
    }

    public override int BatchCacheLength(int n, bool training) => 0;

    public override int BatchScratchLength(int n) => 0;

    public override void ForwardBatch(int n, ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> cache, bool training)
    {
        // Y[r] = E[id_r] for the n · Steps ids
        int u = Units;
        for (int r = 0; r < n * Steps; r++)
        {
            int id = TokenId(x[r], r, "inputs");
            p.Slice(id * u, u).CopyTo(y.Slice(r * u, u));
        }
    }

    public override void BackwardBatch(
        int n, ReadOnlySpan<float> p, Span<float> g,
        ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> cache,
        ReadOnlySpan<float> dy, Span<float> dx, Span<float> scratch)
    {
        // dE[id_r] += dY[r]
        int u = Units;
        for (int r = 0; r < n * Steps; r++)
        {
            Span<float> row = g.Slice((int)x[r] * u, u);
            TensorPrimitives.Add(row, dy.Slice(r * u, u), row);
        }

        dx.Clear();
    }

    private int TokenId(float value, int position, string paramName)
    {
        // Rejects NaN, fractions and ids outside [0, inputDim).
        if (!(value >= 0f && value < _inputDim) || value != MathF.Truncate(value))
        {
            Guard.ThrowTokenOutOfRange(paramName, position, value, _inputDim);
        }

        return (int)value;
    }
}
