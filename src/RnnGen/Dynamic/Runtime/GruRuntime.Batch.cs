using System.Numerics.Tensors;
using RnnGen.CompilerServices;

namespace RnnGen.Dynamic.Runtime;

/// <summary>
/// The GRU cell on a minibatch. Block planes <c>[h, z, r, hh, extra]</c>, each <c>[n, u]</c> (gate <c>k</c> of z, r, h is
/// plane <c>1 + k</c>); <c>extra</c> is <c>H_prev R_h + br_h</c> (reset_after) or <c>R ∘ H_prev</c> (reset_before).
/// Backward scratch planes: <c>[da_z, da_r, da_h, daRec_z, daRec_r, daRec_h, tmp]</c>.
/// </summary>
internal sealed partial class GruRuntime
{
    protected override void BatchCellForward(int n, ReadOnlySpan<float> p, ReadOnlySpan<float> x, int xStride, ReadOnlySpan<float> prev, Span<float> cur)
    {
        int u = Units, nu = n * u, gw = GateWidth;
        Span<float> h = Plane(cur, 0, n), z = Plane(cur, 1, n), r = Plane(cur, 2, n), hh = Plane(cur, 3, n), extra = Plane(cur, 4, n);
        Span<float> zr = cur.Slice(nu, 2 * nu);
        ReadOnlySpan<float> hPrev = prev.IsEmpty ? default : Plane(prev, 0, n);

        // [XZ, XR, XH] = X K + b (input bias row)
        for (int k = 0; k < 3; k++) BatchInputProjection(n, p, x, xStride, k, Plane(cur, 1 + k, n));

        if (_resetAfter)
        {
            // [Z, R] += H_prev R_zr + br_zr; EXTRA = H_prev R_h + br_h; HH = XH + R EXTRA
            extra.Clear();
            if (UseBias)
            {
                ReadOnlySpan<float> br = p.Slice(BiasOffset + gw, gw);
                Kernels.AddToRows(n, br[..u], z, u);
                Kernels.AddToRows(n, br.Slice(u, u), r, u);
                Kernels.AddToRows(n, br.Slice(2 * u, u), extra, u);
            }

            if (!prev.IsEmpty)
            {
                BatchRecurrentProduct(n, p, hPrev, 0, z);
                BatchRecurrentProduct(n, p, hPrev, 1, r);
                BatchRecurrentProduct(n, p, hPrev, 2, extra);
            }

            Kernels.Activate(_gate, zr);
            TensorPrimitives.MultiplyAdd(r, extra, hh, hh);
        }
        else
        {
            // [Z, R] = σ(X K_zr + H_prev R_zr + b_zr); HH = XH + (R H_prev) R_h
            if (!prev.IsEmpty)
            {
                BatchRecurrentProduct(n, p, hPrev, 0, z);
                BatchRecurrentProduct(n, p, hPrev, 1, r);
            }

            Kernels.Activate(_gate, zr);
            if (prev.IsEmpty) extra.Clear();
            else
            {
                TensorPrimitives.Multiply(r, hPrev, extra);
                BatchRecurrentProduct(n, p, extra, 2, hh);
            }
        }

        Kernels.Activate(Activation, hh);

        // H = Z H_prev + (1 - Z) HH = HH + Z (H_prev - HH)
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

    protected override void BatchCellBackward(
        int n, BatchWeights w, Span<float> g, ReadOnlySpan<float> x, int xStride, ReadOnlySpan<float> prev, ReadOnlySpan<float> cur,
        Span<float> dState, Span<float> dx, Span<float> scratch)
    {
        int nu = n * Units;
        ReadOnlySpan<float> z = Plane(cur, 1, n), r = Plane(cur, 2, n), hh = Plane(cur, 3, n), extra = Plane(cur, 4, n);
        ReadOnlySpan<float> hPrev = prev.IsEmpty ? default : Plane(prev, 0, n);
        Span<float> dh = dState[..nu];

        // dA = [dA_z, dA_r, dA_h]: the gradient of the input-side pre-activations (X K + bi).
        Span<float> daz = Plane(scratch, 0, n), dar = Plane(scratch, 1, n), dah = Plane(scratch, 2, n);
        Span<float> tmp = Plane(scratch, 6, n);

        // dA_h = dH (1 - Z) act'(HH)
        TensorPrimitives.Multiply(dh, z, tmp);
        TensorPrimitives.Subtract(dh, tmp, dah);
        Kernels.ActivationBackward(Activation, hh, dah);

        // dA_z = dH (H_prev - HH) σ'(Z)
        if (prev.IsEmpty) TensorPrimitives.Negate(hh, daz);
        else TensorPrimitives.Subtract(hPrev, hh, daz);
        TensorPrimitives.Multiply(daz, dh, daz);
        Kernels.ActivationBackward(_gate, z, daz);

        if (_resetAfter)
        {
            // d(EXTRA) = dA_h R; dA_r = dA_h EXTRA σ'(R); the recurrent side sees [dA_z, dA_r, dA_h R]
            TensorPrimitives.Multiply(dah, extra, dar);
            Kernels.ActivationBackward(_gate, r, dar);
            Span<float> darh = Plane(scratch, 5, n);
            TensorPrimitives.Multiply(dah, r, darh);

            for (int k = 0; k < 3; k++) BatchInputBackward(n, w, g, x, xStride, k, Plane(scratch, k, n), dx);
            if (UseBias)
            {
                BatchBiasBackward(n, g, 0, daz, 1);
                BatchBiasBackward(n, g, 1, dar, 1);
                BatchBiasBackward(n, g, 2, darh, 1);
            }

            if (!prev.IsEmpty)
            {
                // dR += H_prev^T dA_rec; dH_prev = dH Z + dA_rec R^T
                TensorPrimitives.Multiply(dh, z, dh);
                BatchRecurrentBackward(n, w, g, hPrev, 0, daz, dh);
                BatchRecurrentBackward(n, w, g, hPrev, 1, dar, dh);
                BatchRecurrentBackward(n, w, g, hPrev, 2, darh, dh);
            }
        }
        else
        {
            // d(R H_prev) = dA_h R_h^T (in TMP); dA_r = d(R H_prev) H_prev σ'(R)
            if (prev.IsEmpty)
            {
                dar.Clear();
            }
            else
            {
                tmp.Clear();
                BatchRecurrentInputGradient(n, w, 2, dah, tmp);
                TensorPrimitives.Multiply(tmp, hPrev, dar);
                Kernels.ActivationBackward(_gate, r, dar);
            }

            for (int k = 0; k < 3; k++) BatchInputBackward(n, w, g, x, xStride, k, Plane(scratch, k, n), dx);
            if (!prev.IsEmpty)
            {
                // dR_zr += H_prev^T [dA_z, dA_r]; dR_h += (R H_prev)^T dA_h; dH_prev = dH Z + d(R H_prev) R + [dA_z, dA_r] R_zr^T
                TensorPrimitives.Multiply(dh, z, dh);
                TensorPrimitives.MultiplyAdd(tmp, r, dh, dh);
                BatchRecurrentBackward(n, w, g, hPrev, 0, daz, dh);
                BatchRecurrentBackward(n, w, g, hPrev, 1, dar, dh);
                BatchRecurrentBackward(n, w, g, extra, 2, dah, default);
            }
        }
    }
}
