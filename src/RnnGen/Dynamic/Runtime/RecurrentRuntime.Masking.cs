using RnnGen.CompilerServices;

namespace RnnGen.Dynamic.Runtime;

/// <summary>
/// The time loop under a mask and from a given state, per sample and batched (Keras <c>rnn()</c> with a mask).
/// </summary>
/// <remarks>
/// <para>
/// A masked step keeps the state and outputs the last kept step's output: <c>state_s = state_(s-1)</c>,
/// <c>y_s = y_(s-1)</c>, where before the first kept step the output is zero and the state is the initial one (Python
/// Keras). With <see cref="ZeroOutputForMask"/> (inside a Bidirectional returning sequences) a masked step outputs zero.
/// The mask is indexed by input timestep <c>t</c>, so with GoBackwards processed step <c>s</c> reads <c>mask[T - 1 - s]</c>.
/// </para>
/// <para>
/// A masked step's cache block gets the previous block's state slots (<c>h</c>, and <c>c</c> for an LSTM: the first
/// <see cref="StateSize"/> floats, the only ones the next cell reads), or zeros at the first step, so the next kept step
/// reads its state from block <c>s - 1</c> as usual. Backward skips masked steps: the state gradient passes through
/// unchanged and the step adds nothing to the weight or input gradients. Batched, every sample runs the cell and the
/// masked samples' state rows are then replaced by the previous ones; backward holds the masked samples' state-gradient
/// rows aside, runs the cell with them zeroed (the backward is linear in them, so those samples add exactly nothing) and
/// puts them back.
/// </para>
/// </remarks>
internal abstract partial class RecurrentRuntime
{
    /// <summary>Keras <c>zero_output_for_mask</c>: masked steps output zero instead of the last output (set by Bidirectional with return sequences).</summary>
    public bool ZeroOutputForMask { get; set; }

    /// <summary><c>h</c> (SimpleRnn, Gru) or <c>[h, c]</c> (Lstm): the state slots at the start of a step cache block, as wide as its gradient.</summary>
    public override int StateSize => StateGradientLength;

    public override void Forward(
        ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> cache,
        ReadOnlySpan<float> mask, ReadOnlySpan<float> initialState, Span<float> finalState)
    {
        if (mask.IsEmpty && initialState.IsEmpty)
        {
            Forward(p, x, y, cache);
        }
        else
        {
            int sc = StepCacheLength, n = InputWidth, u = Units, width = StateSize;
            bool kept = false; // a step has run: the carried output is h
            for (int s = 0; s < Steps; s++)
            {
                int t = GoBackwards ? Steps - 1 - s : s;
                ReadOnlySpan<float> prev = s == 0 ? initialState : cache.Slice((s - 1) * sc, sc);
                Span<float> cur = cache.Slice(s * sc, sc);
                if (mask.IsEmpty || mask[t] != 0f)
                {
                    CellForward(p, x.Slice(t * n, n), prev, cur);
                    kept = true;
                    if (ReturnSequences) cur[..u].CopyTo(y.Slice(s * u, u));
                    continue;
                }

                // state_s = state_(s-1); y_s = y_(s-1), or zero before any kept step (or always, with zero_output_for_mask)
                if (prev.IsEmpty) cur[..width].Clear();
                else prev[..width].CopyTo(cur);
                if (!ReturnSequences) continue;
                Span<float> row = y.Slice(s * u, u);
                if (ZeroOutputForMask || !kept) row.Clear();
                else y.Slice((s - 1) * u, u).CopyTo(row);
            }

            if (!ReturnSequences)
            {
                if (kept) cache.Slice((Steps - 1) * sc, u).CopyTo(y);
                else y.Clear();
            }
        }

        if (!finalState.IsEmpty) cache.Slice((Steps - 1) * StepCacheLength, StateSize).CopyTo(finalState);
    }

    /// <remarks>On a layer with dropout, the backward of the training forward (<see cref="BackwardDropout"/>).</remarks>
    public override void Backward(
        ReadOnlySpan<float> p, Span<float> g,
        ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> cache,
        ReadOnlySpan<float> dy, Span<float> dx, Span<float> scratch, ReadOnlySpan<float> mask)
    {
        if (HasDropout) BackwardDropout(p, g, x, y, cache, dy, dx, scratch, mask);
        else BackwardUnderMask(p, g, x, y, cache, dy, dx, scratch, mask);
    }

    /// <summary>The backward under <paramref name="mask"/> (empty: the unmasked one), without dropout.</summary>
    private void BackwardUnderMask(
        ReadOnlySpan<float> p, Span<float> g,
        ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> cache,
        ReadOnlySpan<float> dy, Span<float> dx, Span<float> scratch, ReadOnlySpan<float> mask)
    {
        if (mask.IsEmpty)
        {
            Backward(p, g, x, y, cache, dy, dx, scratch);
            return;
        }

        int sc = StepCacheLength, n = InputWidth, u = Units;
        Span<float> dState = scratch[..StateGradientLength];
        Span<float> cellScratch = scratch.Slice(StateGradientLength, CellScratchLength);
        dState.Clear();
        dx.Clear();
        for (int s = Steps - 1; s >= 0; s--)
        {
            int t = GoBackwards ? Steps - 1 - s : s;
            bool kept = mask[t] != 0f;

            // dh_s = dL/dy_s + (carried from step s + 1); a masked step's output is the last kept step's h (or a constant)
            Span<float> dh = dState[..u];
            if (ReturnSequences)
            {
                if (kept || !ZeroOutputForMask) Add(dh, dy.Slice(s * u, u));
            }
            else if (s == Steps - 1)
            {
                Add(dh, dy);
            }

            if (!kept) continue;
            ReadOnlySpan<float> prev = s == 0 ? default : cache.Slice((s - 1) * sc, sc);
            Span<float> dxt = dx.IsEmpty ? default : dx.Slice(t * n, n);
            CellBackward(p, g, x.Slice(t * n, n), prev, cache.Slice(s * sc, sc), dState, dxt, cellScratch);
        }
    }

    public override void ForwardBatch(int n, ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> cache, bool training, ReadOnlySpan<float> mask)
    {
        if (mask.IsEmpty)
        {
            ForwardBatch(n, p, x, y, cache, training);
            return;
        }

        int u = Units, width = InputWidth, stride = InputLength, block = n * StepCacheLength, planes = StateSize / u;
        for (int s = 0; s < Steps; s++)
        {
            int t = GoBackwards ? Steps - 1 - s : s;
            int current = training ? s : s & 1, previous = training ? s - 1 : (s - 1) & 1;
            ReadOnlySpan<float> prev = s == 0 ? default : cache.Slice(previous * block, block);
            Span<float> cur = cache.Slice(current * block, block);
            BatchCellForward(n, p, x[(t * width)..], stride, prev, cur);
            for (int i = 0; i < n; i++)
            {
                bool kept = mask[i * Steps + t] != 0f;
                if (!kept)
                {
                    // The masked sample keeps its state rows (zero before the first step).
                    for (int q = 0; q < planes; q++)
                    {
                        Span<float> row = cur.Slice((q * n + i) * u, u);
                        if (prev.IsEmpty) row.Clear();
                        else prev.Slice((q * n + i) * u, u).CopyTo(row);
                    }
                }

                if (ReturnSequences)
                {
                    // y[i, s, :] = h_s[i, :] (the carried h when masked: the last kept output, or zero before one), or zero
                    Span<float> yRow = y.Slice(i * Steps * u + s * u, u);
                    if (!kept && ZeroOutputForMask) yRow.Clear();
                    else cur.Slice(i * u, u).CopyTo(yRow);
                }
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
        ReadOnlySpan<float> dy, Span<float> dx, Span<float> scratch, ReadOnlySpan<float> mask)
    {
        if (HasDropout) BackwardBatchDropout(n, p, g, x, y, cache, dy, dx, scratch, mask);
        else BackwardBatchUnderMask(n, p, g, x, y, cache, dy, dx, scratch, mask);
    }

    /// <summary>The batched backward under <paramref name="mask"/> (empty: the unmasked one), without dropout.</summary>
    private void BackwardBatchUnderMask(
        int n, ReadOnlySpan<float> p, Span<float> g,
        ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> cache,
        ReadOnlySpan<float> dy, Span<float> dx, Span<float> scratch, ReadOnlySpan<float> mask)
    {
        if (mask.IsEmpty)
        {
            BackwardBatch(n, p, g, x, y, cache, dy, dx, scratch);
            return;
        }

        int u = Units, width = InputWidth, stride = InputLength, block = n * StepCacheLength, planes = StateGradientLength / u;
        Span<float> dState = scratch[..(n * StateGradientLength)];
        Span<float> cellScratch = scratch.Slice(n * StateGradientLength, n * CellScratchLength);
        int transposed = n * (StateGradientLength + CellScratchLength);
        Span<float> kernelT = scratch.Slice(transposed, GateWidth * width);
        Span<float> recurrentT = scratch.Slice(transposed + GateWidth * width, GateWidth * u);
        Span<float> held = scratch.Slice(transposed + GateWidth * (width + u), n * StateGradientLength);

        Kernels.Transpose(width, GateWidth, p[..KernelLength], GateWidth, kernelT, width);
        Kernels.Transpose(u, GateWidth, p.Slice(RecurrentOffset, RecurrentLength), GateWidth, recurrentT, u);
        var weights = new BatchWeights(p, kernelT, recurrentT);
        dState.Clear();
        dx.Clear();
        for (int s = Steps - 1; s >= 0; s--)
        {
            int t = GoBackwards ? Steps - 1 - s : s;
            Span<float> dh = dState[..(n * u)];
            int masked = 0;
            for (int i = 0; i < n; i++)
            {
                bool kept = mask[i * Steps + t] != 0f;
                if (!kept) masked++;
                if (ReturnSequences && (kept || !ZeroOutputForMask)) Add(dh.Slice(i * u, u), dy.Slice(i * Steps * u + s * u, u));
            }

            if (!ReturnSequences && s == Steps - 1) Add(dh, dy[..(n * u)]);
            if (masked == n) continue;

            // Hold the masked samples' state-gradient rows aside: the cell sees zeros for them and they pass through unchanged.
            if (masked > 0) MoveMaskedRows(n, planes, mask, t, dState, held, hold: true);
            ReadOnlySpan<float> prev = s == 0 ? default : cache.Slice((s - 1) * block, block);
            Span<float> dxt = dx.IsEmpty ? default : dx[(t * width)..];
            BatchCellBackward(n, weights, g, x[(t * width)..], stride, prev, cache.Slice(s * block, block), dState, dxt, cellScratch);
            if (masked > 0) MoveMaskedRows(n, planes, mask, t, dState, held, hold: false);
        }
    }

    public override void ReadState(ReadOnlySpan<float> streaming, Span<float> state) => streaming[..StateSize].CopyTo(state);

    public override void WriteState(ReadOnlySpan<float> state, Span<float> streaming)
    {
        state.CopyTo(streaming);
        streaming.Slice(StepCacheLength, Units).Clear();
    }

    /// <summary>
    /// For every sample masked at input step <paramref name="t"/>: moves its rows of the <paramref name="planes"/>
    /// state-gradient planes into <paramref name="held"/> and zeroes them (<paramref name="hold"/>), or moves them back.
    /// </summary>
    private void MoveMaskedRows(int n, int planes, ReadOnlySpan<float> mask, int t, Span<float> dState, Span<float> held, bool hold)
    {
        int u = Units;
        for (int i = 0; i < n; i++)
        {
            if (mask[i * Steps + t] != 0f) continue;
            for (int q = 0; q < planes; q++)
            {
                Span<float> row = dState.Slice((q * n + i) * u, u), keep = held.Slice((q * n + i) * u, u);
                if (hold)
                {
                    row.CopyTo(keep);
                    row.Clear();
                }
                else
                {
                    keep.CopyTo(row);
                }
            }
        }
    }
}
