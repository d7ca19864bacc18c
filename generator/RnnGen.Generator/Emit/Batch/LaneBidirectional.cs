using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit.Batch;

/// <summary>
/// A bidirectional layer in the batched tier: the two directions' lane methods, then the same merge as per sample
/// (<c>RnnGen.CompilerServices.Merge</c>) on rows widened to lanes. The layout is <see cref="BidirectionalEmitter"/>'s with
/// every float a lane vector.
/// </summary>
internal sealed class LaneBidirectional : LaneLayer
{
    private readonly BidirectionalEmitter _layer;

    public LaneBidirectional(LayerPlan layer, BidirectionalEmitter perSample, bool inputGradient, int bits, bool masked, bool dropout = false) : base(layer, perSample)
    {
        _layer = perSample;
        InputGradient = inputGradient;
        Bits = bits;
        Masked = masked;
        HasDropout = dropout;
        Forward = For(layer.Forward!, perSample.Forward, inputGradient, bits, masked, dropout);
        Backward = For(layer.Backward!, perSample.Backward, inputGradient, bits, masked, dropout);
    }

    /// <summary>Each direction's own dropout masks: the forward direction's, then the backward direction's (Keras's two layer copies draw apart).</summary>
    private string ForwardDropout => HasDropout ? ", " + Slice("dropout", 0, Layer.Forward!.CellDropoutLength) : "";
    private string BackwardDropout => HasDropout ? ", " + Slice("dropout", Layer.Forward!.CellDropoutLength, Layer.Backward!.CellDropoutLength) : "";

    /// <summary>Keras's <c>zero_output_for_mask</c>: a masked bidirectional layer that returns sequences outputs zeros at masked steps.</summary>
    private bool ZeroOutput => Masked && Layer.Spec.ReturnSequences;

    /// <summary>Where backward keeps dy with the masked steps zeroed, after the rest of its scratch.</summary>
    private int MaskedGradientOffset => 2 * _layer.DirectionOutput + (InputGradient ? _layer.InputLength : 0) + System.Math.Max(Forward.ScratchLength, Backward.ScratchLength);

    public LaneLayer Forward { get; }
    public LaneLayer Backward { get; }

    /// <summary>As per sample: each direction's output gradient, the backward direction's input gradient, then the directions' scratch.</summary>
    public override int ScratchLength => MaskedGradientOffset + (ZeroOutput ? Layer.OutputLength : 0);

    private string Slice(string span, int offset, int length) => $"{span}.Slice({offset} * lanes, {length} * lanes)";

    private string ForwardOutput => Slice("ws", _layer.ForwardWorkspace + _layer.Forward.OutputOffset, _layer.DirectionOutput);
    private string BackwardOutput => Slice("ws", _layer.BackwardWorkspace + _layer.Backward.OutputOffset, _layer.DirectionOutput);

    public override void EmitForward(CodeWriter w)
    {
        w.WriteLine($"// layer {Layer.Index} ({Layer.Name}) forward in lanes: both directions over x, then y = {_layer.Formula}");
        using (w.Block($"private static void {ForwardMethod}({ForwardParameters}{MaskParameter}{DropoutParameter})"))
        {
            w.WriteLine($"const int lanes = {L}.Count;");
            w.WriteLine($"{Forward.ForwardMethod}(p, x, {Slice("ws", _layer.ForwardWorkspace, _layer.Forward.WorkspaceLength)}{MaskArgument}{ForwardDropout});");
            w.WriteLine($"{Backward.ForwardMethod}(p, x, {Slice("ws", _layer.BackwardWorkspace, _layer.Backward.WorkspaceLength)}{MaskArgument}{BackwardDropout});");
            string merged = Slice("ws", _layer.OutputOffset, Layer.OutputLength);
            w.WriteLine(_layer.MergeCall(ForwardOutput, BackwardOutput, merged, " * lanes"));
            if (ZeroOutput) w.WriteLine($"RnnLanes.ZeroMasked({merged}, mask, {T}, {Layer.OutputWidth}, lanes, {merged}); // masked steps output zeros (Keras zero_output_for_mask)");
        }

        w.WriteLine();
        Forward.EmitForward(w);
        w.WriteLine();
        Backward.EmitForward(w);
    }

    public override void EmitBackward(CodeWriter w)
    {
        int db = _layer.DirectionOutput, dx2 = 2 * _layer.DirectionOutput, rest = dx2 + (InputGradient ? _layer.InputLength : 0);
        w.WriteLine($"// layer {Layer.Index} ({Layer.Name}) backward in lanes: dy split by the merge, both directions' BPTT{(InputGradient ? ", dx = dx_forward + dx_backward" : "")}");
        using (w.Block($"private static void {BackwardMethod}({BackwardParameters}{MaskParameter}{DropoutParameter})"))
        {
            w.WriteLine($"const int lanes = {L}.Count;");
            if (ZeroOutput)
            {
                w.WriteLine($"global::System.Span<float> dyMasked = {Slice("scratch", MaskedGradientOffset, Layer.OutputLength)};");
                w.WriteLine($"RnnLanes.ZeroMasked(dy, mask, {T}, {Layer.OutputWidth}, lanes, dyMasked); // the masked steps' zero outputs have no gradient");
            }

            w.WriteLine($"global::System.Span<float> dyForward = {Slice("scratch", 0, _layer.DirectionOutput)};");
            w.WriteLine($"global::System.Span<float> dyBackward = {Slice("scratch", db, _layer.DirectionOutput)};");
            if (InputGradient) w.WriteLine($"global::System.Span<float> dxBackward = {Slice("scratch", dx2, _layer.InputLength)};");
            w.WriteLine(_layer.MergeBackwardCall(ZeroOutput ? "dyMasked" : "dy", ForwardOutput, BackwardOutput, "dyForward", "dyBackward", " * lanes"));
            string rest0 = $"scratch.Slice({rest} * lanes, {System.Math.Max(Forward.ScratchLength, Backward.ScratchLength)} * lanes)";
            w.WriteLine($"{Forward.BackwardMethod}(p, g, x, {Slice("ws", _layer.ForwardWorkspace, _layer.Forward.WorkspaceLength)}, dyForward, dx, {rest0}{MaskArgument}{ForwardDropout});");
            w.WriteLine($"{Backward.BackwardMethod}(p, g, x, {Slice("ws", _layer.BackwardWorkspace, _layer.Backward.WorkspaceLength)}, dyBackward, {(InputGradient ? "dxBackward" : "dx")}, {rest0}{MaskArgument}{BackwardDropout});");
            if (InputGradient) w.WriteLine("global::RnnGen.CompilerServices.Merge.Accumulate(dxBackward, dx);");
        }

        w.WriteLine();
        Forward.EmitBackward(w);
        w.WriteLine();
        Backward.EmitBackward(w);
    }
}
