using System.Numerics.Tensors;
using RnnGen.CompilerServices;

namespace RnnGen.Dynamic.Runtime;

/// <summary>Dense on every input row: <c>y_r = act(x_r W + b)</c>. Its cache is its output.</summary>
internal sealed class DenseRuntime : LayerRuntime
{
    private readonly Activation _activation;
    private readonly bool _useBias;

    public DenseRuntime(DenseLayer layer, int steps, int inputWidth, bool inputIsSequence)
        : base(steps, inputWidth, layer.Units, steps)
    {
        _activation = layer.Activation;
        _useBias = layer.UseBias;
        OutputIsSequence = inputIsSequence;
    }

    private int KernelLength => InputWidth * Units;

    public override int ParameterCount => KernelLength + (_useBias ? Units : 0);

    public override int CacheLength => 0;

    public override int StateLength => 0;

    public override int ScratchLength => Units;

    public override TensorSpec[] Tensors() => _useBias
        ? [new("kernel", [InputWidth, Units], 0), new("bias", [Units], KernelLength)]
        : [new("kernel", [InputWidth, Units], 0)];

    public override void Initialize(Span<float> p, Random random)
    {
        Initializers.GlorotUniform(p[..KernelLength], InputWidth, Units, random);
        p[KernelLength..].Clear();
    }

    public override void Forward(ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> cache)
    {
        for (int r = 0; r < Steps; r++)
        {
            Row(p, x.Slice(r * InputWidth, InputWidth), y.Slice(r * Units, Units));
        }
    }

    public override void Backward(
        ReadOnlySpan<float> p, Span<float> g,
        ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> cache,
        ReadOnlySpan<float> dy, Span<float> dx, Span<float> scratch)
    {
        int n = Units, m = InputWidth;
        ReadOnlySpan<float> w = p[..KernelLength];
        Span<float> gw = g[..KernelLength];
        Span<float> dz = scratch[..n];
        for (int r = 0; r < Steps; r++)
        {
            // dz = dy * act'(y); dW += x^T dz; db += dz; dx = W dz
            dy.Slice(r * n, n).CopyTo(dz);
            Kernels.ActivationBackward(_activation, y.Slice(r * n, n), dz);
            Kernels.OuterAdd(x.Slice(r * m, m), dz, gw);
            if (_useBias)
            {
                Span<float> gb = g.Slice(KernelLength, n);
                TensorPrimitives.Add(gb, dz, gb);
            }

            if (!dx.IsEmpty)
            {
                Span<float> dxr = dx.Slice(r * m, m);
                dxr.Clear();
                Kernels.MatTransposeVecAdd(w, dz, dxr);
            }
        }
    }

    public override void Step(ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> state, Span<float> scratch, int position) =>
        Row(p, x, y);

    public override int BatchCacheLength(int n, bool training) => 0;

    /// <remarks><c>dZ</c> for every row, then <c>W^T [units, in]</c>.</remarks>
    public override int BatchScratchLength(int n) => n * Steps * Units + KernelLength;

    public override void ForwardBatch(int n, ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> cache, bool training)
    {
        // Y = act(X W + b) over the n · Steps rows of every sample at once
        int rows = n * Steps, u = Units;
        y = y[..(rows * u)];
        y.Clear();
        if (_useBias) Kernels.AddToRows(rows, p.Slice(KernelLength, u), y, u);
        Kernels.Gemm(rows, u, InputWidth, x, InputWidth, p[..KernelLength], u, y, u);
        if (_activation == Activation.Softmax)
        {
            for (int r = 0; r < rows; r++) Kernels.Softmax(y.Slice(r * u, u));
        }
        else
        {
            Kernels.Activate(_activation, y);
        }
    }

    public override void BackwardBatch(
        int n, ReadOnlySpan<float> p, Span<float> g,
        ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> cache,
        ReadOnlySpan<float> dy, Span<float> dx, Span<float> scratch)
    {
        // dZ = dY * act'(Y); dW += X^T dZ; db += sum_r dZ; dX = dZ W^T
        int rows = n * Steps, u = Units, m = InputWidth;
        Span<float> dz = scratch[..(rows * u)];
        dy[..(rows * u)].CopyTo(dz);
        if (_activation == Activation.Softmax)
        {
            for (int r = 0; r < rows; r++) Kernels.ActivationBackward(_activation, y.Slice(r * u, u), dz.Slice(r * u, u));
        }
        else
        {
            Kernels.ActivationBackward(_activation, y[..(rows * u)], dz);
        }

        Kernels.GemmTransposeA(m, u, rows, x, m, dz, u, g[..KernelLength], u);
        if (_useBias) Kernels.AddRowSums(rows, dz, u, g.Slice(KernelLength, u));
        if (!dx.IsEmpty)
        {
            Span<float> wT = scratch.Slice(rows * u, KernelLength);
            Kernels.Transpose(m, u, p[..KernelLength], u, wT, m);
            dx.Clear();
            Kernels.Gemm(rows, m, u, dz, u, wT, m, dx, m);
        }
    }

    private void Row(ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y)
    {
        if (_useBias) p.Slice(KernelLength, Units).CopyTo(y);
        else y.Clear();
        Kernels.MatVecAdd(x, p[..KernelLength], y);
        Kernels.Activate(_activation, y);
    }
}
