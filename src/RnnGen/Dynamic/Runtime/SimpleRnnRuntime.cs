using RnnGen.CompilerServices;

namespace RnnGen.Dynamic.Runtime;

/// <summary>SimpleRNN cell: <c>h = act(x K + h_prev R + b)</c>. Step cache: <c>[h]</c>.</summary>
internal sealed partial class SimpleRnnRuntime(SimpleRnnLayer layer, int steps, int inputWidth)
    : RecurrentRuntime(layer, steps, inputWidth, gates: 1)
{
    protected override int StepCacheLength => Units;

    protected override int StateGradientLength => Units;

    protected override int CellScratchLength => Units;

    protected override void CellForward(ReadOnlySpan<float> p, ReadOnlySpan<float> x, ReadOnlySpan<float> prev, Span<float> cur)
    {
        int u = Units;
        Span<float> h = cur[..u];
        if (UseBias) p.Slice(BiasOffset, u).CopyTo(h);
        else h.Clear();
        Kernels.MatVecAdd(x, p[..KernelLength], h);
        if (!prev.IsEmpty) Kernels.MatVecAdd(prev[..u], p.Slice(RecurrentOffset, RecurrentLength), h);
        Kernels.Activate(Activation, h);
    }

    protected override void CellBackward(
        ReadOnlySpan<float> p, Span<float> g, ReadOnlySpan<float> x, ReadOnlySpan<float> prev, ReadOnlySpan<float> cur,
        Span<float> dState, Span<float> dx, Span<float> scratch)
    {
        int u = Units;

        // dz = dh * act'(h)
        Span<float> dz = scratch[..u];
        dState.CopyTo(dz);
        Kernels.ActivationBackward(Activation, cur[..u], dz);

        // dK += x^T dz; dR += h_prev^T dz; db += dz; dx += K dz; dh_prev = R dz
        Kernels.OuterAdd(x, dz, g[..KernelLength]);
        if (UseBias) Add(g.Slice(BiasOffset, u), dz);
        if (!dx.IsEmpty) Kernels.MatTransposeVecAdd(p[..KernelLength], dz, dx);
        if (!prev.IsEmpty)
        {
            ReadOnlySpan<float> r = p.Slice(RecurrentOffset, RecurrentLength);
            Kernels.OuterAdd(prev[..u], dz, g.Slice(RecurrentOffset, RecurrentLength));
            dState.Clear();
            Kernels.MatTransposeVecAdd(r, dz, dState);
        }
    }
}
