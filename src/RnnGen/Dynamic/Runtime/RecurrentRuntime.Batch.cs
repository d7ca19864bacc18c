using RnnGen.CompilerServices;

namespace RnnGen.Dynamic.Runtime;

/// <summary>
/// The batched time loop: every timestep runs the <c>n</c> samples of a minibatch at once, so each gate's products become
/// small matrix–matrix products (<c>X_t [n, in] · K_g</c>, <c>H_(t-1) [n, u] · R_g</c>) and the cell is element-wise over
/// whole planes.
/// </summary>
/// <remarks>
/// Batch cache layout: one block per processed step <c>s</c>, of <c>n · StepCacheLength</c> floats. A block holds the same
/// quantities as the per-sample step cache, each widened to a plane <c>[n, u]</c> (sample-major, row stride <c>u</c>):
/// plane <c>q</c> of step <c>s</c> at <c>(s · StepCacheLength / u + q) · n · u</c>. Plane 0 is <c>h</c>. Without training only
/// two blocks are kept (steps alternate between them). The input of step <c>s</c> is timestep <c>t</c> of every sample:
/// rows <c>x[i · InputLength + t · in]</c>, row stride <c>InputLength</c>.
/// </remarks>
internal abstract partial class RecurrentRuntime
{
    /// <remarks>Training with dropout adds the masks (<see cref="BatchDropoutCacheLength"/>).</remarks>
    public override int BatchCacheLength(int n, bool training) =>
        training && HasDropout ? BatchDropoutCacheLength(n) : (training ? Steps : Math.Min(Steps, 2)) * n * StepCacheLength;

    /// <remarks>
    /// The state gradient and cell planes, then the transposed kernel <c>K^T [G, in]</c> and recurrent kernel <c>R^T [G, u]</c>,
    /// then (masked backward) the state gradient rows of the masked samples, held while the cell runs.
    /// </remarks>
    public override int BatchScratchLength(int n) =>
        DropsWeights ? ScratchLength : n * (2 * StateGradientLength + CellScratchLength) + GateWidth * (InputWidth + Units);

    public override void ForwardBatch(int n, ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> cache, bool training)
    {
        int u = Units, width = InputWidth, stride = InputLength, block = n * StepCacheLength;
        for (int s = 0; s < Steps; s++)
        {
            int t = GoBackwards ? Steps - 1 - s : s;
            int current = training ? s : s & 1, previous = training ? s - 1 : (s - 1) & 1;
            ReadOnlySpan<float> prev = s == 0 ? default : cache.Slice(previous * block, block);
            Span<float> cur = cache.Slice(current * block, block);
            BatchCellForward(n, p, x[(t * width)..], stride, prev, cur);
            if (ReturnSequences)
            {
                // y[i, s, :] = h_s[i, :]
                for (int i = 0; i < n; i++) cur.Slice(i * u, u).CopyTo(y.Slice(i * Steps * u + s * u, u));
            }
        }

        if (!ReturnSequences)
        {
            int last = training ? Steps - 1 : (Steps - 1) & 1;
            cache.Slice(last * block, n * u).CopyTo(y);
        }
    }

    public override void BackwardBatch(
        int n, ReadOnlySpan<float> p, Span<float> g,
        ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> cache,
        ReadOnlySpan<float> dy, Span<float> dx, Span<float> scratch)
    {
        int u = Units, width = InputWidth, stride = InputLength, block = n * StepCacheLength;
        Span<float> dState = scratch[..(n * StateGradientLength)];
        Span<float> cellScratch = scratch.Slice(n * StateGradientLength, n * CellScratchLength);
        int transposed = n * (StateGradientLength + CellScratchLength);
        Span<float> kernelT = scratch.Slice(transposed, GateWidth * width);
        Span<float> recurrentT = scratch.Slice(transposed + GateWidth * width, GateWidth * u);

        // dX += dA K^T and dH += dA R^T become plain products with the transposes, made once per call.
        Kernels.Transpose(width, GateWidth, p[..KernelLength], GateWidth, kernelT, width);
        Kernels.Transpose(u, GateWidth, p.Slice(RecurrentOffset, RecurrentLength), GateWidth, recurrentT, u);
        var weights = new BatchWeights(p, kernelT, recurrentT);
        dState.Clear();
        dx.Clear();
        for (int s = Steps - 1; s >= 0; s--)
        {
            // dh_s = dL/dy_s + (carried from step s + 1), for every sample
            Span<float> dh = dState[..(n * u)];
            if (ReturnSequences)
            {
                for (int i = 0; i < n; i++) Add(dh.Slice(i * u, u), dy.Slice(i * Steps * u + s * u, u));
            }
            else if (s == Steps - 1)
            {
                Add(dh, dy[..(n * u)]);
            }

            int t = GoBackwards ? Steps - 1 - s : s;
            ReadOnlySpan<float> prev = s == 0 ? default : cache.Slice((s - 1) * block, block);
            Span<float> dxt = dx.IsEmpty ? default : dx[(t * width)..];
            BatchCellBackward(n, weights, g, x[(t * width)..], stride, prev, cache.Slice(s * block, block), dState, dxt, cellScratch);
        }
    }

    /// <summary>
    /// One timestep of <paramref name="n"/> samples: fills the planes of <paramref name="cur"/> from the input rows
    /// <c>x[i · xStride ..]</c> and the previous step's block <paramref name="prev"/>, which is empty at the first step (state zero).
    /// </summary>
    protected abstract void BatchCellForward(int n, ReadOnlySpan<float> p, ReadOnlySpan<float> x, int xStride, ReadOnlySpan<float> prev, Span<float> cur);

    /// <summary>
    /// Backward of one timestep of <paramref name="n"/> samples. <paramref name="dState"/> holds the state-gradient planes of
    /// <paramref name="cur"/> and is replaced by those of <paramref name="prev"/> (undefined when <paramref name="prev"/> is
    /// empty). Adds the weight gradients summed over the samples into <paramref name="g"/>, and dL/dx into the rows
    /// <c>dx[i · xStride ..]</c> (skipped when empty).
    /// </summary>
    protected abstract void BatchCellBackward(
        int n, BatchWeights w, Span<float> g, ReadOnlySpan<float> x, int xStride, ReadOnlySpan<float> prev, ReadOnlySpan<float> cur,
        Span<float> dState, Span<float> dx, Span<float> scratch);

    /// <summary>Plane <paramref name="q"/> (<c>[n, u]</c>) of a batch block.</summary>
    protected Span<float> Plane(Span<float> block, int q, int n) => block.Slice(q * n * Units, n * Units);

    /// <inheritdoc cref="Plane(Span{float}, int, int)"/>
    protected ReadOnlySpan<float> Plane(ReadOnlySpan<float> block, int q, int n) => block.Slice(q * n * Units, n * Units);

    /// <summary><c>a = b_g + X K_g</c> for gate <paramref name="gate"/>, bias from bias row 0 (overwrites <paramref name="a"/>).</summary>
    protected void BatchInputProjection(int n, ReadOnlySpan<float> p, ReadOnlySpan<float> x, int xStride, int gate, Span<float> a)
    {
        int u = Units;
        a.Clear();
        if (UseBias) Kernels.AddToRows(n, p.Slice(BiasOffset + gate * u, u), a, u);
        Kernels.Gemm(n, u, InputWidth, x, xStride, p[(gate * u)..KernelLength], GateWidth, a, u);
    }

    /// <summary><c>a += H R_g</c> for gate <paramref name="gate"/>, <paramref name="h"/> a plane <c>[n, u]</c>.</summary>
    protected void BatchRecurrentProduct(int n, ReadOnlySpan<float> p, ReadOnlySpan<float> h, int gate, Span<float> a) =>
        Kernels.Gemm(n, Units, Units, h, Units, p.Slice(RecurrentOffset + gate * Units, RecurrentLength - gate * Units), GateWidth, a, Units);

    /// <summary>
    /// The backward of gate <paramref name="gate"/>'s input side for the plane <paramref name="da"/> = dL/da_g:
    /// <c>dK_g += X^T da</c>, <c>db_g += sum_i da[i]</c> (bias row <paramref name="biasRow"/>), <c>dX += da K_g^T</c> (when <paramref name="dx"/> is not empty).
    /// </summary>
    protected void BatchInputBackward(
        int n, BatchWeights w, Span<float> g, ReadOnlySpan<float> x, int xStride, int gate, ReadOnlySpan<float> da, Span<float> dx, int biasRow = 0)
    {
        int u = Units, width = InputWidth;
        Kernels.GemmTransposeA(width, u, n, x, xStride, da, u, g[(gate * u)..KernelLength], GateWidth);
        if (UseBias) BatchBiasBackward(n, g, gate, da, biasRow);
        if (!dx.IsEmpty) Kernels.Gemm(n, width, u, da, u, w.KernelT.Slice(gate * u * width, u * width), width, dx, xStride);
    }

    /// <summary><c>db[row, g] += sum_i da[i]</c>.</summary>
    protected void BatchBiasBackward(int n, Span<float> g, int gate, ReadOnlySpan<float> da, int biasRow) =>
        Kernels.AddRowSums(n, da, Units, g.Slice(BiasOffset + biasRow * GateWidth + gate * Units, Units));

    /// <summary>
    /// The backward of gate <paramref name="gate"/>'s recurrent product <c>H R_g</c>: <c>dR_g += H^T da</c>, and
    /// <c>dH += da R_g^T</c> (when <paramref name="dh"/> is not empty).
    /// </summary>
    protected void BatchRecurrentBackward(int n, BatchWeights w, Span<float> g, ReadOnlySpan<float> h, int gate, ReadOnlySpan<float> da, Span<float> dh)
    {
        int u = Units;
        Kernels.GemmTransposeA(u, u, n, h, u, da, u, g.Slice(RecurrentOffset + gate * u, RecurrentLength - gate * u), GateWidth);
        if (!dh.IsEmpty) BatchRecurrentInputGradient(n, w, gate, da, dh);
    }

    /// <summary><c>dH += da R_g^T</c> for gate <paramref name="gate"/>.</summary>
    protected void BatchRecurrentInputGradient(int n, BatchWeights w, int gate, ReadOnlySpan<float> da, Span<float> dh)
    {
        int u = Units;
        Kernels.Gemm(n, u, u, da, u, w.RecurrentT.Slice(gate * u * u, u * u), u, dh, u);
    }

    /// <summary>The weights as the batched backward reads them: the layer's parameters and the transposes of its two kernels.</summary>
    /// <param name="P">The layer's parameters.</param>
    /// <param name="KernelT"><c>K^T [G, in]</c>: rows <c>g u .. (g + 1) u</c> are gate <c>g</c>'s <c>K_g^T</c>.</param>
    /// <param name="RecurrentT"><c>R^T [G, u]</c>: rows <c>g u .. (g + 1) u</c> are gate <c>g</c>'s <c>R_g^T</c>.</param>
    protected readonly ref struct BatchWeights(ReadOnlySpan<float> P, ReadOnlySpan<float> KernelT, ReadOnlySpan<float> RecurrentT)
    {
        public ReadOnlySpan<float> P { get; } = P;

        public ReadOnlySpan<float> KernelT { get; } = KernelT;

        public ReadOnlySpan<float> RecurrentT { get; } = RecurrentT;
    }
}
