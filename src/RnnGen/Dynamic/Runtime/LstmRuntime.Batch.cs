using System.Numerics.Tensors;
using RnnGen.CompilerServices;

namespace RnnGen.Dynamic.Runtime;

/// <summary>
/// The LSTM cell on a minibatch. Block planes <c>[h, c, act(c), i, f, g, o]</c>, each <c>[n, u]</c>: gate <c>k</c>'s
/// pre-activation, then activation, is plane <c>3 + k</c>. State gradient planes <c>[dh, dc]</c>.
/// </summary>
internal sealed partial class LstmRuntime
{
    private const int FirstGatePlane = 3;

    protected override void BatchCellForward(int n, ReadOnlySpan<float> p, ReadOnlySpan<float> x, int xStride, ReadOnlySpan<float> prev, Span<float> cur)
    {
        // A_k = X K_k + H_prev R_k + b_k for the gates i, f, c, o
        for (int k = 0; k < 4; k++)
        {
            Span<float> a = Plane(cur, FirstGatePlane + k, n);
            BatchInputProjection(n, p, x, xStride, k, a);
            if (!prev.IsEmpty) BatchRecurrentProduct(n, p, Plane(prev, 0, n), k, a);
        }

        int nu = n * Units;
        Span<float> ifGates = cur.Slice(FirstGatePlane * nu, 2 * nu);
        Span<float> i = Plane(cur, 3, n), f = Plane(cur, 4, n), gg = Plane(cur, 5, n), o = Plane(cur, 6, n);
        Kernels.Activate(_gate, ifGates);
        Kernels.Activate(Activation, gg);
        Kernels.Activate(_gate, o);

        // C = F C_prev + I G; H = O act(C)
        Span<float> h = Plane(cur, 0, n), c = Plane(cur, 1, n), tc = Plane(cur, 2, n);
        TensorPrimitives.Multiply(i, gg, c);
        if (!prev.IsEmpty) TensorPrimitives.MultiplyAdd(f, Plane(prev, 1, n), c, c);
        c.CopyTo(tc);
        Kernels.Activate(Activation, tc);
        TensorPrimitives.Multiply(o, tc, h);
    }

    protected override void BatchCellBackward(
        int n, BatchWeights w, Span<float> g, ReadOnlySpan<float> x, int xStride, ReadOnlySpan<float> prev, ReadOnlySpan<float> cur,
        Span<float> dState, Span<float> dx, Span<float> scratch)
    {
        int nu = n * Units;
        ReadOnlySpan<float> tc = Plane(cur, 2, n);
        ReadOnlySpan<float> i = Plane(cur, 3, n), f = Plane(cur, 4, n), gg = Plane(cur, 5, n), o = Plane(cur, 6, n);
        Span<float> dh = dState[..nu], dc = dState.Slice(nu, nu);
        Span<float> dai = Plane(scratch, 0, n), daf = Plane(scratch, 1, n), dag = Plane(scratch, 2, n), dao = Plane(scratch, 3, n);
        Span<float> tmp = Plane(scratch, 4, n);

        // dC += dH O act'(C)
        TensorPrimitives.Multiply(dh, o, tmp);
        Kernels.ActivationBackward(Activation, tc, tmp);
        TensorPrimitives.Add(dc, tmp, dc);

        // dA_o = dH act(C) σ'; dA_i = dC G σ'; dA_c = dC I act'(G); dA_f = dC C_prev σ'
        TensorPrimitives.Multiply(dh, tc, dao);
        Kernels.ActivationBackward(_gate, o, dao);
        TensorPrimitives.Multiply(dc, gg, dai);
        Kernels.ActivationBackward(_gate, i, dai);
        TensorPrimitives.Multiply(dc, i, dag);
        Kernels.ActivationBackward(Activation, gg, dag);
        if (prev.IsEmpty) daf.Clear();
        else
        {
            TensorPrimitives.Multiply(dc, Plane(prev, 1, n), daf);
            Kernels.ActivationBackward(_gate, f, daf);
        }

        // dK += X^T dA; db += sum_i dA; dX += dA K^T, per gate
        for (int k = 0; k < 4; k++) BatchInputBackward(n, w, g, x, xStride, k, Plane(scratch, k, n), dx);

        if (!prev.IsEmpty)
        {
            // dR += H_prev^T dA; dC_prev = dC F; dH_prev = dA R^T
            TensorPrimitives.Multiply(dc, f, dc);
            dh.Clear();
            ReadOnlySpan<float> hPrev = Plane(prev, 0, n);
            for (int k = 0; k < 4; k++) BatchRecurrentBackward(n, w, g, hPrev, k, Plane(scratch, k, n), dh);
        }
    }
}
