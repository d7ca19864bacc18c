using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit.Batch;

/// <summary>Embedding in lanes: each lane's token selects a row (a gather per lane); backward adds dy into the rows (a scatter).</summary>
internal sealed class LaneEmbedding : LaneLayer
{
    public LaneEmbedding(LayerPlan layer, LayerEmitter perSample) : base(layer, perSample) { }

    public override int ScratchLength => 0;

    public override void EmitForward(CodeWriter w)
    {
        w.WriteLine($"// layer {Layer.Index} ({Layer.Name}) forward on a group of token sequences in lanes: each lane's token selects its row");
        using (w.Block($"private static void {ForwardMethod}({ForwardParameters})"))
        {
            EmitGuard(w, ("p", ParameterEnd.ToString()), ("x", $"{T} * lanes"), ("ws", $"{T * U} * lanes"));
            w.WriteLine($"ref float pr = ref {S}.Ref(p);");
            w.WriteLine($"ref float xr = ref {S}.Ref(x);");
            w.WriteLine($"ref float wr = ref {S}.Ref(ws);");
            using (w.Block($"for (int t = 0; t < {T}; t++)"))
            {
                w.WriteLine($"ref float yt = ref {L}.At(ref wr, t * {U});");
                using (w.Block("for (int lane = 0; lane < lanes; lane++)"))
                {
                    w.WriteLine($"ref float row = ref {S}.At(ref pr, {Layer.KernelOffset} + {L}.Token(ref xr, t, lane) * {U});");
                    w.WriteLine($"for (int f = 0; f < {U}; f++) {S}.Store({S}.Load1(ref row, f), ref yt, f * lanes + lane);");
                }
            }
        }
    }

    public override void EmitBackward(CodeWriter w)
    {
        w.WriteLine($"// layer {Layer.Index} ({Layer.Name}) backward on a group in lanes: dy of each lane added into its token's row (token ids have no gradient)");
        using (w.Block($"private static void {BackwardMethod}({BackwardParameters})"))
        {
            EmitGuard(w, ("p", ParameterEnd.ToString()), ("g", ParameterEnd.ToString()), ("x", $"{T} * lanes"), ("dy", $"{T * U} * lanes"));
            w.WriteLine($"ref float gr = ref {S}.Ref(g);");
            w.WriteLine($"ref float xr = ref {S}.Ref(x);");
            w.WriteLine($"ref float dyr = ref {S}.Ref(dy);");
            using (w.Block($"for (int t = 0; t < {T}; t++)"))
            {
                w.WriteLine($"ref float dyt = ref {L}.At(ref dyr, t * {U});");
                using (w.Block("for (int lane = 0; lane < lanes; lane++)"))
                {
                    w.WriteLine($"ref float row = ref {S}.At(ref gr, {Layer.KernelOffset} + {L}.Token(ref xr, t, lane) * {U});");
                    w.WriteLine($"for (int f = 0; f < {U}; f++) {S}.Store({S}.Load1(ref row, f) + {S}.Load1(ref dyt, f * lanes + lane), ref row, f);");
                }
            }
        }
    }
}
