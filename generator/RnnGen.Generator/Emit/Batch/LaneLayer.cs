using System;
using System.Collections.Generic;
using RnnGen.Generator.Emit.Cells;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit.Batch;

/// <summary>
/// The batched tier of one layer: a group of <c>RnnLanes.Count</c> samples runs through the layer at once, each
/// value of the layer one <c>Vector&lt;float&gt;</c> with a lane per sample. Every buffer has the per-sample layout
/// with each float widened to a lane vector (element <c>k</c> at <c>k * RnnLanes.Count</c>), so the training cache is
/// the one the per-sample passes define. A timestep is a small matrix product: each weight is broadcast once and
/// multiplies the whole group.
/// </summary>
/// <remarks>
/// The products are the runtime's blocked lane kernels (<c>RnnLanes512.Product</c>, <c>ProductTransposed</c>, <c>Outer</c>,
/// <c>SumSteps</c>) called with the layer's constant shapes; the element-wise cell is emitted here.
/// Methods (<c>x</c>, <c>ws</c>, <c>dy</c>, <c>dx</c>, <c>scratch</c> in lanes; <c>p</c> and <c>g</c> as in
/// <see cref="LayerEmitter"/>):
/// <code>
/// ForwardLanes(ReadOnlySpan&lt;float&gt; p, ReadOnlySpan&lt;float&gt; x, Span&lt;float&gt; ws)
/// BackwardLanes(ReadOnlySpan&lt;float&gt; p, Span&lt;float&gt; g, ReadOnlySpan&lt;float&gt; x, ReadOnlySpan&lt;float&gt; ws, ReadOnlySpan&lt;float&gt; dy, Span&lt;float&gt; dx, Span&lt;float&gt; scratch)
/// </code>
/// </remarks>
internal abstract class LaneLayer
{
    /// <summary>Bits of this variant's vectors: 512, 256 or 128 (16, 8 or 4 samples per group).</summary>
    public int Bits { get; init; } = 512;

    /// <summary>The runtime's lane math of this width, through the file alias <c>RnnLanes512</c> (and 256, 128).</summary>
    protected string L => "RnnLanes" + Bits;

    /// <summary>The lane vector type of this width, through the file alias <c>RnnVector512</c> (and 256, 128).</summary>
    protected string V => "RnnVector" + Bits;

    /// <summary>The widths emitted, widest first; <c>RnnLanes.Count</c> picks the widest accelerated one at JIT time.</summary>
    public static readonly int[] AllBits = { 512, 256, 128 };

    protected const string S = VectorLowering.S;

    /// <summary>The alias directives every file with batched code carries.</summary>
    public static readonly string[] AliasDirectives =
    {
        "using RnnLanes = global::RnnGen.CompilerServices.Lanes;",
        "using RnnLanes128 = global::RnnGen.CompilerServices.Lanes128;",
        "using RnnLanes256 = global::RnnGen.CompilerServices.Lanes256;",
        "using RnnLanes512 = global::RnnGen.CompilerServices.Lanes512;",
    };

    protected LaneLayer(LayerPlan layer, LayerEmitter perSample)
    {
        Layer = layer;
        PerSample = perSample;
    }

    public LayerPlan Layer { get; }

    /// <summary>The per-sample emitter whose workspace layout the lanes widen.</summary>
    protected LayerEmitter PerSample { get; }

    /// <summary>Whether Backward writes the input gradient (not for the first layer: BackwardBatch has no dInput).</summary>
    public bool InputGradient { get; init; } = true;

    /// <summary>
    /// The forward method: <c>L0_Lstm_ForwardLanes512</c>, or, for the training pass of a layer with dropout,
    /// <c>L0_Lstm_DropoutForwardLanes512</c> (inference keeps the plain one).
    /// </summary>
    public string ForwardMethod => $"{Layer.MethodPrefix}_{(HasDropout ? "Dropout" : "")}ForwardLanes{Bits}";
    public string BackwardMethod => $"{Layer.MethodPrefix}_BackwardLanes{Bits}";

    /// <summary>Lane elements of backward scratch.</summary>
    public abstract int ScratchLength { get; }

    protected int T => Layer.Timesteps;
    protected int U => Layer.Units;
    protected int In => Layer.InputWidth;
    protected int ParameterEnd => Layer.ParameterOffset + Layer.ParameterCount;


    public static LaneLayer For(LayerPlan layer, LayerEmitter perSample, bool inputGradient, int bits, bool masked = false, bool dropout = false)
    {
        dropout &= layer.DropoutLength > 0;
        if (perSample is BidirectionalEmitter bidirectional) return new LaneBidirectional(layer, bidirectional, inputGradient, bits, masked, dropout);
        return layer.Kind switch
        {
            LayerKind.Dense => new LaneDense(layer, perSample) { InputGradient = inputGradient, Bits = bits },
            LayerKind.Embedding => new LaneEmbedding(layer, perSample) { InputGradient = inputGradient, Bits = bits },
            _ => new LaneCell(layer, perSample, dropout) { InputGradient = inputGradient, Bits = bits, Masked = masked },
        };
    }

    /// <summary>
    /// Whether this is the training lowering of a layer with Dropout or RecurrentDropout: its methods then take the
    /// layer's masks (<see cref="LayerPlan.DropoutLength"/> lane elements per sample) after every other argument.
    /// </summary>
    public bool HasDropout { get; protected init; }

    /// <summary>The dropout masks parameter a layer with dropout ends its methods with.</summary>
    protected string DropoutParameter => HasDropout ? ", global::System.ReadOnlySpan<float> dropout" : "";

    /// <summary>
    /// Whether the layer skips masked timesteps: its methods then take the model's mask, one lane vector per input
    /// timestep (1 where the step counts, 0 where it is padding), after their other arguments.
    /// </summary>
    public bool Masked { get; init; }

    /// <summary>The mask parameter a masked layer's methods end with.</summary>
    protected string MaskParameter => Masked ? ", global::System.ReadOnlySpan<float> mask" : "";

    /// <summary>The mask argument a masked layer passes on to its parts.</summary>
    protected string MaskArgument => Masked ? ", mask" : "";

    public abstract void EmitForward(CodeWriter w);
    public abstract void EmitBackward(CodeWriter w);

    protected const string ForwardParameters = "global::System.ReadOnlySpan<float> p, global::System.ReadOnlySpan<float> x, global::System.Span<float> ws";
    protected const string BackwardParameters = "global::System.ReadOnlySpan<float> p, global::System.Span<float> g, global::System.ReadOnlySpan<float> x, global::System.ReadOnlySpan<float> ws, global::System.ReadOnlySpan<float> dy, global::System.Span<float> dx, global::System.Span<float> scratch";

    /// <summary>The slice check every lane method starts with: each span holds what its constant offsets reach.</summary>
    protected void EmitGuard(CodeWriter w, params (string Span, string Length)[] checks)
    {
        w.WriteLine($"const int lanes = {L}.Count;");
        w.WriteLine(LayerEmitter.SliceGuard(checks));
    }

    /// <summary>The backward pass's slice check; the first layer has no input gradient to check.</summary>
    protected void EmitBackwardGuard(CodeWriter w, string input, string outputGradient, string scratch)
    {
        var checks = new List<(string, string)>
        {
            ("p", ParameterEnd.ToString()), ("g", ParameterEnd.ToString()), ("x", input),
            ("ws", $"{PerSample.WorkspaceLength} * lanes"), ("dy", outputGradient), ("scratch", scratch),
        };
        if (InputGradient) checks.Add(("dx", input));
        EmitGuard(w, checks.ToArray());
    }

    protected string Zero => $"{V}.Zero";

    /// <summary><c>offset + expression</c>, or the expression alone for offset 0.</summary>
    protected static string Plus(int offset, string expression) => offset == 0 ? expression : $"{offset} + {expression}";

    /// <summary>A weight broadcast to every lane: <c>RnnLanes.Splat(p[offset])</c> through the ref <paramref name="source"/>.</summary>
    protected string Weight(string source, string offset) => $"{L}.Splat({S}.Load1(ref {source}, {offset}))";

    /// <summary><c>ref RnnSimd.At(ref pr, offset)</c>: the weights at a constant offset, or the ref itself at 0.</summary>
    protected static string Weights(string source, int offset) => offset == 0 ? $"ref {source}" : $"ref {S}.At(ref {source}, {offset})";

    /// <summary><c>ref RnnLanes.At(ref source, index)</c>: a lane element, or the ref itself at 0.</summary>
    protected string LaneAt(string source, string index) => index == "0" ? $"ref {source}" : $"ref {L}.At(ref {source}, {index})";

    /// <summary><c>f(z)</c> per lane: the vector tier's activations (one switch for every vector lowering).</summary>
    protected static string Activate(ActivationKind activation, string z) => VectorLowering.Activate(activation, z);

    /// <summary><c>d · f'(z)</c> per lane, from the output <c>y = f(z)</c>, as the vector tier writes it.</summary>
    protected string Derivative(ActivationKind activation, string y, string d) => VectorLowering.Derivative(activation, y, d, Bits / 32);
}
