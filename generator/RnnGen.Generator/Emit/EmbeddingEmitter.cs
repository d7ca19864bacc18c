using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit;

/// <summary>
/// Embedding: <c>y_t = E[id_t]</c>, a row of the <c>[inputDim, outputDim]</c> table per timestep. Ids were checked by the
/// public entry point. Backward: <c>dE[id_t] += dy_t</c>; token ids have no gradient.
/// </summary>
internal sealed class EmbeddingEmitter : LayerEmitter
{
    public EmbeddingEmitter(LayerPlan layer, bool loops) : base(layer, loops) { }

    private int Vocabulary => Layer.Spec.InputDim;

    public override int WorkspaceLength => T * U;
    public override int OutputOffset => 0;
    public override int ScratchLength => 0;

    public override string Describe() => $"Embedding({Vocabulary}, {U})";

    public override void EmitForward(CodeWriter w)
    {
        w.WriteLine($"// layer {Layer.Index} ({Layer.Name}) forward: y_t = E[id_t], E = p[{K}..{K + Vocabulary * U}) as [{Vocabulary}, {U}]");
        using (w.Block($"private static void {ForwardMethod}({ForwardParameters})"))
        {
            if (Loops)
            {
                w.WriteLine($"for (int t = 0; t < {T}; t++) p.Slice({K} + (int)x[t] * {U}, {U}).CopyTo(ws.Slice(t * {U}, {U}));");
                return;
            }

            for (int t = 0; t < T; t++)
            {
                w.WriteLine($"p.Slice({K} + (int)x[{t}] * {U}, {U}).CopyTo(ws.Slice({t * U}, {U}));");
            }
        }
    }

    public override void EmitBackward(CodeWriter w)
    {
        w.WriteLine($"// layer {Layer.Index} ({Layer.Name}) backward: dE[id_t] += dy_t (only the rows that were used)");
        using (w.Block($"private static void {BackwardMethod}({BackwardParameters})"))
        {
            using (w.Block($"for (int t = 0; t < {T}; t++)"))
            {
                w.WriteLine($"int row = {K} + (int)x[t] * {U};");
                w.WriteLine($"for (int j = 0; j < {U}; j++) g[row + j] += dy[t * {U} + j];");
            }
        }
    }

    public override void EmitStep(CodeWriter w)
    {
        w.WriteLine($"// layer {Layer.Index} ({Layer.Name}) streaming step: y = E[id]");
        using (w.Block($"private static void {StepMethod}({StepParameters})"))
        {
            w.WriteLine($"p.Slice({K} + (int)x[0] * {U}, {U}).CopyTo(y);");
        }
    }
}
