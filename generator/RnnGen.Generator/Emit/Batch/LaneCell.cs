using System;
using System.Collections.Generic;
using System.Linq;
using RnnGen.Generator.Emit.Cells;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit.Batch;

/// <summary>
/// A recurrent layer's <see cref="CellProgram"/> lowered to lanes. Per step: the gate pre-activations of the whole group
/// as one small matrix product (<c>b + x_t K + h_(s-1) R</c>, eight columns per block), then the cell's element-wise
/// statements unit by unit, every value a lane vector. Backward is reverse mode over the same statements, with
/// <c>dh_(s-1) = (element-wise part) + dA R^T</c> per step and the weight gradients summed over steps and lanes after
/// the recurrence.
/// </summary>
internal sealed class LaneCell : LaneLayer
{
    private readonly CellProgram _cell;

    public LaneCell(LayerPlan layer, LayerEmitter perSample) : base(layer, perSample) => _cell = CellProgram.For(layer);

    private int C => _cell.Columns;
    private bool HasSplit => _cell.Gates.Contains(GateForm.Split);

    /// <summary>The states other than h whose adjoint is carried from step to step (the LSTM's c).</summary>
    private IEnumerable<(string State, string Next)> Carried => _cell.States.Skip(1).Where(st => ReadsState(st.State));

    // Scratch, in lane elements: dA [T, C] (and the recurrent side [T, C] with a split gate), dh [U], each carried adjoint [U].
    private int RecurrentSideOffset => T * C;
    private int DhOffset => T * C * (HasSplit ? 2 : 1);
    private int CarryOffset(int index) => DhOffset + U * (1 + index);

    public override int ScratchLength => DhOffset + U * (1 + Carried.Count());

    private string InputStep(string s) => Layer.Spec.GoBackwards ? $"({T - 1} - {s})" : s;

    public override void EmitForward(CodeWriter w)
    {
        w.WriteLine($"// layer {Layer.Index} ({Layer.Name}) forward on a group of samples in lanes: per step the gate pre-activations as one product, then the cell unit by unit");
        using (w.Block($"private static void {ForwardMethod}({ForwardParameters})"))
        {
            EmitGuard(w, ("p", ParameterEnd.ToString()), ("x", $"{T * In} * lanes"), ("ws", $"{PerSample.WorkspaceLength} * lanes"));
            w.WriteLine($"ref float pr = ref {S}.Ref(p);");
            w.WriteLine($"ref float xr = ref {S}.Ref(x);");
            w.WriteLine($"ref float wr = ref {S}.Ref(ws);");
            w.WriteLine($"ref float zr = ref {S}.Ref(stackalloc float[{U} * lanes]); // the state before the first step: zero");
            if (HasSplit) w.WriteLine($"ref float rq = ref {S}.Ref(stackalloc float[{C} * lanes]); // the recurrent halves of split gates");
            using (w.Block($"for (int s = 0; s < {T}; s++)"))
            {
                w.WriteLine($"ref float xt = ref {L}.At(ref xr, {InputStep("s")} * {In});");
                w.WriteLine($"ref float slot = ref {L}.At(ref wr, s * {C});");
                EmitPreviousStates(w);
                EmitPreActivations(w);
                EmitCacheRefs(w);
                w.WriteLine("// the cell, unit by unit; every value cached for Backward");
                using (w.Block($"for (int j = 0; j < {U}; j++)"))
                {
                    EmitStateLoads(w);
                    foreach (CellStatement st in _cell.Statements)
                    {
                        w.WriteLine($"{V} v_{st.Name} = {Lower(st.Expression, top: true)}; // {VectorLowering.Describe(st.Expression)}");
                        if (st.Cache is { } cache) w.WriteLine($"{L}.Store(v_{st.Name}, ref {CacheRef(st.Name, cache)}, {CacheElement(cache)});");
                    }
                }
            }
        }
    }

    /// <summary>Refs to each state as the previous step left it (its cache at <c>s - 1</c>), or to zeros before the first step.</summary>
    private void EmitPreviousStates(CodeWriter w, bool backward = false)
    {
        foreach (var (state, next) in _cell.States)
        {
            // backward reads h_(s-1) from the cache only for dR, after the loop
            if (backward && !ReadsState(state)) continue;
            CacheSlot slot = SlotOf(next);
            w.WriteLine($"ref float prev_{state} = ref (s > 0 ? ref {L}.At(ref wr, {slot.Offset} + (s - 1) * {slot.Stride}) : ref zr);");
        }
    }

    private void EmitStateLoads(CodeWriter w)
    {
        foreach (var (state, _) in _cell.States)
        {
            if (ReadsState(state)) w.WriteLine($"{V} v_{state} = {L}.Load(ref prev_{state}, j);");
        }
    }

    /// <summary>The gate pre-activations of this step: the biases, then <c>+ x_t K</c> for every gate and <c>+ h_(s-1) R</c> into fused gates (split gates keep it apart).</summary>
    private void EmitPreActivations(CodeWriter w)
    {
        foreach (var (form, first, count) in GateRanges())
        {
            string start = Bias("c", recurrentBias: form == GateForm.Fused);
            w.WriteLine($"for (int c = {first}; c < {first + count}; c++) {L}.Store({start}, ref slot, c); // {(form == GateForm.Fused ? "b (+ b')" : "b")}, columns {first}..{first + count - 1}");
            if (form == GateForm.Split)
            {
                string recurrentStart = _cell.RecurrentBiasOffset >= 0 ? $"{L}.Splat({S}.Load1(ref pr, {Plus(_cell.RecurrentBiasOffset, "c")}))" : Zero;
                w.WriteLine($"for (int c = {first}; c < {first + count}; c++) {L}.Store({recurrentStart}, ref rq, c); // b', the split gate's recurrent half");
            }
        }

        w.WriteLine($"{L}.Product(ref xt, {In}, {Weights("pr", Layer.KernelOffset)}, {C}, {C}, ref slot); // + x_t K");
        using (w.Block("if (s > 0)"))
        {
            foreach (var (form, first, count) in GateRanges())
            {
                string target = form == GateForm.Fused ? LaneAt("slot", first.ToString()) : LaneAt("rq", first.ToString());
                w.WriteLine($"{L}.Product(ref prev_h, {U}, {Weights("pr", Layer.RecurrentOffset + first)}, {C}, {count}, {target}); // + h_(s-1) R, columns {first}..{first + count - 1}");
            }
        }
    }

    /// <summary>The broadcast bias of column <paramref name="c"/>: the input bias, plus the recurrent bias row of a fused gate.</summary>
    private string Bias(string c, bool recurrentBias)
    {
        var terms = new List<string>();
        if (_cell.InputBiasOffset >= 0) terms.Add($"{S}.Load1(ref pr, {Plus(_cell.InputBiasOffset, c)})");
        if (recurrentBias && _cell.RecurrentBiasOffset >= 0) terms.Add($"{S}.Load1(ref pr, {Plus(_cell.RecurrentBiasOffset, c)})");
        return terms.Count == 0 ? Zero : $"{L}.Splat({string.Join(" + ", terms)})";
    }

    /// <summary>Runs of consecutive gates with the same form, as column ranges.</summary>
    private IEnumerable<(GateForm Form, int First, int Count)> GateRanges()
    {
        int g = 0;
        while (g < _cell.Gates.Count)
        {
            int end = g;
            while (end < _cell.Gates.Count && _cell.Gates[end] == _cell.Gates[g]) end++;
            yield return (_cell.Gates[g], g * U, (end - g) * U);
            g = end;
        }
    }

    /// <summary>Refs of the cache slots outside the step's gate slot (LSTM c, GRU rh, h) that the pass touches.</summary>
    private void EmitCacheRefs(CodeWriter w, bool backward = false)
    {
        foreach (CellStatement st in _cell.Statements)
        {
            if (st.Cache is { } cache && !InSlot(cache) && (!backward || BackwardReads(st.Name))) w.WriteLine($"ref float at_{st.Name} = ref {L}.At(ref wr, {cache.Offset} + s * {cache.Stride});");
        }
    }

    private bool InSlot(CacheSlot cache) => cache.Stride == C && cache.Offset < C;
    private string CacheRef(string name, CacheSlot cache) => InSlot(cache) ? "slot" : "at_" + name;
    /// <summary>Unit j's element in a cache slot, from <see cref="CacheRef"/>.</summary>
    private string CacheElement(CacheSlot cache) => InSlot(cache) ? Plus(cache.Offset, "j") : "j";

    private CacheSlot SlotOf(string statement) => _cell.Statements.First(st => st.Name == statement).Cache!;

    private bool ReadsState(string name) => _cell.ReadsState(name);

    /// <summary>A cell expression as lane code: gate pre-activations from the slot, values from locals.</summary>
    private string Lower(CellExpr e, bool top = false)
    {
        switch (e)
        {
            case GateInput g: return $"{L}.Load(ref slot, {Plus(g.Index * U, "j")})";
            case GateRecurrent g: return $"{L}.Load(ref rq, {Plus(g.Index * U, "j")})";
            case Value v: return "v_" + v.Name;
            case Activated a: return Activate(a.Activation, Lower(a.Argument, top: true));
            case Binary { Operator: '+', Left: Binary { Operator: '*' } m } b:
                return $"{L}.MultiplyAdd({Lower(m.Left, true)}, {Lower(m.Right, true)}, {Lower(b.Right, true)})";
            case Binary { Operator: '+', Right: Binary { Operator: '*' } m } b:
                return $"{L}.MultiplyAdd({Lower(m.Left, true)}, {Lower(m.Right, true)}, {Lower(b.Left, true)})";
            case Binary b:
                string text = $"{Lower(b.Left)} {b.Operator} {Lower(b.Right)}";
                return top ? text : "(" + text + ")";
            default:
                throw new InvalidOperationException("The lane tier cannot lower " + e);
        }
    }

    public override void EmitBackward(CodeWriter w)
    {
        bool split = HasSplit;
        var carried = Carried.ToList();
        CacheSlot output = _cell.OutputSlot;
        w.WriteLine($"// layer {Layer.Index} ({Layer.Name}) backward through time on a group in lanes: reverse mode over the cell, then the weight gradients summed over steps and lanes");
        using (w.Block($"private static void {BackwardMethod}({BackwardParameters})"))
        {
            EmitBackwardGuard(w, $"{T * In} * lanes", $"{Layer.OutputLength} * lanes", $"{ScratchLength} * lanes");
            w.WriteLine($"ref float pr = ref {S}.Ref(p);");
            w.WriteLine($"ref float gr = ref {S}.Ref(g);");
            w.WriteLine($"ref float xr = ref {S}.Ref(x);");
            w.WriteLine($"ref float wr = ref {S}.Ref(ws);");
            w.WriteLine($"ref float dyr = ref {S}.Ref(dy);");
            if (InputGradient) w.WriteLine($"ref float dxr = ref {S}.Ref(dx);");
            w.WriteLine($"ref float dar = ref {S}.Ref(scratch); // dLoss/d(gate pre-activations) of every step, [T, {C}]");
            w.WriteLine(split
                ? $"ref float drr = ref {L}.At(ref dar, {RecurrentSideOffset}); // the same, as the recurrent product sees it (split gates differ), [T, {C}]"
                : "ref float drr = ref dar; // every gate is fused: the recurrent product sees dA");
            w.WriteLine($"ref float dhr = ref {L}.At(ref dar, {DhOffset}); // dLoss/dh_(s-1), carried to the earlier step");
            w.WriteLine(Layer.Spec.ReturnSequences
                ? $"scratch.Slice({DhOffset} * lanes, {U} * lanes).Clear(); // every step's output is in dy"
                : $"dy.Slice(0, {U} * lanes).CopyTo(scratch.Slice({DhOffset} * lanes, {U} * lanes)); // only the last state is an output");
            for (int i = 0; i < carried.Count; i++)
            {
                w.WriteLine($"ref float carry_{carried[i].State} = ref {L}.At(ref dar, {CarryOffset(i)}); // dLoss/d{carried[i].State}_(s-1)");
                w.WriteLine($"scratch.Slice({CarryOffset(i)} * lanes, {U} * lanes).Clear();");
            }

            w.WriteLine($"ref float zr = ref {S}.Ref(stackalloc float[{U} * lanes]); // the state before the first step: zero");
            w.WriteLine();
            w.WriteLine("// backward through time, last step first");
            using (w.Block($"for (int s = {T - 1}; s >= 0; s--)"))
            {
                w.WriteLine($"ref float slot = ref {L}.At(ref wr, s * {C});");
                EmitPreviousStates(w, backward: true);
                EmitCacheRefs(w, backward: true);
                w.WriteLine($"ref float das = ref {L}.At(ref dar, s * {C});");
                if (split) w.WriteLine($"ref float drs = ref {L}.At(ref drr, s * {C});");
                if (Layer.Spec.ReturnSequences) w.WriteLine($"ref float dys = ref {L}.At(ref dyr, s * {U});");
                using (w.Block($"for (int j = 0; j < {U}; j++)"))
                {
                    w.WriteLine("// this step's forward values, from the cache, and the state before it");
                    EmitStateLoads(w);
                    foreach (CellStatement st in _cell.Statements)
                    {
                        if (!BackwardReads(st.Name)) continue;
                        w.WriteLine(st.Cache is { } cache
                            ? $"{V} v_{st.Name} = {L}.Load(ref {CacheRef(st.Name, cache)}, {CacheElement(cache)});"
                            : $"{V} v_{st.Name} = {Lower(st.Expression, top: true)};");
                    }

                    w.WriteLine("// the gradient arriving at the new state: from the output and from the later step");
                    var declared = new HashSet<string> { "d_" + _cell.Output };
                    w.WriteLine($"{V} d_{_cell.Output} = {L}.Load(ref dhr, j){(Layer.Spec.ReturnSequences ? $" + {L}.Load(ref dys, j)" : "")};");
                    foreach (var (state, next) in carried)
                    {
                        w.WriteLine($"{V} d_{next} = {L}.Load(ref carry_{state}, j);");
                        declared.Add("d_" + next);
                    }

                    foreach (CellStatement st in _cell.Statements.Reverse())
                    {
                        if (!declared.Contains("d_" + st.Name)) continue;
                        w.WriteLine($"// through {st.Name} = {VectorLowering.Describe(st.Expression)}");
                        CellExpr body = st.Expression;
                        string adjoint = "d_" + st.Name;
                        if (body is Activated act)
                        {
                            w.WriteLine($"{V} q_{st.Name} = {Derivative(act.Activation, "v_" + st.Name, adjoint)};");
                            body = act.Argument;
                            adjoint = "q_" + st.Name;
                        }

                        Propagate(w, body, adjoint, declared);
                    }

                    w.WriteLine("// keep dA for the weight gradients; carry the state's adjoints to the earlier step");
                    for (int gate = 0; gate < _cell.Gates.Count; gate++)
                    {
                        w.WriteLine($"{L}.Store({Adjoint(declared, $"d_a{gate}")}, ref das, {Plus(gate * U, "j")});");
                        if (split) w.WriteLine($"{L}.Store({RecurrentAdjoint(declared, gate)}, ref drs, {Plus(gate * U, "j")});");
                    }

                    foreach (var (state, _) in carried) w.WriteLine($"{L}.Store({Adjoint(declared, "d_" + state)}, ref carry_{state}, j);");
                    w.WriteLine($"{L}.Store({Adjoint(declared, "d_h")}, ref dhr, j);");
                }

                w.WriteLine($"if (s > 0) {L}.ProductTransposed(ref {(split ? "drs" : "das")}, {C}, {Weights("pr", Layer.RecurrentOffset)}, {C}, {U}, ref dhr); // dLoss/dh_(s-1) = (element-wise part) + dA R^T");
            }

            EmitWeightGradients(w, output);
        }
    }

    private void EmitWeightGradients(CodeWriter w, CacheSlot output)
    {
        w.WriteLine();
        w.WriteLine("// the weight gradients, summed over the steps and the group's lanes");
        if (_cell.InputBiasOffset >= 0) w.WriteLine($"{L}.SumSteps(ref dar, {C}, {C}, {T}, {Weights("gr", _cell.InputBiasOffset)}); // db += Σ_s dA_s");
        if (_cell.RecurrentBiasOffset >= 0) w.WriteLine($"{L}.SumSteps(ref drr, {C}, {C}, {T}, {Weights("gr", _cell.RecurrentBiasOffset)}); // db' += Σ_s dA_s as the recurrent product sees it");
        string firstInput = Layer.Spec.GoBackwards ? LaneAt("xr", ((T - 1) * In).ToString()) : "ref xr";
        string inputStep = Layer.Spec.GoBackwards ? $"-{In}" : $"{In}";
        w.WriteLine($"{L}.Outer({firstInput}, {inputStep}, {In}, ref dar, {C}, {C}, {T}, {Weights("gr", Layer.KernelOffset)}, {C}); // dK += Σ_s x_t^T dA_s");
        if (T > 1)
        {
            w.WriteLine($"{L}.Outer({LaneAt("wr", output.Offset.ToString())}, {output.Stride}, {U}, {LaneAt("drr", C.ToString())}, {C}, {C}, {T - 1}, {Weights("gr", Layer.RecurrentOffset)}, {C}); // dR += Σ_(s>0) h_(s-1)^T dA_s");
        }

        if (!InputGradient) return;
        w.WriteLine($"dx.Slice(0, {T * In} * lanes).Clear();");
        using (w.Block($"for (int s = 0; s < {T}; s++)"))
        {
            w.WriteLine($"{L}.ProductTransposed({LaneAt("dar", $"s * {C}")}, {C}, {Weights("pr", Layer.KernelOffset)}, {C}, {In}, {LaneAt("dxr", $"{InputStep("s")} * {In}")}); // dx_t = dA_s K^T");
        }
    }

    private bool BackwardReads(string name) => _cell.BackwardReads(name);

    private string Adjoint(HashSet<string> declared, string name) => declared.Contains(name) ? name : Zero;

    private string RecurrentAdjoint(HashSet<string> declared, int gate) =>
        Adjoint(declared, _cell.Gates[gate] == GateForm.Split ? $"d_r{gate}" : $"d_a{gate}");

    /// <summary>Adds <paramref name="adjoint"/> into the adjoints of everything <paramref name="e"/> reads (reverse mode).</summary>
    private void Propagate(CodeWriter w, CellExpr e, string adjoint, HashSet<string> declared)
    {
        switch (e)
        {
            case GateInput g: Accumulate(w, $"d_a{g.Index}", adjoint, declared); break;
            case GateRecurrent g: Accumulate(w, $"d_r{g.Index}", adjoint, declared); break;
            case Value v: Accumulate(w, "d_" + v.Name, adjoint, declared); break;
            case Binary { Operator: '+' } b:
                Propagate(w, b.Left, adjoint, declared);
                Propagate(w, b.Right, adjoint, declared);
                break;
            case Binary { Operator: '-' } b:
                Propagate(w, b.Left, adjoint, declared);
                Propagate(w, b.Right, $"-{adjoint}", declared);
                break;
            case Binary { Operator: '*' } b:
                Propagate(w, b.Left, $"{adjoint} * {Forward(b.Right)}", declared);
                Propagate(w, b.Right, $"{adjoint} * {Forward(b.Left)}", declared);
                break;
            default:
                throw new InvalidOperationException("The lane tier cannot differentiate " + e);
        }
    }

    /// <summary>A forward value inside the backward pass: values and states are locals there.</summary>
    private string Forward(CellExpr e) => e switch
    {
        Value v => "v_" + v.Name,
        Binary b => $"({Forward(b.Left)} {b.Operator} {Forward(b.Right)})",
        _ => throw new InvalidOperationException("The lane tier needs the forward value of " + e),
    };

    private void Accumulate(CodeWriter w, string name, string adjoint, HashSet<string> declared) =>
        w.WriteLine(declared.Add(name) ? $"{V} {name} = {adjoint};" : $"{name} = {name} + {adjoint};");
}
