using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit;

/// <summary>
/// Keras <c>Bidirectional</c>: two recurrent layers over the same input, the wrapped one forwards and a copy backwards,
/// whose outputs are merged. It is a composition, not a cell: each direction is emitted by whichever tier its own plan
/// chooses, so every tier (straight-line, loops, vector, and the lanes through <see cref="Batch.LaneBidirectional"/>)
/// gets bidirectional layers from this one place. Workspace: the forward direction's, the backward direction's, then the
/// merged output. Backward: the merge's gradient splits <c>dy</c> into each direction's output gradient, each runs its
/// own BPTT, and the two input gradients are added.
/// </summary>
internal sealed class BidirectionalEmitter : LayerEmitter
{
    public BidirectionalEmitter(LayerPlan layer, LayerEmitter forward, LayerEmitter backward) : base(layer, forward.Loops)
    {
        Forward = forward;
        Backward = backward;
    }

    public LayerEmitter Forward { get; }
    public LayerEmitter Backward { get; }

    /// <summary>Rows of each direction's output: one per timestep for sequences, else one.</summary>
    public int Rows => Layer.Spec.ReturnSequences ? T : 1;

    /// <summary>Floats of one direction's output.</summary>
    public int DirectionOutput => Rows * U;

    public int ForwardWorkspace => 0;
    public int BackwardWorkspace => Forward.WorkspaceLength;
    public override int WorkspaceLength => Forward.WorkspaceLength + Backward.WorkspaceLength + Layer.OutputLength;
    public override int OutputOffset => Forward.WorkspaceLength + Backward.WorkspaceLength;

    /// <summary>Scratch: each direction's output gradient, the backward direction's input gradient, then the directions' own scratch.</summary>
    public override int ScratchLength => 2 * DirectionOutput + InputLength + System.Math.Max(Forward.ScratchLength, Backward.ScratchLength);

    public int InputLength => T * In;
    public override int StateLength => Forward.StateLength + Backward.StateLength;
    public override bool UsesTensorDot => Forward.UsesTensorDot || Backward.UsesTensorDot;

    public string MergeName => Layer.Spec.Merge.ToString();

    public override string Describe() => $"Bidirectional({Forward.Describe()}, {Layer.Spec.Merge.ToString().ToLowerInvariant()})";

    /// <summary><c>Merge.Concat(f, b, y, rows, width)</c> as generated code, for lane width factor <paramref name="lanes"/> (<c>""</c> per sample).</summary>
    public string MergeCall(string f, string b, string y, string lanes) =>
        $"global::RnnGen.CompilerServices.Merge.{MergeName}({f}, {b}, {y}, {Rows}, {U}{lanes});";

    /// <summary>The merge's backward as generated code: <c>dy</c> into each direction's output gradient.</summary>
    public string MergeBackwardCall(string dy, string f, string b, string df, string db, string lanes) =>
        Layer.Spec.Merge == MergeKind.Multiply
            ? $"global::RnnGen.CompilerServices.Merge.MultiplyBackward({dy}, {f}, {b}, {df}, {db}, {Rows}, {U}{lanes});"
            : $"global::RnnGen.CompilerServices.Merge.{MergeName}Backward({dy}, {df}, {db}, {Rows}, {U}{lanes});";

    public override void EmitForward(CodeWriter w)
    {
        w.WriteLine($"// layer {Layer.Index} ({Layer.Name}) forward: both directions over x, then y{(Rows > 1 ? "_t" : "")} = {Formula}{(Rows > 1 ? " (the backward direction's outputs are in processing order)" : "")}");
        using (w.Block($"private static void {ForwardMethod}({ForwardParameters})"))
        {
            w.WriteLine($"{Forward.ForwardMethod}(p, x, ws.Slice({ForwardWorkspace}, {Forward.WorkspaceLength}));");
            w.WriteLine($"{Backward.ForwardMethod}(p, x, ws.Slice({BackwardWorkspace}, {Backward.WorkspaceLength}));");
            w.WriteLine(MergeCall(
                $"ws.Slice({ForwardWorkspace + Forward.OutputOffset}, {DirectionOutput})",
                $"ws.Slice({BackwardWorkspace + Backward.OutputOffset}, {DirectionOutput})",
                $"ws.Slice({OutputOffset}, {Layer.OutputLength})", ""));
        }

        w.WriteLine();
        Forward.EmitForward(w);
        w.WriteLine();
        Backward.EmitForward(w);
    }

    public override void EmitBackward(CodeWriter w)
    {
        int df = 0, db = DirectionOutput, dx2 = 2 * DirectionOutput, rest = dx2 + InputLength;
        w.WriteLine($"// layer {Layer.Index} ({Layer.Name}) backward: dy split by the merge into each direction's output gradient, both directions' BPTT, dx = dx_forward + dx_backward");
        using (w.Block($"private static void {BackwardMethod}({BackwardParameters})"))
        {
            w.WriteLine($"global::System.Span<float> dyForward = scratch.Slice({df}, {DirectionOutput});");
            w.WriteLine($"global::System.Span<float> dyBackward = scratch.Slice({db}, {DirectionOutput});");
            w.WriteLine($"global::System.Span<float> dxBackward = scratch.Slice({dx2}, {InputLength});");
            w.WriteLine(MergeBackwardCall("dy",
                $"ws.Slice({ForwardWorkspace + Forward.OutputOffset}, {DirectionOutput})",
                $"ws.Slice({BackwardWorkspace + Backward.OutputOffset}, {DirectionOutput})",
                "dyForward", "dyBackward", ""));
            w.WriteLine($"{Forward.BackwardMethod}(p, g, x, ws.Slice({ForwardWorkspace}, {Forward.WorkspaceLength}), dyForward, dx, scratch.Slice({rest}));");
            w.WriteLine($"{Backward.BackwardMethod}(p, g, x, ws.Slice({BackwardWorkspace}, {Backward.WorkspaceLength}), dyBackward, dxBackward, scratch.Slice({rest}));");
            w.WriteLine("global::RnnGen.CompilerServices.Merge.Accumulate(dxBackward, dx);");
        }

        w.WriteLine();
        Forward.EmitBackward(w);
        w.WriteLine();
        Backward.EmitBackward(w);
    }

    /// <summary>
    /// Each direction's one-timestep step, which <c>Predict</c> from a given state drives over the sequence; the model's
    /// <c>Step</c> throws for a bidirectional layer (it needs the whole sequence).
    /// </summary>
    public override void EmitStep(CodeWriter w)
    {
        Forward.EmitStep(w);
        w.WriteLine();
        Backward.EmitStep(w);
    }

    /// <summary>The merge as a comment: <c>[f_t, b_(T-1-t)]</c> on sequences, <c>[f, b]</c> on the last states.</summary>
    public string Formula
    {
        get
        {
            string f = Rows > 1 ? "f_t" : "f", b = Rows > 1 ? "b_(T-1-t)" : "b";
            return Layer.Spec.Merge switch
            {
                MergeKind.Concat => $"[{f}, {b}]",
                MergeKind.Sum => $"{f} + {b}",
                MergeKind.Multiply => $"{f} * {b}",
                _ => $"({f} + {b}) / 2",
            };
        }
    }
}
