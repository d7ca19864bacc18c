using RnnGen.CompilerServices;

namespace RnnGen.Dynamic.Runtime;

/// <summary>The SimpleRNN cell on a minibatch. Block: <c>[h]</c>, one plane <c>[n, u]</c>.</summary>
internal sealed partial class SimpleRnnRuntime
{
    protected override void BatchCellForward(int n, ReadOnlySpan<float> p, ReadOnlySpan<float> x, int xStride, ReadOnlySpan<float> prev, Span<float> cur)
    {
        // H = act(X K + H_prev R + b)
        Span<float> h = Plane(cur, 0, n);
        BatchInputProjection(n, p, x, xStride, 0, h);
        if (!prev.IsEmpty) BatchRecurrentProduct(n, p, Plane(prev, 0, n), 0, h);
        Kernels.Activate(Activation, h);
    }

    protected override void BatchCellBackward(
        int n, BatchWeights w, Span<float> g, ReadOnlySpan<float> x, int xStride, ReadOnlySpan<float> prev, ReadOnlySpan<float> cur,
        Span<float> dState, Span<float> dx, Span<float> scratch)
    {
        int nu = n * Units;

        // dZ = dH * act'(H)
        Span<float> dz = scratch[..nu];
        dState[..nu].CopyTo(dz);
        Kernels.ActivationBackward(Activation, Plane(cur, 0, n), dz);

        // dK += X^T dZ; db += sum_i dZ; dX += dZ K^T; dR += H_prev^T dZ; dH_prev = dZ R^T
        BatchInputBackward(n, w, g, x, xStride, 0, dz, dx);
        if (!prev.IsEmpty)
        {
            Span<float> dh = dState[..nu];
            dh.Clear();
            BatchRecurrentBackward(n, w, g, Plane(prev, 0, n), 0, dz, dh);
        }
    }
}
