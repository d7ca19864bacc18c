using System;
using System.Collections.Generic;

namespace RnnGen.Generator.Model;

/// <summary>
/// Shapes, offsets and costs derived from a <see cref="ModelSpec"/>: where each layer's weights live in
/// <c>Parameters</c>, what each layer reads and writes, and how much arithmetic one pass costs.
/// </summary>
internal sealed class LayerPlan
{
    public LayerPlan(int index, LayerSpec spec, string name, int inputWidth, bool inputIsSequence, int timesteps, int offset,
        string? wrappedName = null, string? direction = null)
    {
        Index = index;
        Spec = spec;
        Name = name;
        InputWidth = inputWidth;
        InputIsSequence = inputIsSequence;
        Timesteps = timesteps;
        Direction = direction;

        if (spec.Bidirectional)
        {
            // Keras Bidirectional: the wrapped layer forwards, a copy with go_backwards flipped backwards, weights in that order.
            LayerSpec one = spec with { Bidirectional = false };
            string inner = wrappedName ?? ModelPlan.KerasName(spec.Kind);
            Forward = new LayerPlan(index, one, "forward_" + inner, inputWidth, inputIsSequence, timesteps, offset, direction: "Fw");
            Backward = new LayerPlan(index, one with { GoBackwards = !spec.GoBackwards }, "backward_" + inner, inputWidth, inputIsSequence, timesteps,
                offset + Forward.ParameterCount, direction: "Bw");
            KernelOffset = Forward.KernelOffset;
            ParameterOffset = offset;
            ParameterCount = Forward.ParameterCount + Backward.ParameterCount;
            return;
        }

        int u = spec.Units;
        int gates = Gates;
        switch (spec.Kind)
        {
            case LayerKind.Embedding:
                KernelOffset = offset;
                KernelLength = spec.InputDim * u;
                break;
            case LayerKind.Dense:
                KernelOffset = offset;
                KernelLength = inputWidth * u;
                BiasOffset = offset + KernelLength;
                BiasLength = spec.UseBias ? u : 0;
                break;
            default:
                KernelOffset = offset;
                KernelLength = inputWidth * gates * u;
                RecurrentOffset = offset + KernelLength;
                RecurrentLength = u * gates * u;
                BiasOffset = RecurrentOffset + RecurrentLength;
                BiasLength = !spec.UseBias ? 0 : spec.Kind == LayerKind.Gru && spec.ResetAfter ? 2 * gates * u : gates * u;
                break;
        }

        ParameterOffset = offset;
        ParameterCount = KernelLength + RecurrentLength + BiasLength;
    }

    public int Index { get; }
    public LayerSpec Spec { get; }
    public LayerKind Kind => Spec.Kind;
    public int Units => Spec.Units;

    /// <summary>Keras layer name: <c>simple_rnn</c>, <c>dense_1</c>, ...</summary>
    public string Name { get; }

    /// <summary>Width of one input vector (features per timestep).</summary>
    public int InputWidth { get; }

    /// <summary>Whether the input is a sequence of <see cref="Timesteps"/> vectors.</summary>
    public bool InputIsSequence { get; }

    public int Timesteps { get; }

    /// <summary>For one direction of a bidirectional layer: <c>Fw</c> or <c>Bw</c> (part of its method names); otherwise null.</summary>
    public string? Direction { get; }

    /// <summary>A bidirectional layer's forward direction (the wrapped layer), or null.</summary>
    public LayerPlan? Forward { get; }

    /// <summary>A bidirectional layer's backward direction (GoBackwards flipped), or null.</summary>
    public LayerPlan? Backward { get; }

    public bool IsBidirectional => Forward is not null;

    /// <summary>The plans that own weights: the two directions of a bidirectional layer, else the layer itself.</summary>
    public LayerPlan[] Cells => Forward is not null ? new[] { Forward, Backward! } : new[] { this };

    /// <summary>Start of the layer's generated method names: <c>L1_Lstm</c>, <c>L1_Lstm_Fw</c> for a direction, <c>L1_Bidirectional</c>.</summary>
    public string MethodPrefix => IsBidirectional ? $"L{Index}_Bidirectional" : Direction is null ? $"L{Index}_{Kind}" : $"L{Index}_{Kind}_{Direction}";

    /// <summary>Width of the output per timestep as the next layer reads it (a concatenated bidirectional layer: twice the units).</summary>
    public int OutputWidth => Spec.OutputWidth;

    public bool IsRecurrent => Kind is LayerKind.SimpleRnn or LayerKind.Lstm or LayerKind.Gru;

    /// <summary>Gate blocks in the kernel: 1 (SimpleRnn), 4 (Lstm: i, f, c, o), 3 (Gru: z, r, h).</summary>
    public int Gates => Kind switch { LayerKind.Lstm => 4, LayerKind.Gru => 3, _ => 1 };

    /// <summary>Whether the layer's output is a sequence: recurrent with ReturnSequences, or Embedding / Dense on a sequence.</summary>
    public bool OutputIsSequence => IsRecurrent ? Spec.ReturnSequences : InputIsSequence || Kind == LayerKind.Embedding;

    /// <summary>Length of the layer output as the next layer sees it.</summary>
    public int OutputLength => OutputIsSequence ? Timesteps * OutputWidth : OutputWidth;

    public int ParameterOffset { get; }
    public int ParameterCount { get; }
    public int KernelOffset { get; }
    public int KernelLength { get; }
    public int RecurrentOffset { get; }
    public int RecurrentLength { get; }
    public int BiasOffset { get; }
    public int BiasLength { get; }
    public bool HasBias => BiasLength > 0;

    /// <summary>
    /// Input dropout masks of one direction in training: none; one for every gate (Keras 3 <c>implementation=2</c>, the
    /// default); or, with recurrent dropout (which makes Keras 3 use <c>implementation=1</c>), one per gate.
    /// </summary>
    public int InputDropoutMasks => !IsRecurrent || Spec.Dropout <= 0f ? 0 : Spec.RecurrentDropout > 0f ? Gates : 1;

    /// <summary>Recurrent dropout masks of one direction in training: one per gate (Keras 3 <c>implementation=1</c>), or none.</summary>
    public int RecurrentDropoutMasks => IsRecurrent && Spec.RecurrentDropout > 0f ? Gates : 0;

    /// <summary>Floats of one direction's dropout masks per sample: its input masks, then its recurrent masks.</summary>
    public int CellDropoutLength => InputDropoutMasks * InputWidth + RecurrentDropoutMasks * Units;

    /// <summary>Floats of the whole layer's cell dropout masks per sample (both directions of a bidirectional layer).</summary>
    public int DropoutLength => IsBidirectional ? Forward!.CellDropoutLength + Backward!.CellDropoutLength : CellDropoutLength;

    /// <summary>Multiply-adds for one timestep (one application for Dense).</summary>
    public int MacsPerStep => Kind switch
    {
        LayerKind.Embedding => 0,
        LayerKind.Dense => InputWidth * Units,
        _ => Spec.Directions * Gates * Units * (InputWidth + Units),
    };

    /// <summary>Multiply-adds for one forward pass of this layer.</summary>
    public long ForwardMacs => (long)MacsPerStep * (IsRecurrent || InputIsSequence ? Timesteps : 1);
}

internal sealed class ModelPlan
{
    /// <summary>
    /// Auto unrolls while one forward pass needs at most this many multiply-adds. Measured (docs/benchmarks.md,
    /// CrossoverBenchmarks): straight-line scalar code wins below ~500 (SimpleRnn(2) x 20 steps: 2x faster than the
    /// vectorized loops) and loses from ~1,000 on (SimpleRnn(4) x 20: 1.5x slower; 8+ units: 5-25x slower).
    /// </summary>
    public const int UnrollMacLimit = 512;

    /// <summary>
    /// Terms per generated method (about 12 bytes of IL each). RyuJIT optimizes methods of ~2,000 such
    /// statements and falls back to MinOpts near 4,000, so straight-line code is chunked to this budget.
    /// </summary>
    public const int MethodTermBudget = 2400;

    public ModelPlan(ModelSpec spec)
    {
        Spec = spec;
        var layers = new List<LayerPlan>();
        var counters = new Dictionary<string, int>();
        int width = spec.Features;
        bool sequence = true;
        int offset = 0;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            LayerSpec layer = spec.Layers[i];
            string Next(string baseName)
            {
                counters.TryGetValue(baseName, out int n);
                counters[baseName] = n + 1;
                return n == 0 ? baseName : baseName + "_" + n;
            }

            // Keras names the wrapped layer first (it is created before its Bidirectional wrapper).
            string name = Next(KerasName(layer.Kind));
            string? wrapped = null;
            if (layer.Bidirectional)
            {
                wrapped = name;
                name = Next("bidirectional");
            }

            var plan = new LayerPlan(i, layer, name, layer.Kind == LayerKind.Embedding ? 1 : width, sequence, spec.Timesteps, offset, wrapped);
            layers.Add(plan);
            offset += plan.ParameterCount;
            width = layer.OutputWidth;
            sequence = plan.OutputIsSequence;
        }

        Layers = layers;
        ParameterCount = offset;
    }

    public ModelSpec Spec { get; }
    public IReadOnlyList<LayerPlan> Layers { get; }
    public int ParameterCount { get; }
    public int Timesteps => Spec.Timesteps;
    public int Features => Spec.Features;
    public bool HasEmbedding => Layers.Count > 0 && Layers[0].Kind == LayerKind.Embedding;
    public int InputSize => HasEmbedding ? Timesteps : Timesteps * Features;
    public LayerPlan Last => Layers[Layers.Count - 1];
    public int OutputSize => Last.OutputLength;
    public int StepOutputSize => Last.OutputWidth;
    public bool HasGoBackwards
    {
        get
        {
            foreach (LayerPlan layer in Layers)
            {
                if (layer.IsRecurrent && (layer.Spec.GoBackwards || layer.IsBidirectional)) return true;
            }

            return false;
        }
    }

    public long ForwardMacs
    {
        get
        {
            long total = 0;
            foreach (LayerPlan layer in Layers) total += layer.ForwardMacs;
            return total;
        }
    }

    public int MaxMacsPerStep
    {
        get
        {
            int max = 0;
            foreach (LayerPlan layer in Layers) max = Math.Max(max, layer.MacsPerStep);
            return max;
        }
    }

    /// <summary>
    /// The vector tier keeps a recurrent layer's gate accumulators in registers: up to this many kernel columns
    /// (gates x units) it is chosen over the constant-bound loops (16 Vector512 or 32 Vector256 accumulators).
    /// </summary>
    public const int VectorColumnLimit = 256;

    /// <summary>
    /// Whether recurrent layer <paramref name="layer"/> is emitted by the vector tier: when forced, or under Auto when
    /// its gate columns fit in registers and it has at least one 4-lane chunk (a cell of 1-3 units is all scalar lanes,
    /// where straight-line code is as fast and smaller; measured in docs/benchmarks.md).
    /// </summary>
    public bool UsesVectorTier(LayerPlan layer) => layer.IsBidirectional ? UsesVectorTier(layer.Forward!) :
        layer.IsRecurrent && (Spec.Unroll == UnrollKind.Vector
            || (Spec.Unroll == UnrollKind.Auto && layer.Gates * layer.Units <= VectorColumnLimit && (layer.Units >= 4 || !AutoUnrolls)));

    /// <summary>
    /// Whether Dense or Embedding layer <paramref name="layer"/> is emitted by the vector tier: in a model whose recurrent
    /// layers are (the file then carries the vector aliases), when forced, or under Auto where it measured faster than the
    /// loops' kernel calls and the straight-line code (docs/benchmarks.md).
    /// </summary>
    public bool UsesVectorFeedForward(LayerPlan layer) =>
        !layer.IsRecurrent && HasVectorTier && (Spec.Unroll == UnrollKind.Vector || (Spec.Unroll == UnrollKind.Auto && AutoVectorFeedForward(layer)));

    /// <summary>
    /// Auto's choice beside vector-tier layers: every Embedding (its forward is the same row copy, its scatter-add backward
    /// ties or wins), every Dense of one unit over 4+ inputs (a dot product in vector chunks), and every Dense but a small
    /// one of 2-3 units on the last state, which is all scalar lanes and stays straight-line. Measured faster than the
    /// kernel calls (1.1-2x) and than straight-line code from 4 units, or one (docs/benchmarks.md).
    /// </summary>
    private static bool AutoVectorFeedForward(LayerPlan layer) =>
        layer.Kind == LayerKind.Embedding || layer.InputIsSequence || layer.Units >= 4 || (layer.Units == 1 && layer.InputWidth >= 4)
        || layer.MacsPerStep > SmallDenseMacs;

    /// <summary>Multiply-adds up to which a Dense of 2-3 units (or one over 1-3 inputs) on the last state stays straight-line beside vector-tier layers.</summary>
    public const int SmallDenseMacs = 256;

    /// <summary>Whether any layer is emitted by the vector tier.</summary>
    public bool HasVectorTier
    {
        get
        {
            foreach (LayerPlan layer in Layers)
            {
                if (UsesVectorTier(layer)) return true;
            }

            return false;
        }
    }

    /// <summary>Whether <see cref="UnrollKind.Auto"/> would choose straight-line code.</summary>
    public bool AutoUnrolls => ForwardMacs <= UnrollMacLimit && 2 * MaxMacsPerStep <= MethodTermBudget;

    public static string KerasName(LayerKind kind) => kind switch
    {
        LayerKind.SimpleRnn => "simple_rnn",
        LayerKind.Lstm => "lstm",
        LayerKind.Gru => "gru",
        LayerKind.Dense => "dense",
        _ => "embedding",
    };
}
