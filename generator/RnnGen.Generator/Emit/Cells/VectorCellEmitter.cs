using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit.Cells;

/// <summary>
/// The vector tier of a recurrent layer: its <see cref="CellProgram"/> lowered (forward, Step and backward) once per
/// distinct vector width (16, 8 and 4 lanes at most), with a dispatcher that picks the widest accelerated width at JIT
/// time (the JIT folds the checks to one call). The constant-bound-loop emitter of the same layer defines the training
/// cache layout, runs where no vector width is accelerated, and serves Backward where the cell's backward is not
/// lowered (an activation inside an expression, or a second product whose source the cache cannot give back).
/// </summary>
internal sealed class VectorCellEmitter : VectorTierEmitter
{
    /// <summary>Accumulators (vectors of gate columns) a variant may keep: the register file of AVX-512 and ARM64.</summary>
    private const int MaxAccumulators = 32;

    private readonly LayerEmitter _loops;
    private readonly CellProgram _cell;

    public VectorCellEmitter(LayerPlan layer, LayerEmitter loops) : base(layer)
    {
        _loops = loops;
        _cell = CellProgram.For(layer);

        // A variant whose accumulators cannot live in registers (more than 32 vectors) would spill and bloat the
        // source: narrower CPUs run the loops instead.
        Widths = DistinctWidths(layer.Units, chunks => _cell.Gates.Count * chunks.Length <= MaxAccumulators);
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
                SliceGuard(("p", $"{ParameterEnd}"), ("x", $"{Layer.Timesteps * Layer.InputWidth}"), ("ws", $"{WorkspaceLength}")),
            },
            width => new VectorLowering(_cell, width).EmitForwardBody(w), () => _loops.EmitForward(w));

    public override void EmitBackward(CodeWriter w)
    {
        if (!VectorBackward)
        {
            _loops.EmitBackward(w);
            return;
        }

        EmitTier(w, "backward", BackwardMethod, BackwardParameters, BackwardArguments, _loops.BackwardMethod,
            $"layer {Layer.Index} ({Layer.Name}) backward through time, vector tier: reverse mode over the cell, weight gradients as outer products after the recurrence",
            new[] { SliceGuard(("p", $"{ParameterEnd}"), ("g", $"{ParameterEnd}"), ("x", $"{Layer.Timesteps * Layer.InputWidth}"), ("ws", $"{WorkspaceLength}"), ("dy", $"{Layer.OutputLength}"), ("dx", $"{Layer.Timesteps * Layer.InputWidth}"), ("scratch", $"{VectorLowering.BackwardScratch(_cell)}")) },
            width => new VectorLowering(_cell, width).EmitBackwardBody(w), () => _loops.EmitBackward(w));
    }

    public override void EmitStep(CodeWriter w) =>
        EmitTier(w, "step", StepMethod, StepParameters, "p, x, state, y", _loops.StepMethod,
            $"layer {Layer.Index} ({Layer.Name}) streaming step, vector tier",
            new[] { SliceGuard(("p", $"{ParameterEnd}"), ("x", $"{Layer.InputWidth}"), ("state", $"{StateLength}"), ("y", $"{Layer.Units}")) },
            width => new VectorLowering(_cell, width).EmitStepBody(w), () => _loops.EmitStep(w));
}
