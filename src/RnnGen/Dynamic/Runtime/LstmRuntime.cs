using System.Numerics.Tensors;
using RnnGen.CompilerServices;

namespace RnnGen.Dynamic.Runtime;

/// <summary>
/// LSTM cell, gates i, f, c, o: <c>a = x K + h_prev R + b</c>; <c>i = σ(a_i)</c>, <c>f = σ(a_f)</c>, <c>g = act(a_c)</c>,
/// <c>o = σ(a_o)</c>; <c>c = f c_prev + i g</c>; <c>h = o act(c)</c>.
/// Step cache: <c>[h, c, act(c), i, f, g, o]</c> (7u). State gradient: <c>[dh, dc]</c>.
/// </summary>
internal sealed partial class LstmRuntime(LstmLayer layer, int steps, int inputWidth)
    : RecurrentRuntime(layer, steps, inputWidth, gates: 4)
{
    /// <summary>σ, the gates' activation (Keras <c>recurrent_activation</c>).</summary>
    private readonly Activation _gate = layer.RecurrentActivation;

    protected override int StepCacheLength => 7 * Units;

    protected override int StateGradientLength => 2 * Units;

    protected override int CellScratchLength => 5 * Units;

    protected override void InitializeBias(Span<float> bias) => bias.Slice(Units, Units).Fill(1f);

    protected override void CellForward(ReadOnlySpan<float> p, ReadOnlySpan<float> x, ReadOnlySpan<float> prev, Span<float> cur)
    {
        int u = Units;
        Span<float> a = cur.Slice(3 * u, 4 * u);
        if (UseBias) p.Slice(BiasOffset, 4 * u).CopyTo(a);
        else a.Clear();
        Kernels.MatVecAdd(x, p[..KernelLength], a);
        if (!prev.IsEmpty) Kernels.MatVecAdd(prev[..u], p.Slice(RecurrentOffset, RecurrentLength), a);

        Span<float> ifGates = a[..(2 * u)], i = a[..u], f = a.Slice(u, u), g = a.Slice(2 * u, u), o = a.Slice(3 * u, u);
        Kernels.Activate(_gate, ifGates);
        Kernels.Activate(Activation, g);
        Kernels.Activate(_gate, o);

        // c = f c_prev + i g; h = o act(c)
        Span<float> h = cur[..u], c = cur.Slice(u, u), tc = cur.Slice(2 * u, u);
        TensorPrimitives.Multiply(i, g, c);
        if (!prev.IsEmpty) TensorPrimitives.MultiplyAdd(f, prev.Slice(u, u), c, c);
        c.CopyTo(tc);
        Kernels.Activate(Activation, tc);
        TensorPrimitives.Multiply(o, tc, h);
    }

    protected override void CellBackward(
        ReadOnlySpan<float> p, Span<float> g, ReadOnlySpan<float> x, ReadOnlySpan<float> prev, ReadOnlySpan<float> cur,
        Span<float> dState, Span<float> dx, Span<float> scratch)
    {
        int u = Units;
        ReadOnlySpan<float> tc = cur.Slice(2 * u, u);
        ReadOnlySpan<float> i = cur.Slice(3 * u, u), f = cur.Slice(4 * u, u), gg = cur.Slice(5 * u, u), o = cur.Slice(6 * u, u);
        Span<float> dh = dState[..u], dc = dState.Slice(u, u);
        Span<float> da = scratch[..(4 * u)], tmp = scratch.Slice(4 * u, u);
        Span<float> dai = da[..u], daf = da.Slice(u, u), dag = da.Slice(2 * u, u), dao = da.Slice(3 * u, u);

        // dc += dh * o * act'(c)
        TensorPrimitives.Multiply(dh, o, tmp);
        Kernels.ActivationBackward(Activation, tc, tmp);
        TensorPrimitives.Add(dc, tmp, dc);

        // da_o = dh act(c) σ'; da_i = dc g σ'; da_c = dc i act'(g); da_f = dc c_prev σ'
        TensorPrimitives.Multiply(dh, tc, dao);
        Kernels.ActivationBackward(_gate, o, dao);
        TensorPrimitives.Multiply(dc, gg, dai);
        Kernels.ActivationBackward(_gate, i, dai);
        TensorPrimitives.Multiply(dc, i, dag);
        Kernels.ActivationBackward(Activation, gg, dag);
        if (prev.IsEmpty) daf.Clear();
        else
        {
            TensorPrimitives.Multiply(dc, prev.Slice(u, u), daf);
            Kernels.ActivationBackward(_gate, f, daf);
        }

        // dK += x^T da; dR += h_prev^T da; db += da; dx += K da
        Kernels.OuterAdd(x, da, g[..KernelLength]);
        if (UseBias) Add(g.Slice(BiasOffset, 4 * u), da);
        if (!dx.IsEmpty) Kernels.MatTransposeVecAdd(p[..KernelLength], da, dx);
        if (!prev.IsEmpty)
        {
            // dc_prev = dc f; dh_prev = R da
            Kernels.OuterAdd(prev[..u], da, g.Slice(RecurrentOffset, RecurrentLength));
            TensorPrimitives.Multiply(dc, f, dc);
            dh.Clear();
            Kernels.MatTransposeVecAdd(p.Slice(RecurrentOffset, RecurrentLength), da, dh);
        }
    }
}
