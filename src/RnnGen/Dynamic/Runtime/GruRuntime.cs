using System.Numerics.Tensors;
using RnnGen.CompilerServices;

namespace RnnGen.Dynamic.Runtime;

/// <summary>
/// GRU cell, gates z, r, h; <c>h = z h_prev + (1 - z) hh</c>.
/// reset_after: <c>hh = act(x K_h + bi_h + r (h_prev R_h + br_h))</c>, step cache <c>[h, z, r, hh, h_prev R_h + br_h]</c>.
/// reset_before: <c>hh = act(x K_h + (r h_prev) R_h + b_h)</c>, step cache <c>[h, z, r, hh, r h_prev]</c>.
/// </summary>
internal sealed partial class GruRuntime(GruLayer layer, int steps, int inputWidth)
    : RecurrentRuntime(layer, steps, inputWidth, gates: 3)
{
    private readonly bool _resetAfter = layer.ResetAfter;

    /// <summary>σ, the gates' activation (Keras <c>recurrent_activation</c>).</summary>
    private readonly Activation _gate = layer.RecurrentActivation;

    protected override int BiasRows => _resetAfter ? 2 : 1;

    protected override int StepCacheLength => 5 * Units;

    protected override int StateGradientLength => Units;

    protected override int CellScratchLength => 7 * Units;

    protected override void CellForward(ReadOnlySpan<float> p, ReadOnlySpan<float> x, ReadOnlySpan<float> prev, Span<float> cur)
    {
        int u = Units, gw = GateWidth;
        ReadOnlySpan<float> rk = p.Slice(RecurrentOffset, RecurrentLength);
        Span<float> zrh = cur.Slice(u, 3 * u), zr = cur.Slice(u, 2 * u);
        Span<float> h = cur[..u], z = cur.Slice(u, u), r = cur.Slice(2 * u, u), hh = cur.Slice(3 * u, u), extra = cur.Slice(4 * u, u);
        ReadOnlySpan<float> hPrev = prev.IsEmpty ? default : prev[..u];

        // [xz, xr, xh] = x K + b (input bias row)
        if (UseBias) p.Slice(BiasOffset, gw).CopyTo(zrh);
        else zrh.Clear();
        Kernels.MatVecAdd(x, p[..KernelLength], zrh);

        if (_resetAfter)
        {
            // [rz, rr] += h_prev R_zr + br_zr; rh = h_prev R_h + br_h; hh = xh + r rh
            if (UseBias)
            {
                ReadOnlySpan<float> br = p.Slice(BiasOffset + gw, gw);
                Add(zr, br[..(2 * u)]);
                br.Slice(2 * u, u).CopyTo(extra);
            }
            else extra.Clear();

            if (!prev.IsEmpty)
            {
                Kernels.MatVecAdd(hPrev, rk, gw, zr);
                Kernels.MatVecAdd(hPrev, rk[(2 * u)..], gw, extra);
            }

            Kernels.Activate(_gate, zr);
            TensorPrimitives.MultiplyAdd(r, extra, hh, hh);
        }
        else
        {
            // [z, r] = σ(x K_zr + h_prev R_zr + b_zr); hh = xh + (r h_prev) R_h
            if (!prev.IsEmpty) Kernels.MatVecAdd(hPrev, rk, gw, zr);
            Kernels.Activate(_gate, zr);
            if (prev.IsEmpty) extra.Clear();
            else
            {
                TensorPrimitives.Multiply(r, hPrev, extra);
                Kernels.MatVecAdd(extra, rk[(2 * u)..], gw, hh);
            }
        }

        Kernels.Activate(Activation, hh);

        // h = z h_prev + (1 - z) hh = hh + z (h_prev - hh)
        if (prev.IsEmpty)
        {
            TensorPrimitives.Multiply(z, hh, h);
            TensorPrimitives.Subtract(hh, h, h);
        }
        else
        {
            TensorPrimitives.Subtract(hPrev, hh, h);
            TensorPrimitives.MultiplyAdd(h, z, hh, h);
        }
    }

    protected override void CellBackward(
        ReadOnlySpan<float> p, Span<float> g, ReadOnlySpan<float> x, ReadOnlySpan<float> prev, ReadOnlySpan<float> cur,
        Span<float> dState, Span<float> dx, Span<float> scratch)
    {
        int u = Units, gw = GateWidth;
        ReadOnlySpan<float> rk = p.Slice(RecurrentOffset, RecurrentLength);
        Span<float> grk = g.Slice(RecurrentOffset, RecurrentLength);
        ReadOnlySpan<float> z = cur.Slice(u, u), r = cur.Slice(2 * u, u), hh = cur.Slice(3 * u, u), extra = cur.Slice(4 * u, u);
        ReadOnlySpan<float> hPrev = prev.IsEmpty ? default : prev[..u];
        Span<float> dh = dState;

        // da = [da_z, da_r, da_h]: the gradient of the input-side pre-activations (x K + bi).
        Span<float> da = scratch[..(3 * u)], daz = da[..u], dar = da.Slice(u, u), dah = da.Slice(2 * u, u);
        Span<float> daRec = scratch.Slice(3 * u, 3 * u), tmp = scratch.Slice(6 * u, u);

        // da_h = dh (1 - z) act'(hh)
        TensorPrimitives.Multiply(dh, z, tmp);
        TensorPrimitives.Subtract(dh, tmp, dah);
        Kernels.ActivationBackward(Activation, hh, dah);

        // da_z = dh (h_prev - hh) σ'(z)
        if (prev.IsEmpty) TensorPrimitives.Negate(hh, daz);
        else TensorPrimitives.Subtract(hPrev, hh, daz);
        TensorPrimitives.Multiply(daz, dh, daz);
        Kernels.ActivationBackward(_gate, z, daz);

        if (_resetAfter)
        {
            // d(rh) = da_h r; da_r = da_h rh σ'(r); the recurrent side sees [da_z, da_r, da_h r]
            TensorPrimitives.Multiply(dah, extra, dar);
            Kernels.ActivationBackward(_gate, r, dar);
            da[..(2 * u)].CopyTo(daRec);
            TensorPrimitives.Multiply(dah, r, daRec.Slice(2 * u, u));

            Kernels.OuterAdd(x, da, g[..KernelLength]);
            if (UseBias)
            {
                Add(g.Slice(BiasOffset, gw), da);
                Add(g.Slice(BiasOffset + gw, gw), daRec);
            }

            if (!dx.IsEmpty) Kernels.MatTransposeVecAdd(p[..KernelLength], da, dx);
            if (!prev.IsEmpty)
            {
                // dR += h_prev^T daRec; dh_prev = dh z + R daRec
                Kernels.OuterAdd(hPrev, daRec, grk);
                TensorPrimitives.Multiply(dh, z, dh);
                Kernels.MatTransposeVecAdd(rk, daRec, dh);
            }
        }
        else
        {
            // d(r h_prev) = R_h da_h (in tmp); da_r = d(r h_prev) h_prev σ'(r)
            if (prev.IsEmpty)
            {
                dar.Clear();
            }
            else
            {
                tmp.Clear();
                Kernels.MatTransposeVecAdd(rk[(2 * u)..], gw, dah, tmp);
                TensorPrimitives.Multiply(tmp, hPrev, dar);
                Kernels.ActivationBackward(_gate, r, dar);
            }

            Kernels.OuterAdd(x, da, g[..KernelLength]);
            if (UseBias) Add(g.Slice(BiasOffset, gw), da);
            if (!dx.IsEmpty) Kernels.MatTransposeVecAdd(p[..KernelLength], da, dx);
            if (!prev.IsEmpty)
            {
                // dR_zr += h_prev^T [da_z, da_r]; dR_h += (r h_prev)^T da_h; dh_prev = dh z + d(r h_prev) r + R_zr [da_z, da_r]
                Kernels.OuterAdd(hPrev, da[..(2 * u)], gw, grk);
                Kernels.OuterAdd(extra, dah, gw, grk[(2 * u)..]);
                TensorPrimitives.Multiply(dh, z, dh);
                TensorPrimitives.MultiplyAdd(tmp, r, dh, dh);
                Kernels.MatTransposeVecAdd(rk, gw, da[..(2 * u)], dh);
            }
        }
    }
}
