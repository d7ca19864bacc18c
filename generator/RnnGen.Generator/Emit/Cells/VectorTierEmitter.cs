using System;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit.Cells;

/// <summary>
/// What every vector-tier layer shares: one method per distinct vector width (16, 8 and 4 lanes at most), each checking
/// its slices once at entry, behind a dispatcher that runs the widest accelerated width (the JIT folds the checks to one
/// call) and falls back to the layer's constant-bound-loop emitter where no vector width is accelerated.
/// </summary>
internal abstract class VectorTierEmitter : LayerEmitter
{
    protected static readonly (int Width, string Name)[] AllWidths = { (16, "Vector512"), (8, "Vector256"), (4, "Vector128") };

    protected VectorTierEmitter(LayerPlan layer) : base(layer, loops: true) { }

    /// <summary>The distinct variants: 12 units split as 8 + 4 whether 16 lanes are available or not, so one variant serves both.</summary>
    protected (int Width, string Name)[] Widths { get; set; } = Array.Empty<(int, string)>();

    /// <summary>The widths whose split of <paramref name="units"/> differs, widest first, while <paramref name="fits"/> holds for the split.</summary>
    protected static (int Width, string Name)[] DistinctWidths(int units, Func<(int Offset, int Width)[], bool> fits)
    {
        var widths = new System.Collections.Generic.List<(int Width, string Name)>();
        foreach (var (width, _) in AllWidths)
        {
            // The width this variant really needs (at least Vector128, which also gates the all-scalar split).
            var chunks = VectorLowering.Chunks(units, width);
            int needed = Math.Max(4, System.Linq.Enumerable.Max(chunks, c => c.Width));
            if (widths.Exists(v => v.Width == needed)) continue;
            if (!fits(chunks)) break;
            widths.Add(Array.Find(AllWidths, v => v.Width == needed));
        }

        return widths.ToArray();
    }

    /// <summary>
    /// One pass of the tier: the dispatcher, then one method per width variant (its slice checks, then the lowered body),
    /// then the loop emitter's method, which the dispatcher falls back to. The variants are <see cref="Widths"/> unless the
    /// pass gives its own.
    /// </summary>
    protected void EmitTier(CodeWriter w, string pass, string method, string parameters, string arguments, string fallback, string comment,
        string[] guard, Action<int> body, Action emitFallback, (int Width, string Name)[]? widths = null)
    {
        widths ??= Widths;
        EmitDispatch(w, method, parameters, arguments, fallback, comment, widths);
        foreach (var (width, name) in widths)
        {
            w.WriteLine();
            w.WriteLine($"// layer {Layer.Index} {pass} with {name} (at most {width} lanes per value)");
            using (w.Block($"private static void {method}{name}({parameters})"))
            {
                foreach (string line in guard) w.WriteLine(line);
                body(width);
            }
        }

        w.WriteLine();
        emitFallback();
    }

    private static void EmitDispatch(CodeWriter w, string method, string parameters, string arguments, string fallback, string comment,
        (int Width, string Name)[] widths)
    {
        w.WriteLine("// " + comment);
        w.WriteLine("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]");
        using (w.Block($"private static void {method}({parameters})"))
        {
            string keyword = "if";
            foreach (var (_, name) in widths)
            {
                w.WriteLine($"{keyword} (global::System.Runtime.Intrinsics.{name}.IsHardwareAccelerated) {method}{name}({arguments});");
                keyword = "else if";
            }

            w.WriteLine(widths.Length == 0 ? $"{fallback}({arguments}); // no width holds this cell's accumulators" : $"else {fallback}({arguments});");
        }
    }
}
