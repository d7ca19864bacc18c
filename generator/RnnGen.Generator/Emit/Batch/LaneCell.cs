using System;
using System.Collections.Generic;
using System.Linq;
using RnnGen.Generator.Emit.Cells;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit.Batch;

/// <summary>
/// A recurrent layer's <see cref="CellProgram"/> lowered to lanes. Per step: the gate pre-activations of the whole group
/// as one small matrix product (<c>b + x_t K + h_(s-1) R</c>), then the cell's element-wise statements unit by unit,
/// every value a lane vector. A second product (the reset-before GRU's <c>(r h_(s-1)) R_h</c>) splits the statements
/// into phases: the product runs between them, once its source is known for every unit. Backward is reverse mode over the same statements, with
/// <c>dh_(s-1) = (element-wise part) + dA R^T</c> per step and the weight gradients summed over steps and lanes after
/// the recurrence.
/// </summary>
internal sealed class LaneCell : LaneLayer
{
    private readonly CellProgram _cell;

    public LaneCell(LayerPlan layer, LayerEmitter perSample, bool dropout = false) : base(layer, perSample)
    {
        HasDropout = dropout;
        _cell = dropout && layer.RecurrentDropoutMasks > 0 ? CellProgram.For(layer).WithRecurrentDropout() : CellProgram.For(layer);
        Carried = _cell.States.Skip(1).Where(st => ReadsState(st.State)).ToList();
        Products = _cell.Statements.SelectMany(st => CellProgram.Find<RecurrentProduct>(st.Expression)).ToList();
        Phases = SplitIntoPhases(_cell.Statements);
        CrossPhase = Enumerable.Range(0, Phases.Count).SelectMany(EarlierValues).Distinct().ToList();
    }

    private int C => _cell.Columns;

    /// <summary>Input dropout masks (0, 1 for every gate, or one per gate), each <c>In</c> lane elements at <c>g * In</c> of <c>dropout</c>.</summary>
    private int Gx => HasDropout ? Layer.InputDropoutMasks : 0;

    /// <summary>Recurrent dropout masks (0 or one per gate), each <c>U</c> lane elements after the input masks.</summary>
    private int Gh => HasDropout ? Layer.RecurrentDropoutMasks : 0;

    private int RecurrentMaskOffset(int gate) => Gx * In + gate * U;
    private bool HasSplit => _cell.Gates.Contains(GateForm.Split);

    /// <summary>Whether a step has a second product (the reset-before GRU's <c>(r h_(s-1)) R_h</c>).</summary>
    private bool HasProduct => Products.Count > 0;

    /// <summary>Whether gate columns have a recurrent side apart from dA: split gates' <c>h R</c>, or a second product.</summary>
    private bool HasRecurrentSide => HasSplit || HasProduct;

    /// <summary>The states other than h whose adjoint is carried from step to step (the LSTM's c).</summary>
    private List<(string State, string Next)> Carried { get; }

    /// <summary>The second products of a step, <c>source R_gate</c>, in statement order.</summary>
    private List<RecurrentProduct> Products { get; }

    /// <summary>
    /// The statements in phases: a new phase starts at each statement that reads a second product, which needs every
    /// unit of its source first. A cell without one is a single phase.
    /// </summary>
    private List<List<CellStatement>> Phases { get; }

    private static List<List<CellStatement>> SplitIntoPhases(IReadOnlyList<CellStatement> statements)
    {
        var phases = new List<List<CellStatement>> { new() };
        foreach (CellStatement st in statements)
        {
            if (phases[phases.Count - 1].Count > 0 && CellProgram.Find<RecurrentProduct>(st.Expression).Any()) phases.Add(new());
            phases[phases.Count - 1].Add(st);
        }

        return phases;
    }

    private int PhaseOf(string name) => Phases.FindIndex(phase => phase.Any(st => st.Name == name));

    /// <summary>Values a phase reads that an earlier phase defined (a product's source among them).</summary>
    private List<string> EarlierValues(int phase) =>
        Phases[phase].SelectMany(st => CellProgram.Find<Value>(st.Expression)).Select(v => v.Name)
            .Concat(Phases[phase].SelectMany(st => CellProgram.Find<RecurrentProduct>(st.Expression)).Select(m => m.Source))
            .Where(name => PhaseOf(name) >= 0 && PhaseOf(name) < phase).Distinct().ToList();

    /// <summary>Values whose adjoint crosses from a later phase back to the phase that defined them, each with a buffer.</summary>
    private List<string> CrossPhase { get; }

    // Scratch, in lane elements: dA [T, C]; the recurrent side [T, C] (split gates, second products); dh [U]; each
    // carried adjoint [U]; each product source's values [T, U] (for its dR); each cross-phase adjoint [U].
    private int RecurrentSideOffset => T * C;
    private int DhOffset => T * C * (HasRecurrentSide ? 2 : 1);
    private int CarryOffset(int index) => DhOffset + U * (1 + index);
    private int SourceOffset(int index) => CarryOffset(Carried.Count) + T * U * index;
    private int CrossOffset(int index) => SourceOffset(Products.Count) + U * index;

    /// <summary>With dropout: the dropped inputs or states of every step, one mask at a time, the rows of dK or dR, [T, max(In, U)].</summary>
    private int DroppedRowsOffset => CrossOffset(CrossPhase.Count);

    public override int ScratchLength => DroppedRowsOffset + (HasDropout ? T * Math.Max(In, U) : 0);

    private string InputStep(string s) => Layer.Spec.GoBackwards ? $"({T - 1} - {s})" : s;

    public override void EmitForward(CodeWriter w)
    {
        w.WriteLine($"// layer {Layer.Index} ({Layer.Name}) forward on a group of samples in lanes: per step the gate pre-activations as one product, then the cell unit by unit");
        using (w.Block($"private static void {ForwardMethod}({ForwardParameters}{MaskParameter}{DropoutParameter})"))
        {
            var checks = new List<(string, string)> { ("p", ParameterEnd.ToString()), ("x", $"{T * In} * lanes"), ("ws", $"{PerSample.WorkspaceLength} * lanes") };
            if (Masked) checks.Add(("mask", $"{T} * lanes"));
            if (HasDropout) checks.Add(("dropout", $"{Layer.CellDropoutLength} * lanes"));
            EmitGuard(w, checks.ToArray());
            if (Masked) w.WriteLine($"ref float mr = ref {S}.Ref(mask); // 1 where a step counts, 0 where it is padding: a masked step carries the state");
            EmitDropoutRefs(w);
            w.WriteLine($"ref float pr = ref {S}.Ref(p);");
            w.WriteLine($"ref float xr = ref {S}.Ref(x);");
            w.WriteLine($"ref float wr = ref {S}.Ref(ws);");
            w.WriteLine($"ref float zr = ref {S}.Ref(stackalloc float[{U} * lanes]); // the state before the first step: zero");
            if (HasRecurrentSide) w.WriteLine($"ref float rq = ref {S}.Ref(stackalloc float[{C} * lanes]); // the recurrent halves of split gates and the second products");
            var held = CrossPhase.Where(name => _cell.Statements.First(st => st.Name == name).Cache is null).ToList();
            foreach (string name in held) w.WriteLine($"ref float tq_{name} = ref {S}.Ref(stackalloc float[{U} * lanes]); // {name}, every unit, for the next phase");
            using (w.Block($"for (int s = 0; s < {T}; s++)"))
            {
                w.WriteLine($"ref float xt = ref {L}.At(ref xr, {InputStep("s")} * {In});");
                w.WriteLine($"ref float slot = ref {L}.At(ref wr, s * {C});");
                if (Masked) w.WriteLine($"{V} m = {L}.Load(ref mr, {InputStep("s")});");
                EmitPreviousStates(w);
                EmitPreActivations(w);
                EmitCacheRefs(w);
                var phases = Phases;
                for (int p = 0; p < phases.Count; p++)
                {
                    EmitSecondProducts(w, phases[p]);
                    w.WriteLine(phases.Count == 1 ? "// the cell, unit by unit; every value cached for Backward" : $"// the cell, unit by unit, phase {p + 1} of {phases.Count}");
                    using (w.Block($"for (int j = 0; j < {U}; j++)"))
                    {
                        EmitStateLoads(w);
                        foreach (string name in EarlierValues(p)) w.WriteLine($"{V} v_{name} = {LoadValue(name)};");
                        foreach (CellStatement st in phases[p])
                        {
                            w.WriteLine($"{V} v_{st.Name} = {Lower(st.Expression, top: true)}; // {VectorLowering.Describe(st.Expression)}");
                            if (st.Cache is { } cache) w.WriteLine($"{L}.Store({Carry(st.Name)}, ref {CacheRef(st.Name, cache)}, {CacheElement(cache)});");
                            else if (held.Contains(st.Name)) w.WriteLine($"{L}.Store(v_{st.Name}, ref tq_{st.Name}, j);");
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// What a statement stores: its value, or, for a state's new value in a masked layer, the state carried over the
    /// masked lanes (<c>RnnLanes.Where(m, new, previous)</c>, exact).
    /// </summary>
    private string Carry(string name)
    {
        if (!Masked) return "v_" + name;
        foreach (var (state, next) in _cell.States)
        {
            if (next == name) return $"{L}.Where(m, v_{name}, {L}.Load(ref prev_{state}, j))";
        }

        return "v_" + name;
    }

    /// <summary>The second products a phase opens with: <c>rq[gate] = source R_gate</c> (zero before the first step, whose state is zero).</summary>
    private void EmitSecondProducts(CodeWriter w, List<CellStatement> phase)
    {
        foreach (RecurrentProduct m in phase.SelectMany(st => CellProgram.Find<RecurrentProduct>(st.Expression)))
        {
            int first = m.Gate * U;
            w.WriteLine($"// {m.Source} R_{m.Gate}: a second product, once {m.Source} is known for every unit");
            w.WriteLine($"for (int c = {first}; c < {first + U}; c++) {L}.Store({Zero}, ref rq, c);");
            w.WriteLine($"if (s > 0) {L}.Product({SourceRef(m.Source)}, {U}, {Weights("pr", Layer.RecurrentOffset + first)}, {C}, {U}, {LaneAt("rq", first.ToString())});");
        }
    }

    /// <summary>Where the forward pass keeps a value for a later phase: its cache slot, or a phase buffer.</summary>
    private string SourceRef(string name) =>
        _cell.Statements.First(st => st.Name == name).Cache is { } cache
            ? (InSlot(cache) ? LaneAt("slot", cache.Offset.ToString()) : $"ref at_{name}")
            : $"ref tq_{name}";

    /// <summary>A value of an earlier phase, for unit j: from its cache slot or its phase buffer.</summary>
    private string LoadValue(string name) =>
        _cell.Statements.First(st => st.Name == name).Cache is { } cache
            ? $"{L}.Load(ref {CacheRef(name, cache)}, {CacheElement(cache)})"
            : $"{L}.Load(ref tq_{name}, j)";

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

    /// <summary>With dropout: a ref to the masks, and the buffers a step drops its input and its previous state into.</summary>
    private void EmitDropoutRefs(CodeWriter w)
    {
        if (!HasDropout) return;
        w.WriteLine($"ref float dr = ref {S}.Ref(dropout); // the dropout masks, 0 or 1/(1-rate), one per sequence: {DescribeMasks()}");
        if (Gx > 0) w.WriteLine($"ref float xq = ref {S}.Ref(stackalloc float[{In} * lanes]); // x_t times an input mask");
        if (Gh > 0) w.WriteLine($"ref float hq = ref {S}.Ref(stackalloc float[{U} * lanes]); // h_(s-1) times a recurrent mask");
    }

    private string DescribeMasks()
    {
        var parts = new List<string>();
        if (Gx == 1) parts.Add($"the input's [{In}] for every gate");
        else if (Gx > 1) parts.Add($"the input's per gate [{Gx}, {In}]");
        if (Gh > 0) parts.Add($"then the state's per gate [{Gh}, {U}]");
        return string.Join(", ", parts);
    }

    /// <summary><c>target[k] = source[k] * dr[offset + k]</c> for <c>k &lt; count</c>: a dropped copy.</summary>
    private void EmitDrop(CodeWriter w, string source, string target, int offset, int count, string what) =>
        w.WriteLine($"for (int k = 0; k < {count}; k++) {L}.Store({L}.Load(ref {source}, k) * {L}.Load(ref dr, {Plus(offset, "k")}), ref {target}, k); // {what}");

    /// <summary>The gate pre-activations of this step: the biases, then <c>+ x_t K</c> for every gate and <c>+ h_(s-1) R</c> into fused gates (split gates keep it apart).</summary>
    private void EmitPreActivations(CodeWriter w)
    {
        foreach (var (form, first, count) in GateRanges())
        {
            string start = Bias("c", recurrentBias: form == GateForm.Fused);
            w.WriteLine($"for (int c = {first}; c < {first + count}; c++) {L}.Store({start}, ref slot, c); // {(form == GateForm.Fused ? "b (+ b')" : "b")}, columns {first}..{first + count - 1}");
            if (form == GateForm.InputOnly) continue; // its recurrent part is the second product, later in the step
            if (form == GateForm.Split)
            {
                string recurrentStart = _cell.RecurrentBiasOffset >= 0 ? $"{L}.Splat({S}.Load1(ref pr, {Plus(_cell.RecurrentBiasOffset, "c")}))" : Zero;
                w.WriteLine($"for (int c = {first}; c < {first + count}; c++) {L}.Store({recurrentStart}, ref rq, c); // b', the split gate's recurrent half");
            }
        }

        if (Gx == 0)
        {
            w.WriteLine($"{L}.Product(ref xt, {In}, {Weights("pr", Layer.KernelOffset)}, {C}, {C}, ref slot); // + x_t K");
        }
        else if (Gx == 1)
        {
            EmitDrop(w, "xt", "xq", 0, In, "x_t m_x, one input mask for every gate");
            w.WriteLine($"{L}.Product(ref xq, {In}, {Weights("pr", Layer.KernelOffset)}, {C}, {C}, ref slot); // + (x_t m_x) K");
        }
        else
        {
            for (int gate = 0; gate < Gx; gate++)
            {
                EmitDrop(w, "xt", "xq", gate * In, In, $"x_t m_x{gate}, gate {gate}'s input mask");
                w.WriteLine($"{L}.Product(ref xq, {In}, {Weights("pr", Layer.KernelOffset + gate * U)}, {C}, {U}, {LaneAt("slot", (gate * U).ToString())}); // + (x_t m_x{gate}) K_{gate}");
            }
        }

        using (w.Block("if (s > 0)"))
        {
            foreach (var (form, first, count) in GateRanges())
            {
                if (form == GateForm.InputOnly) continue;
                string target = form == GateForm.Fused ? "slot" : "rq";
                if (Gh == 0)
                {
                    w.WriteLine($"{L}.Product(ref prev_h, {U}, {Weights("pr", Layer.RecurrentOffset + first)}, {C}, {count}, {LaneAt(target, first.ToString())}); // + h_(s-1) R, columns {first}..{first + count - 1}");
                    continue;
                }

                for (int gate = first / U; gate < (first + count) / U; gate++)
                {
                    EmitDrop(w, "prev_h", "hq", RecurrentMaskOffset(gate), U, $"h_(s-1) m_h{gate}, gate {gate}'s recurrent mask");
                    w.WriteLine($"{L}.Product(ref hq, {U}, {Weights("pr", Layer.RecurrentOffset + gate * U)}, {C}, {U}, {LaneAt(target, (gate * U).ToString())}); // + (h_(s-1) m_h{gate}) R_{gate}");
                }
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
            case RecurrentProduct m: return $"{L}.Load(ref rq, {Plus(m.Gate * U, "j")})";
            case Value v: return "v_" + v.Name;
            case RecurrentMask m: return $"{L}.Load(ref dr, {Plus(RecurrentMaskOffset(m.Gate), "j")})";
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
        var carried = Carried;
        var products = Products;
        var cross = CrossPhase;
        var phases = Phases;
        CacheSlot output = _cell.OutputSlot;
        w.WriteLine($"// layer {Layer.Index} ({Layer.Name}) backward through time on a group in lanes: reverse mode over the cell, then the weight gradients summed over steps and lanes");
        using (w.Block($"private static void {BackwardMethod}({BackwardParameters}{MaskParameter}{DropoutParameter})"))
        {
            EmitBackwardGuard(w, $"{T * In} * lanes", $"{Layer.OutputLength} * lanes", $"{ScratchLength} * lanes");
            if (HasDropout) w.WriteLine($"if (dropout.Length < {Layer.CellDropoutLength} * lanes) {LayerEmitter.ThrowBadSlice}");
            if (Masked) w.WriteLine($"ref float mr = ref {S}.Ref(mask); // a masked step passes the state's gradient straight to the step before");
            EmitDropoutRefs(w);
            w.WriteLine($"ref float pr = ref {S}.Ref(p);");
            w.WriteLine($"ref float gr = ref {S}.Ref(g);");
            w.WriteLine($"ref float xr = ref {S}.Ref(x);");
            w.WriteLine($"ref float wr = ref {S}.Ref(ws);");
            w.WriteLine($"ref float dyr = ref {S}.Ref(dy);");
            if (InputGradient) w.WriteLine($"ref float dxr = ref {S}.Ref(dx);");
            w.WriteLine($"ref float dar = ref {S}.Ref(scratch); // dLoss/d(gate pre-activations) of every step, [T, {C}]");
            if (HasRecurrentSide) w.WriteLine($"ref float drr = ref {L}.At(ref dar, {RecurrentSideOffset}); // the recurrent side of split gates and second products, [T, {C}]");
            w.WriteLine($"ref float dhr = ref {L}.At(ref dar, {DhOffset}); // dLoss/dh_(s-1), carried to the earlier step");
            w.WriteLine(Layer.Spec.ReturnSequences
                ? $"scratch.Slice({DhOffset} * lanes, {U} * lanes).Clear(); // every step's output is in dy"
                : $"dy.Slice(0, {U} * lanes).CopyTo(scratch.Slice({DhOffset} * lanes, {U} * lanes)); // only the last state is an output");
            for (int i = 0; i < carried.Count; i++)
            {
                w.WriteLine($"ref float carry_{carried[i].State} = ref {L}.At(ref dar, {CarryOffset(i)}); // dLoss/d{carried[i].State}_(s-1)");
                w.WriteLine($"scratch.Slice({CarryOffset(i)} * lanes, {U} * lanes).Clear();");
            }

            for (int i = 0; i < products.Count; i++) w.WriteLine($"ref float src_{products[i].Source} = ref {L}.At(ref dar, {SourceOffset(i)}); // {products[i].Source} of every step, the rows of its product's dR, [T, {U}]");
            for (int i = 0; i < cross.Count; i++) w.WriteLine($"ref float dt_{cross[i]} = ref {L}.At(ref dar, {CrossOffset(i)}); // dLoss/d{cross[i]} from the later phase");
            w.WriteLine($"ref float zr = ref {S}.Ref(stackalloc float[{U} * lanes]); // the state before the first step: zero");
            w.WriteLine();
            w.WriteLine("// backward through time, last step first");
            using (w.Block($"for (int s = {T - 1}; s >= 0; s--)"))
            {
                w.WriteLine($"ref float slot = ref {L}.At(ref wr, s * {C});");
                EmitPreviousStates(w, backward: true);
                EmitCacheRefs(w, backward: true);
                if (Masked) w.WriteLine($"{V} m = {L}.Load(ref mr, {InputStep("s")});");
                w.WriteLine($"ref float das = ref {L}.At(ref dar, s * {C});");
                if (HasRecurrentSide) w.WriteLine($"ref float drs = ref {L}.At(ref drr, s * {C});");
                if (Layer.Spec.ReturnSequences) w.WriteLine($"ref float dys = ref {L}.At(ref dyr, s * {U});");
                if (cross.Count > 0) w.WriteLine($"scratch.Slice({CrossOffset(0)} * lanes, {cross.Count * U} * lanes).Clear(); // the phases' adjoints start at zero");
                for (int p = phases.Count - 1; p >= 0; p--)
                {
                    EmitBackwardPhase(w, phases, p, carried);
                    // the adjoint of a second product's source: dLoss/dm R_gate^T
                    foreach (RecurrentProduct m in phases[p].SelectMany(st => CellProgram.Find<RecurrentProduct>(st.Expression)))
                    {
                        w.WriteLine($"if (s > 0) {L}.ProductTransposed({LaneAt("drs", (m.Gate * U).ToString())}, {U}, {Weights("pr", Layer.RecurrentOffset + m.Gate * U)}, {C}, {U}, ref dt_{m.Source}); // dLoss/d{m.Source} += dm R_{m.Gate}^T");
                    }
                }

                w.WriteLine("// dLoss/dh_(s-1) = (element-wise part) + dA R^T over the columns h_(s-1) R feeds");
                using (w.Block("if (s > 0)"))
                {
                    foreach (var (form, first, count) in GateRanges())
                    {
                        if (form == GateForm.InputOnly) continue;
                        string side = form == GateForm.Split ? "drs" : "das";
                        if (Gh == 0)
                        {
                            w.WriteLine($"{L}.ProductTransposed({LaneAt(side, first.ToString())}, {count}, {Weights("pr", Layer.RecurrentOffset + first)}, {C}, {U}, ref dhr);");
                            continue;
                        }

                        for (int gate = first / U; gate < (first + count) / U; gate++)
                        {
                            // the product read h_(s-1) m_h: its gradient reaches h_(s-1) times the same mask
                            w.WriteLine($"for (int k = 0; k < {U}; k++) {L}.Store({Zero}, ref hq, k);");
                            w.WriteLine($"{L}.ProductTransposed({LaneAt(side, (gate * U).ToString())}, {U}, {Weights("pr", Layer.RecurrentOffset + gate * U)}, {C}, {U}, ref hq); // dA_{gate} R_{gate}^T");
                            w.WriteLine($"for (int k = 0; k < {U}; k++) {L}.Store({L}.MultiplyAdd({L}.Load(ref hq, k), {L}.Load(ref dr, {Plus(RecurrentMaskOffset(gate), "k")}), {L}.Load(ref dhr, k)), ref dhr, k); // times m_h{gate}");
                        }
                    }
                }
            }

            EmitWeightGradients(w, output);
        }
    }

    /// <summary>One phase of a step's reverse mode, unit by unit: its forward values, its adjoints in, reverse mode, its adjoints out.</summary>
    private void EmitBackwardPhase(CodeWriter w, List<List<CellStatement>> phases, int p, List<(string State, string Next)> carried)
    {
        bool last = p == phases.Count - 1;
        var mine = phases[p];
        var products = Products;
        using (w.Block($"for (int j = 0; j < {U}; j++)"))
        {
            w.WriteLine(phases.Count == 1 ? "// this step's forward values, from the cache, and the state before it" : $"// phase {p + 1} of {phases.Count}: its forward values, from the cache, and the state before it");
            EmitStateLoads(w);
            foreach (CellStatement st in _cell.Statements)
            {
                bool needed = BackwardReads(st.Name) || (products.Any(m => m.Source == st.Name) && mine.Contains(st));
                if (!needed) continue;
                w.WriteLine(st.Cache is { } cache
                    ? $"{V} v_{st.Name} = {L}.Load(ref {CacheRef(st.Name, cache)}, {CacheElement(cache)});"
                    : $"{V} v_{st.Name} = {Lower(st.Expression, top: true)};");
            }

            foreach (RecurrentProduct m in products.Where(m => mine.Any(st => st.Name == m.Source)))
            {
                w.WriteLine($"{L}.Store(v_{m.Source}, ref src_{m.Source}, s * {U} + j); // the row of its product's dR");
            }

            var declared = new HashSet<string>();
            if (last)
            {
                w.WriteLine("// the gradient arriving at the new state: from the output and from the later step");
                declared.Add("d_" + _cell.Output);
                w.WriteLine($"{V} d_{_cell.Output} = {L}.Load(ref dhr, j){(Layer.Spec.ReturnSequences ? $" + {L}.Load(ref dys, j)" : "")};");
                foreach (var (state, next) in carried)
                {
                    w.WriteLine($"{V} d_{next} = {L}.Load(ref carry_{state}, j);");
                    declared.Add("d_" + next);
                }

                if (Masked)
                {
                    w.WriteLine("// a masked lane carried its states: their gradient passes to the step before, the cell gets none");
                    foreach (var (state, next) in _cell.States.Where(st => st.State == "h" || carried.Contains(st)))
                    {
                        w.WriteLine($"{V} pass_{state} = {L}.Where(m, {Zero}, d_{next});");
                        w.WriteLine($"d_{next} = {L}.Where(m, d_{next}, {Zero});");
                    }
                }
            }

            // adjoints the later phases left for this phase's values
            foreach (CellStatement st in mine)
            {
                if (!CrossPhase.Contains(st.Name)) continue;
                w.WriteLine($"{V} d_{st.Name} = {L}.Load(ref dt_{st.Name}, j);");
                declared.Add("d_" + st.Name);
            }

            foreach (CellStatement st in Enumerable.Reverse(mine))
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

            w.WriteLine("// keep this phase's dA for the weight gradients; carry the adjoints on");
            for (int gate = 0; gate < _cell.Gates.Count; gate++)
            {
                bool here = mine.Any(st => CellProgram.Find<CellExpr>(st.Expression).Any(e =>
                    (e is GateInput gi && gi.Index == gate) || (e is GateRecurrent gr && gr.Index == gate) || (e is RecurrentProduct m && m.Gate == gate)));
                if (!here) continue;
                w.WriteLine($"{L}.Store({Adjoint(declared, $"d_a{gate}")}, ref das, {Plus(gate * U, "j")});");
                if (_cell.Gates[gate] != GateForm.Fused) w.WriteLine($"{L}.Store({RecurrentAdjoint(declared, gate)}, ref drs, {Plus(gate * U, "j")});");
            }

            // the earlier phases' values and the states: later phases add, the last phase starts them
            foreach (string name in EarlierValues(p).Where(n => declared.Contains("d_" + n)))
            {
                w.WriteLine($"{L}.Store({L}.Load(ref dt_{name}, j) + d_{name}, ref dt_{name}, j);");
            }

            foreach (var (state, _) in carried)
            {
                if (last) w.WriteLine($"{L}.Store({Passed(declared, state)}, ref carry_{state}, j);");
                else if (declared.Contains("d_" + state)) w.WriteLine($"{L}.Store({L}.Load(ref carry_{state}, j) + d_{state}, ref carry_{state}, j);");
            }

            if (last) w.WriteLine($"{L}.Store({Passed(declared, "h")}, ref dhr, j);");
            else if (declared.Contains("d_h")) w.WriteLine($"{L}.Store({L}.Load(ref dhr, j) + d_h, ref dhr, j);");
        }
    }

    private void EmitWeightGradients(CodeWriter w, CacheSlot output)
    {
        w.WriteLine();
        w.WriteLine("// the weight gradients, summed over the steps and the group's lanes");
        if (_cell.InputBiasOffset >= 0) w.WriteLine($"{L}.SumSteps(ref dar, {C}, {C}, {T}, {Weights("gr", _cell.InputBiasOffset)}); // db += Σ_s dA_s");
        if (_cell.RecurrentBiasOffset >= 0)
        {
            foreach (var (form, first, count) in GateRanges())
            {
                string source = LaneAt(form == GateForm.Fused ? "dar" : "drr", first.ToString());
                w.WriteLine($"{L}.SumSteps({source}, {C}, {count}, {T}, {Weights("gr", _cell.RecurrentBiasOffset + first)}); // db' += Σ_s dA_s as the recurrent product sees it, columns {first}..{first + count - 1}");
            }
        }

        if (Gx == 0)
        {
            string firstInput = Layer.Spec.GoBackwards ? LaneAt("xr", ((T - 1) * In).ToString()) : "ref xr";
            string inputStep = Layer.Spec.GoBackwards ? $"-{In}" : $"{In}";
            w.WriteLine($"{L}.Outer({firstInput}, {inputStep}, {In}, ref dar, {C}, {C}, {T}, {Weights("gr", Layer.KernelOffset)}, {C}); // dK += Σ_s x_t^T dA_s");
        }
        else
        {
            w.WriteLine($"ref float rows = ref {L}.At(ref dar, {DroppedRowsOffset}); // the dropped inputs or states of every step, one mask at a time");
            for (int gate = 0; gate < Gx; gate++)
            {
                using (w.Block($"for (int s = 0; s < {T}; s++)"))
                {
                    w.WriteLine($"ref float xt = ref {L}.At(ref xr, {InputStep("s")} * {In});");
                    w.WriteLine($"ref float row = ref {L}.At(ref rows, s * {In});");
                    EmitDrop(w, "xt", "row", gate * In, In, Gx == 1 ? "x_t m_x" : $"x_t m_x{gate}");
                }

                w.WriteLine(Gx == 1
                    ? $"{L}.Outer(ref rows, {In}, {In}, ref dar, {C}, {C}, {T}, {Weights("gr", Layer.KernelOffset)}, {C}); // dK += Σ_s (x_t m_x)^T dA_s"
                    : $"{L}.Outer(ref rows, {In}, {In}, {LaneAt("dar", (gate * U).ToString())}, {C}, {U}, {T}, {Weights("gr", Layer.KernelOffset + gate * U)}, {C}); // dK_{gate} += Σ_s (x_t m_x{gate})^T dA_s");
            }
        }
        if (T > 1)
        {
            if (Gh > 0 && Gx == 0) w.WriteLine($"ref float rows = ref {L}.At(ref dar, {DroppedRowsOffset}); // the dropped states of every step, one mask at a time");
            foreach (var (form, first, count) in GateRanges())
            {
                if (form == GateForm.InputOnly)
                {
                    foreach (RecurrentProduct m in Products.Where(m => m.Gate * U >= first && m.Gate * U < first + count))
                    {
                        w.WriteLine($"{L}.Outer({LaneAt("src_" + m.Source, U.ToString())}, {U}, {U}, {LaneAt("drr", (C + m.Gate * U).ToString())}, {C}, {U}, {T - 1}, {Weights("gr", Layer.RecurrentOffset + m.Gate * U)}, {C}); // dR_{m.Gate} += Σ_(s>0) {m.Source}_s^T dm_s");
                    }

                    continue;
                }

                string side = form == GateForm.Fused ? "dar" : "drr";
                if (Gh == 0)
                {
                    w.WriteLine($"{L}.Outer({LaneAt("wr", output.Offset.ToString())}, {output.Stride}, {U}, {LaneAt(side, (C + first).ToString())}, {C}, {count}, {T - 1}, {Weights("gr", Layer.RecurrentOffset + first)}, {C}); // dR += Σ_(s>0) h_(s-1)^T dA_s, columns {first}..{first + count - 1}");
                    continue;
                }

                for (int gate = first / U; gate < (first + count) / U; gate++)
                {
                    using (w.Block($"for (int s = 0; s < {T - 1}; s++)"))
                    {
                        w.WriteLine($"ref float hs = ref {L}.At(ref wr, {output.Offset} + s * {output.Stride});");
                        w.WriteLine($"ref float row = ref {L}.At(ref rows, s * {U});");
                        EmitDrop(w, "hs", "row", RecurrentMaskOffset(gate), U, $"h_s m_h{gate}");
                    }

                    w.WriteLine($"{L}.Outer(ref rows, {U}, {U}, {LaneAt(side, (C + gate * U).ToString())}, {C}, {U}, {T - 1}, {Weights("gr", Layer.RecurrentOffset + gate * U)}, {C}); // dR_{gate} += Σ_(s>0) (h_(s-1) m_h{gate})^T dA_s");
                }
            }
        }

        if (!InputGradient) return;
        w.WriteLine($"dx.Slice(0, {T * In} * lanes).Clear();");
        using (w.Block($"for (int s = 0; s < {T}; s++)"))
        {
            if (Gx == 0) w.WriteLine($"{L}.ProductTransposed({LaneAt("dar", $"s * {C}")}, {C}, {Weights("pr", Layer.KernelOffset)}, {C}, {In}, {LaneAt("dxr", $"{InputStep("s")} * {In}")}); // dx_t = dA_s K^T");
            else w.WriteLine($"ref float dxt = ref {L}.At(ref dxr, {InputStep("s")} * {In});");
            for (int gate = 0; gate < Gx; gate++)
            {
                int columns = Gx == 1 ? C : U;
                w.WriteLine($"for (int k = 0; k < {In}; k++) {L}.Store({Zero}, ref xq, k);");
                w.WriteLine($"{L}.ProductTransposed({LaneAt("dar", Plus(Gx == 1 ? 0 : gate * U, $"s * {C}"))}, {columns}, {Weights("pr", Layer.KernelOffset + (Gx == 1 ? 0 : gate * U))}, {C}, {In}, ref xq); // {(Gx == 1 ? "dA_s K^T" : $"dA_s,{gate} K_{gate}^T")}");
                w.WriteLine($"for (int k = 0; k < {In}; k++) {L}.Store({L}.MultiplyAdd({L}.Load(ref xq, k), {L}.Load(ref dr, {Plus(gate * In, "k")}), {L}.Load(ref dxt, k)), ref dxt, k); // dx_t += that times {(Gx == 1 ? "m_x" : $"m_x{gate}")}");
            }
        }
    }

    private bool BackwardReads(string name) => _cell.BackwardReads(name);

    private string Adjoint(HashSet<string> declared, string name) => declared.Contains(name) ? name : Zero;

    /// <summary>The adjoint of the state before this step: through the cell, plus, in a masked layer, what a masked lane passed on.</summary>
    private string Passed(HashSet<string> declared, string state) =>
        !Masked ? Adjoint(declared, "d_" + state) : declared.Contains("d_" + state) ? $"d_{state} + pass_{state}" : $"pass_{state}";

    private string RecurrentAdjoint(HashSet<string> declared, int gate) => Adjoint(declared, _cell.Gates[gate] switch
    {
        GateForm.Split => $"d_r{gate}",
        GateForm.InputOnly => $"d_m{gate}",
        _ => $"d_a{gate}",
    });

    /// <summary>Adds <paramref name="adjoint"/> into the adjoints of everything <paramref name="e"/> reads (reverse mode).</summary>
    private void Propagate(CodeWriter w, CellExpr e, string adjoint, HashSet<string> declared)
    {
        switch (e)
        {
            case GateInput g: Accumulate(w, $"d_a{g.Index}", adjoint, declared); break;
            case GateRecurrent g: Accumulate(w, $"d_r{g.Index}", adjoint, declared); break;
            case RecurrentProduct m: Accumulate(w, $"d_m{m.Gate}", adjoint, declared); break;
            case Value v: Accumulate(w, "d_" + v.Name, adjoint, declared); break;
            case RecurrentMask: break; // a constant of the sequence: no adjoint
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
        RecurrentMask m => Lower(m),
        Binary b => $"({Forward(b.Left)} {b.Operator} {Forward(b.Right)})",
        _ => throw new InvalidOperationException("The lane tier needs the forward value of " + e),
    };

    private void Accumulate(CodeWriter w, string name, string adjoint, HashSet<string> declared) =>
        w.WriteLine(declared.Add(name) ? $"{V} {name} = {adjoint};" : $"{name} = {name} + {adjoint};");
}
