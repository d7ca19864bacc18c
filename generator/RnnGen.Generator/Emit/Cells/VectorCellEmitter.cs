using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit.Cells;

/// <summary>
/// The vector tier of a recurrent layer: its <see cref="CellProgram"/> lowered (forward, Step and backward) once per
/// distinct vector width (16, 8 and 4 lanes at most), with a dispatcher that picks the widest accelerated width at JIT
/// time (the JIT folds the checks to one call). The constant-bound-loop emitter of the same layer defines the training
/// cache layout, runs where no vector width is accelerated, and serves Backward where the cell's backward is not
/// lowered (an activation inside an expression, or a second product whose source the cache cannot give back).
/// </summary>
internal sealed class VectorCellEmitter : LayerEmitter
{
    private static readonly (int Width, string Name)[] AllWidths = { (16, "Vector512"), (8, "Vector256"), (4, "Vector128") };

    /// <summary>Accumulators (vectors of gate columns) a variant may keep: the register file of AVX-512 and ARM64.</summary>
    private const int MaxAccumulators = 32;

    private readonly LayerEmitter _loops;
    private readonly CellProgram _cell;

    /// <summary>The distinct variants: 12 units split as 8 + 4 whether 16 lanes are available or not, so one variant serves both.</summary>
    private readonly (int Width, string Name)[] Widths;

    public VectorCellEmitter(LayerPlan layer, LayerEmitter loops) : base(layer, loops: true)
    {
        _loops = loops;
        _cell = CellProgram.For(layer);
        var widths = new System.Collections.Generic.List<(int Width, string Name)>();
        foreach (var (width, _) in AllWidths)
        {
            // The width this variant really needs (at least Vector128, which also gates the all-scalar split).
            var lowering = new VectorLowering(_cell, width);
            int needed = System.Math.Max(4, lowering.WidestChunk);
            if (widths.Exists(v => v.Width == needed)) continue;

            // A variant whose accumulators cannot live in registers (more than 32 vectors) would spill and bloat the
            // source: narrower CPUs run the loops instead.
            if (lowering.ColumnChunkCount > MaxAccumulators) break;
            widths.Add(System.Array.Find(AllWidths, v => v.Width == needed));
        }

        Widths = widths.ToArray();
    }

    public override int WorkspaceLength => _loops.WorkspaceLength;
    public override int OutputOffset => _loops.OutputOffset;
    public override int ScratchLength => VectorBackward ? System.Math.Max(_loops.ScratchLength, VectorLowering.BackwardScratch(_cell)) : _loops.ScratchLength;
    public override int StateLength => _loops.StateLength;
    public override string BackwardMethod => VectorBackward ? base.BackwardMethod : _loops.BackwardMethod;

    public override bool UsesTensorDot => _loops.UsesTensorDot;

    /// <summary>Whether Backward is lowered from the cell too (every cell RnnGen has today, the reset-before GRU included).</summary>
    private bool VectorBackward => VectorLowering.CanLowerBackward(_cell);

    public override string Describe() => _loops.Describe() + ", vector tier";

    public override void EmitForward(CodeWriter w) =>
        EmitTier(w, "forward", ForwardMethod, ForwardParameters, ForwardArguments, _loops.ForwardMethod,
            $"layer {Layer.Index} ({Layer.Name}) forward, vector tier: the input projection hoisted, then the recurrence with the state in registers",
            new[]
            {
                "// bounds checked once: the loops below read through refs at constant offsets",
                $"if (p.Length < {ParameterEnd} || x.Length < {Layer.Timesteps * Layer.InputWidth} || ws.Length < {WorkspaceLength}) {ThrowBadSlice}",
            },
            lowering => lowering.EmitForwardBody(w), () => _loops.EmitForward(w));

    public override void EmitBackward(CodeWriter w)
    {
        if (!VectorBackward)
        {
            _loops.EmitBackward(w);
            return;
        }

        EmitTier(w, "backward", BackwardMethod, BackwardParameters, BackwardArguments, _loops.BackwardMethod,
            $"layer {Layer.Index} ({Layer.Name}) backward through time, vector tier: reverse mode over the cell, weight gradients as outer products after the recurrence",
            new[] { $"if (p.Length < {ParameterEnd} || g.Length < {ParameterEnd} || x.Length < {Layer.Timesteps * Layer.InputWidth} || ws.Length < {WorkspaceLength} || dy.Length < {Layer.OutputLength} || dx.Length < {Layer.Timesteps * Layer.InputWidth} || scratch.Length < {VectorLowering.BackwardScratch(_cell)}) {ThrowBadSlice}" },
            lowering => lowering.EmitBackwardBody(w), () => _loops.EmitBackward(w));
    }

    public override void EmitStep(CodeWriter w) =>
        EmitTier(w, "step", StepMethod, StepParameters, "p, x, state, y", _loops.StepMethod,
            $"layer {Layer.Index} ({Layer.Name}) streaming step, vector tier",
            new[] { $"if (p.Length < {ParameterEnd} || x.Length < {Layer.InputWidth} || state.Length < {StateLength} || y.Length < {Layer.Units}) {ThrowBadSlice}" },
            lowering => lowering.EmitStepBody(w), () => _loops.EmitStep(w));

    private int ParameterEnd => Layer.ParameterOffset + Layer.ParameterCount;

    private const string ThrowBadSlice = "global::RnnGen.CompilerServices.Guard.ThrowBadSlice();";

    /// <summary>
    /// One pass of the tier: the dispatcher, then one method per width variant (its slice checks, then the lowered body),
    /// then the loop emitter's method, which the dispatcher falls back to.
    /// </summary>
    private void EmitTier(CodeWriter w, string pass, string method, string parameters, string arguments, string fallback, string comment,
        string[] guard, System.Action<VectorLowering> body, System.Action emitFallback)
    {
        EmitDispatch(w, method, parameters, arguments, fallback, comment);
        foreach (var (width, name) in Widths)
        {
            w.WriteLine();
            w.WriteLine($"// layer {Layer.Index} {pass} with {name} (at most {width} lanes per value)");
            using (w.Block($"private static void {method}{name}({parameters})"))
            {
                foreach (string line in guard) w.WriteLine(line);
                body(new VectorLowering(_cell, width));
            }
        }

        w.WriteLine();
        emitFallback();
    }

    private void EmitDispatch(CodeWriter w, string method, string parameters, string arguments, string fallback, string comment)
    {
        w.WriteLine("// " + comment);
        w.WriteLine("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]");
        using (w.Block($"private static void {method}({parameters})"))
        {
            string keyword = "if";
            foreach (var (_, name) in Widths)
            {
                w.WriteLine($"{keyword} (global::System.Runtime.Intrinsics.{name}.IsHardwareAccelerated) {method}{name}({arguments});");
                keyword = "else if";
            }

            w.WriteLine(Widths.Length == 0 ? $"{fallback}({arguments}); // no width holds this cell's accumulators" : $"else {fallback}({arguments});");
        }
    }
}
