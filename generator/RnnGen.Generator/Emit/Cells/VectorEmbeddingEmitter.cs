using RnnGen.Generator.Model;
using static RnnGen.Generator.Emit.Cells.VectorLowering;

namespace RnnGen.Generator.Emit.Cells;

/// <summary>
/// Embedding in the vector tier. Forward and Step are row copies (the loop emitter's: <c>Span.CopyTo</c> of the row is
/// already a vector copy); Backward is a scatter-add of <c>dy_t</c> into row <c>id_t</c> of <c>dE</c> in chunks of 16,
/// 8, 4 and 1 lanes. Ids were checked by the public entry point; the slices are checked once at entry.
/// </summary>
internal sealed class VectorEmbeddingEmitter : VectorTierEmitter
{
    private readonly LayerEmitter _rows;
    private readonly LayerEmitter _loops;

    public VectorEmbeddingEmitter(LayerPlan layer, LayerEmitter rows, LayerEmitter loops) : base(layer)
    {
        _rows = rows;
        _loops = loops;
        Widths = DistinctWidths(layer.Units, _ => true);
    }

    public override int WorkspaceLength => _rows.WorkspaceLength;
    public override int OutputOffset => _rows.OutputOffset;
    public override int ScratchLength => _rows.ScratchLength;

    public override string Describe() => _rows.Describe() + ", vector tier";

    public override void EmitForward(CodeWriter w) => _rows.EmitForward(w);

    public override void EmitStep(CodeWriter w) => _rows.EmitStep(w);

    public override void EmitBackward(CodeWriter w) =>
        EmitTier(w, "backward", BackwardMethod, BackwardParameters, BackwardArguments, _loops.BackwardMethod,
            $"layer {Layer.Index} ({Layer.Name}) backward, vector tier: dE[id_t] += dy_t, a scatter-add of vectors (only the rows that were used)",
            new[] { SliceGuard(("g", $"{ParameterEnd}"), ("x", $"{T}"), ("dy", $"{T * U}")) },
            width =>
            {
                w.WriteLine($"ref float gr = ref {S}.Ref(g);");
                w.WriteLine($"ref float dyr = ref {S}.Ref(dy);");
                using (w.Block($"for (int t = 0; t < {T}; t++)"))
                {
                    w.WriteLine($"ref float row = ref {S}.At(ref gr, {K} + (int)x[t] * {U});");
                    w.WriteLine($"ref float dyt = ref {S}.At(ref dyr, t * {U});");
                    foreach (var (o, width1) in Chunks(U, width))
                    {
                        w.WriteLine($"{S}.Store({Load(width1, "row", o.ToString())} + {Load(width1, "dyt", o.ToString())}, ref row, {o});");
                    }
                }
            },
            () => _loops.EmitBackward(w));
}
