using System.Numerics.Tensors;
using RnnGen.CompilerServices;

namespace RnnGen.Dynamic.Runtime;

/// <summary>
/// Keras <c>dropout</c> and <c>recurrent_dropout</c> in the training passes. A sample's masks are shared by every
/// timestep, so they are rewrites of the time loop's inputs or weights, and the cells run unchanged:
/// <list type="bullet">
/// <item><c>dropout</c> alone (one input mask for every gate): the loop reads <c>x̃ = x ⊙ mx</c>, and the input
/// gradient is multiplied by <c>mx</c> again (<c>dx = (Σ_g da_g K_g^T) ⊙ mx</c>). Batched as without dropout.</item>
/// <item>with <c>recurrent_dropout</c> (one input and one state mask per gate, Keras 3's <c>implementation=1</c>):
/// dropping the inputs of gate <c>g</c>'s kernel columns is scaling the rows of those columns,
/// <c>(x ⊙ mx_g) K_g = x (diag(mx_g) K_g)</c>, and <c>(h ⊙ mh_g) R_g = h (diag(mh_g) R_g)</c>, so the loop runs on the
/// dropped weights <c>K̃</c>, <c>R̃</c>. Its backward gives <c>dx = Σ_g (da_g K_g^T) ⊙ mx_g</c> and
/// <c>dh += Σ_g (da_g R_g^T) ⊙ mh_g</c> directly, and the weight gradient of <c>K̃</c>, <c>R̃</c> summed over the steps,
/// from which <c>dK_g = diag(mx_g) dK̃_g</c>, <c>dR_g = diag(mh_g) dR̃_g</c> (the bias as is). The GRU's <c>z ⊙ h</c>
/// keeps the undropped state, since only the products see the masks. Every sample has its own dropped weights, so the
/// batched members run these samples one by one through the per-sample path.</item>
/// </list>
/// </summary>
/// <remarks>
/// Masks of a sample (<see cref="Dropout"/> streams of this layer): input masks (<c>in</c> floats each,
/// <c>InputPart</c>, index g, or 0 for the shared one), then state masks (<c>u</c> floats each, <c>RecurrentPart</c>,
/// index g); the backward direction of a bidirectional layer uses the backward parts. Per sample the cache holds, after
/// the step blocks, <c>[mx | x̃]</c> or <c>[masks | K̃, R̃, b]</c>, and with dropped weights the backward scratch starts
/// with their gradient. Batched: <c>[step blocks | n masks | n × x̃]</c>, or <c>n</c> per-sample caches.
/// </remarks>
internal abstract partial class RecurrentRuntime
{
    private readonly float _inputRate, _recurrentRate;
    private int _streamLayer;
    private int _inputPart = Dropout.InputPart, _recurrentPart = Dropout.RecurrentPart;

    public override bool HasDropout => _inputRate > 0f || _recurrentRate > 0f;

    private int Gates => GateWidth / Units;

    /// <summary>Input masks per sample: one per gate with recurrent dropout too, else one (0 without input dropout).</summary>
    private int InputMasks => _inputRate == 0f ? 0 : _recurrentRate > 0f ? Gates : 1;

    /// <summary>State masks per sample: one per gate with recurrent dropout.</summary>
    private int RecurrentMasks => _recurrentRate > 0f ? Gates : 0;

    private int MaskLength => InputMasks * InputWidth + RecurrentMasks * Units;

    /// <summary>Whether the training loop runs on dropped weights (recurrent dropout) rather than on a dropped input (dropout alone).</summary>
    private bool DropsWeights => _recurrentRate > 0f;

    /// <summary>After the step blocks of the cache: the sample's masks, then its dropped weights or dropped input (0 without dropout).</summary>
    private int DropoutCacheLength => !HasDropout ? 0 : DropsWeights ? MaskLength + ParameterCount : MaskLength + InputLength;

    /// <summary>The dropped weights' gradient, at the start of the backward scratch (0 unless <see cref="DropsWeights"/>).</summary>
    private int DropoutScratchLength => DropsWeights ? ParameterCount : 0;

    /// <summary>
    /// The batched training cache, as long as <c>n</c> per-sample caches: those, with dropped weights; else the step blocks
    /// of the batch, the <c>n</c> masks and the <c>n</c> dropped inputs.
    /// </summary>
    private int BatchDropoutCacheLength(int n) => n * CacheLength;

    public override void NumberDropout(int layer) => NumberDropout(layer, backwardDirection: false);

    /// <summary>Numbers the streams by <paramref name="layer"/>; the backward direction of a bidirectional layer draws from the backward parts.</summary>
    public void NumberDropout(int layer, bool backwardDirection)
    {
        _streamLayer = layer;
        _inputPart = backwardDirection ? Dropout.BackwardInputPart : Dropout.InputPart;
        _recurrentPart = backwardDirection ? Dropout.BackwardRecurrentPart : Dropout.RecurrentPart;
    }

    /// <summary>Draws the sample's masks, drops the input (<c>x̃ = x ⊙ mx</c>) or the weights, and runs the (masked) time loop on them.</summary>
    public override void ForwardDropout(ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> cache, ReadOnlySpan<float> mask, DropoutDraw draw)
    {
        int blocks = Steps * StepCacheLength;
        Span<float> masks = cache.Slice(blocks, MaskLength);
        DrawMasks(masks, draw);
        if (DropsWeights)
        {
            Span<float> dropped = cache.Slice(blocks + MaskLength, ParameterCount);
            DropWeights(p, masks, dropped);
            Forward(dropped, x, y, cache, mask, default, default);
        }
        else
        {
            Span<float> dropped = cache.Slice(blocks + MaskLength, InputLength);
            MultiplyRows(Steps, x, masks, dropped);
            Forward(p, dropped, y, cache, mask, default, default);
        }
    }

    public override void ForwardBatchDropout(int n, ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> cache, ReadOnlySpan<float> mask, DropoutDraw draw)
    {
        if (!DropsWeights)
        {
            // X̃ = X ⊙ Mx (sample i's mask on each of its rows), then the batched loop on X̃
            int blocks = n * Steps * StepCacheLength, width = InputWidth;
            Span<float> masks = cache.Slice(blocks, n * width), dropped = cache.Slice(blocks + n * width, n * InputLength);
            for (int i = 0; i < n; i++)
            {
                Span<float> m = masks.Slice(i * width, width);
                DrawMasks(m, draw.Sample(i));
                MultiplyRows(Steps, x.Slice(i * InputLength, InputLength), m, dropped.Slice(i * InputLength, InputLength));
            }

            ForwardBatch(n, p, dropped, y, cache[..blocks], true, mask);
            return;
        }

        int cl = CacheLength;
        for (int i = 0; i < n; i++)
        {
            ForwardDropout(
                p, x.Slice(i * InputLength, InputLength), y.Slice(i * OutputLength, OutputLength), cache.Slice(i * cl, cl),
                mask.IsEmpty ? default : mask.Slice(i * Steps, Steps), draw.Sample(i));
        }
    }

    /// <summary>
    /// The backward of <see cref="ForwardDropout"/>: the time loop's backward on the dropped weights, into their gradient
    /// (the scratch's first <see cref="LayerRuntime.ParameterCount"/> floats), then <c>g += diag(m) dW̃</c>.
    /// </summary>
    private void BackwardDropout(
        ReadOnlySpan<float> p, Span<float> g,
        ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> cache,
        ReadOnlySpan<float> dy, Span<float> dx, Span<float> scratch, ReadOnlySpan<float> mask)
    {
        int blocks = Steps * StepCacheLength;
        if (!DropsWeights)
        {
            // the loop's backward from x̃; dx = dx̃ ⊙ mx
            ReadOnlySpan<float> m = cache.Slice(blocks, MaskLength);
            BackwardUnderMask(p, g, cache.Slice(blocks + MaskLength, InputLength), y, cache, dy, dx, scratch, mask);
            if (!dx.IsEmpty) MultiplyRows(Steps, dx, m, dx);
            return;
        }

        ReadOnlySpan<float> masks = cache.Slice(blocks, MaskLength), dropped = cache.Slice(blocks + MaskLength, ParameterCount);
        Span<float> droppedGradient = scratch[..ParameterCount];
        droppedGradient.Clear();
        BackwardUnderMask(dropped, droppedGradient, x, y, cache, dy, dx, scratch[ParameterCount..], mask);
        AddUndroppedGradient(droppedGradient, masks, g);
    }

    /// <summary>
    /// The backward of <see cref="ForwardBatchDropout"/>: the batched backward from <c>X̃</c> and <c>dX = dX̃ ⊙ Mx</c>, or
    /// <see cref="BackwardDropout"/> for each sample in order.
    /// </summary>
    private void BackwardBatchDropout(
        int n, ReadOnlySpan<float> p, Span<float> g,
        ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> cache,
        ReadOnlySpan<float> dy, Span<float> dx, Span<float> scratch, ReadOnlySpan<float> mask)
    {
        if (!DropsWeights)
        {
            int blocks = n * Steps * StepCacheLength, width = InputWidth;
            ReadOnlySpan<float> masks = cache.Slice(blocks, n * width), dropped = cache.Slice(blocks + n * width, n * InputLength);
            BackwardBatchUnderMask(n, p, g, dropped, y, cache[..blocks], dy, dx, scratch, mask);
            for (int i = 0; i < n && !dx.IsEmpty; i++)
            {
                Span<float> rows = dx.Slice(i * InputLength, InputLength);
                MultiplyRows(Steps, rows, masks.Slice(i * width, width), rows);
            }

            return;
        }

        int cl = CacheLength;
        for (int i = 0; i < n; i++)
        {
            BackwardDropout(
                p, g, x.Slice(i * InputLength, InputLength), y.Slice(i * OutputLength, OutputLength), cache.Slice(i * cl, cl),
                dy.Slice(i * OutputLength, OutputLength), dx.IsEmpty ? default : dx.Slice(i * InputLength, InputLength), scratch,
                mask.IsEmpty ? default : mask.Slice(i * Steps, Steps));
        }
    }

    /// <summary><c>y_t = x_t ⊙ m</c> for each of <paramref name="rows"/> rows of <see cref="LayerRuntime.InputWidth"/> values (<paramref name="y"/> may be <paramref name="x"/>).</summary>
    private void MultiplyRows(int rows, ReadOnlySpan<float> x, ReadOnlySpan<float> m, Span<float> y)
    {
        int n = InputWidth;
        for (int t = 0; t < rows; t++) TensorPrimitives.Multiply(x.Slice(t * n, n), m, y.Slice(t * n, n));
    }

    /// <summary>The sample's masks: <c>[mx_0 .. | mh_0 ..]</c>, each a <see cref="Dropout.Fill"/> of its stream.</summary>
    private void DrawMasks(Span<float> masks, DropoutDraw draw)
    {
        int n = InputWidth, u = Units, inputMasks = InputMasks;
        for (int k = 0; k < inputMasks; k++)
        {
            Dropout.Fill(masks.Slice(k * n, n), n, 1, _inputRate, draw.Seed, draw.Sequence, Dropout.Stream(_streamLayer, _inputPart, k));
        }

        for (int k = 0; k < RecurrentMasks; k++)
        {
            Dropout.Fill(masks.Slice(inputMasks * n + k * u, u), u, 1, _recurrentRate, draw.Seed, draw.Sequence, Dropout.Stream(_streamLayer, _recurrentPart, k));
        }
    }

    /// <summary><c>K̃[f, g] = mx_g[f] K[f, g]</c>, <c>R̃[i, g] = mh_g[i] R[i, g]</c> (per gate block), the bias as is.</summary>
    private void DropWeights(ReadOnlySpan<float> p, ReadOnlySpan<float> masks, Span<float> dropped)
    {
        p.CopyTo(dropped);
        int n = InputWidth, u = Units, gw = GateWidth, inputMasks = InputMasks;
        for (int f = 0; f < n && inputMasks > 0; f++)
        {
            Span<float> row = dropped.Slice(f * gw, gw);
            if (inputMasks == 1) TensorPrimitives.Multiply(row, masks[f], row);
            else for (int k = 0; k < inputMasks; k++) TensorPrimitives.Multiply(row.Slice(k * u, u), masks[k * n + f], row.Slice(k * u, u));
        }

        ReadOnlySpan<float> mh = masks[(inputMasks * n)..];
        for (int i = 0; i < u && RecurrentMasks > 0; i++)
        {
            Span<float> row = dropped.Slice(RecurrentOffset + i * gw, gw);
            for (int k = 0; k < RecurrentMasks; k++) TensorPrimitives.Multiply(row.Slice(k * u, u), mh[k * u + i], row.Slice(k * u, u));
        }
    }

    /// <summary><c>dK[f, g] += mx_g[f] dK̃[f, g]</c>, <c>dR[i, g] += mh_g[i] dR̃[i, g]</c>, <c>db += db̃</c>.</summary>
    private void AddUndroppedGradient(ReadOnlySpan<float> droppedGradient, ReadOnlySpan<float> masks, Span<float> g)
    {
        int n = InputWidth, u = Units, gw = GateWidth, inputMasks = InputMasks;
        if (inputMasks == 0) Add(g[..KernelLength], droppedGradient[..KernelLength]);
        for (int f = 0; f < n && inputMasks > 0; f++)
        {
            for (int k = 0; k < Gates; k++)
            {
                float m = masks[(inputMasks == 1 ? 0 : k * n) + f];
                int at = f * gw + k * u;
                if (m != 0f) TensorPrimitives.MultiplyAdd(droppedGradient.Slice(at, u), m, g.Slice(at, u), g.Slice(at, u));
            }
        }

        if (RecurrentMasks == 0) Add(g.Slice(RecurrentOffset, RecurrentLength), droppedGradient.Slice(RecurrentOffset, RecurrentLength));
        ReadOnlySpan<float> mh = masks[(inputMasks * n)..];
        for (int i = 0; i < u && RecurrentMasks > 0; i++)
        {
            for (int k = 0; k < RecurrentMasks; k++)
            {
                float m = mh[k * u + i];
                int at = RecurrentOffset + i * gw + k * u;
                if (m != 0f) TensorPrimitives.MultiplyAdd(droppedGradient.Slice(at, u), m, g.Slice(at, u), g.Slice(at, u));
            }
        }

        if (ParameterCount > BiasOffset) Add(g[BiasOffset..], droppedGradient[BiasOffset..]);
    }
}
