using RnnGen.CompilerServices;

namespace RnnGen.Dynamic.Runtime;

/// <summary>
/// The time loop shared by the recurrent layers: a cell computes one timestep from the previous one, and this class
/// runs it over the sequence (forwards or backwards), collects the outputs and runs backpropagation through time.
/// </summary>
/// <remarks>
/// The cache holds one <see cref="StepCacheLength"/> block per processed step <c>s</c>, with <c>h_s</c> in its first
/// <see cref="LayerRuntime.Units"/> floats. Step <c>s</c> reads input row <c>t = s</c> (or <c>T - 1 - s</c> when going backwards).
/// Weights: kernel <c>[in, G]</c>, recurrent_kernel <c>[u, G]</c>, then the bias, with <c>G = gates * u</c>.
/// </remarks>
internal abstract partial class RecurrentRuntime : LayerRuntime
{
    protected RecurrentRuntime(RecurrentLayer layer, int steps, int inputWidth, int gates)
        : base(steps, inputWidth, layer.Units, layer.ReturnSequences ? steps : 1)
    {
        Activation = layer.Activation;
        UseBias = layer.UseBias;
        ReturnSequences = layer.ReturnSequences;
        GoBackwards = layer.GoBackwards;
        OutputIsSequence = layer.ReturnSequences;
        GateWidth = gates * layer.Units;
        _inputRate = layer.Dropout;
        _recurrentRate = layer.RecurrentDropout;
    }

    protected Activation Activation { get; }

    protected bool UseBias { get; }

    protected bool ReturnSequences { get; }

    /// <summary><c>G</c>: columns of the kernel and recurrent kernel.</summary>
    protected int GateWidth { get; }

    protected int KernelLength => InputWidth * GateWidth;

    protected int RecurrentOffset => KernelLength;

    protected int RecurrentLength => Units * GateWidth;

    protected int BiasOffset => KernelLength + RecurrentLength;

    /// <summary>Bias rows (GRU with reset_after: 2).</summary>
    protected virtual int BiasRows => 1;

    public override int ParameterCount => BiasOffset + (UseBias ? BiasRows * GateWidth : 0);

    /// <summary>Floats cached per timestep; <c>h</c> first.</summary>
    protected abstract int StepCacheLength { get; }

    /// <summary>Floats of the state gradient carried backwards in time (<c>dh</c>, and <c>dc</c> for LSTM).</summary>
    protected abstract int StateGradientLength { get; }

    /// <summary>Scratch floats a cell needs in its backward.</summary>
    protected abstract int CellScratchLength { get; }

    /// <remarks>The step blocks, then (with dropout) the sample's masks and dropped weights (<see cref="DropoutCacheLength"/>).</remarks>
    public override int CacheLength => Steps * StepCacheLength + DropoutCacheLength;

    /// <remarks>The last step's cache block (the cell reads its state slots), then the carried output of a masked step.</remarks>
    public override int StateLength => StepCacheLength + Units;

    /// <remarks>With dropout, the gradient of the dropped weights comes first (<see cref="DropoutScratchLength"/>).</remarks>
    public override int ScratchLength => DropoutScratchLength + Math.Max(StepCacheLength, StateGradientLength + CellScratchLength);

    public override TensorSpec[] Tensors()
    {
        var kernel = new TensorSpec("kernel", [InputWidth, GateWidth], 0);
        var recurrent = new TensorSpec("recurrent_kernel", [Units, GateWidth], RecurrentOffset);
        if (!UseBias) return [kernel, recurrent];
        int[] biasShape = BiasRows == 1 ? [GateWidth] : [BiasRows, GateWidth];
        return [kernel, recurrent, new TensorSpec("bias", biasShape, BiasOffset)];
    }

    public override void Initialize(Span<float> p, Random random)
    {
        Initializers.GlorotUniform(p[..KernelLength], InputWidth, GateWidth, random);
        Initializers.Orthogonal(p.Slice(RecurrentOffset, RecurrentLength), Units, GateWidth, random);
        Span<float> bias = p[BiasOffset..];
        bias.Clear();
        if (UseBias) InitializeBias(bias);
    }

    /// <summary>Sets non-zero bias defaults (LSTM: forget gate 1).</summary>
    protected virtual void InitializeBias(Span<float> bias)
    {
    }

    public override void Forward(ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> cache)
    {
        int sc = StepCacheLength, n = InputWidth, u = Units;
        for (int s = 0; s < Steps; s++)
        {
            int t = GoBackwards ? Steps - 1 - s : s;
            ReadOnlySpan<float> prev = s == 0 ? default : cache.Slice((s - 1) * sc, sc);
            Span<float> cur = cache.Slice(s * sc, sc);
            CellForward(p, x.Slice(t * n, n), prev, cur);
            if (ReturnSequences) cur[..u].CopyTo(y.Slice(s * u, u));
        }

        if (!ReturnSequences) cache.Slice((Steps - 1) * sc, u).CopyTo(y);
    }

    public override void Backward(
        ReadOnlySpan<float> p, Span<float> g,
        ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> cache,
        ReadOnlySpan<float> dy, Span<float> dx, Span<float> scratch)
    {
        int sc = StepCacheLength, n = InputWidth, u = Units;
        Span<float> dState = scratch[..StateGradientLength];
        Span<float> cellScratch = scratch.Slice(StateGradientLength, CellScratchLength);
        dState.Clear();
        dx.Clear();
        for (int s = Steps - 1; s >= 0; s--)
        {
            // dh_s = dL/dy_s + (carried from step s + 1)
            Span<float> dh = dState[..u];
            if (ReturnSequences) Add(dh, dy.Slice(s * u, u));
            else if (s == Steps - 1) Add(dh, dy);

            int t = GoBackwards ? Steps - 1 - s : s;
            ReadOnlySpan<float> prev = s == 0 ? default : cache.Slice((s - 1) * sc, sc);
            Span<float> dxt = dx.IsEmpty ? default : dx.Slice(t * n, n);
            CellBackward(p, g, x.Slice(t * n, n), prev, cache.Slice(s * sc, sc), dState, dxt, cellScratch);
        }
    }

    public override void Step(ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> state, Span<float> scratch, int position) =>
        Step(p, x, y, state, scratch, position, masked: false);

    /// <remarks>
    /// A zeroed state is h = 0 (and c = 0): the same as the first timestep of Forward. A masked step keeps the state and
    /// repeats the last kept step's output (zero before any).
    /// </remarks>
    public override void Step(ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> state, Span<float> scratch, int position, bool masked)
    {
        int sc = StepCacheLength, u = Units;
        Span<float> block = state[..sc], carried = state.Slice(sc, u);
        if (!masked)
        {
            Span<float> next = scratch[..sc];
            CellForward(p, x, block, next);
            next.CopyTo(block);
            next[..u].CopyTo(carried);
        }

        carried.CopyTo(y);
    }

    /// <summary>
    /// One timestep: fills <paramref name="cur"/> (h first) from input row <paramref name="x"/> and the previous step's
    /// cache <paramref name="prev"/>, which is empty at the first step (state zero).
    /// </summary>
    protected abstract void CellForward(ReadOnlySpan<float> p, ReadOnlySpan<float> x, ReadOnlySpan<float> prev, Span<float> cur);

    /// <summary>
    /// Backward of one timestep. <paramref name="dState"/> holds dL/d(state of <paramref name="cur"/>) and is replaced by
    /// dL/d(state of <paramref name="prev"/>) (left undefined when <paramref name="prev"/> is empty).
    /// Adds weight gradients into <paramref name="g"/> and dL/dx into <paramref name="dx"/> (skipped when empty).
    /// </summary>
    protected abstract void CellBackward(
        ReadOnlySpan<float> p, Span<float> g, ReadOnlySpan<float> x, ReadOnlySpan<float> prev, ReadOnlySpan<float> cur,
        Span<float> dState, Span<float> dx, Span<float> scratch);

    protected static void Add(Span<float> a, ReadOnlySpan<float> b) => System.Numerics.Tensors.TensorPrimitives.Add(a, b, a);
}
