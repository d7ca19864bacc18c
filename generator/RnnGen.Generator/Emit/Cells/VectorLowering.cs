using System;
using System.Collections.Generic;
using System.Linq;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit.Cells;

/// <summary>
/// Lowers a <see cref="CellProgram"/> to vector code of one maximum width (16, 8 or 4 lanes): the units are split into
/// chunks of 16, 8, 4 and 1 lanes (largest first), every chunk of every value is a local, the state and the gate
/// accumulators stay in registers within a timestep, and weights are read through refs at constant offsets.
/// </summary>
internal sealed class VectorLowering
{
    /// <summary>
    /// The runtime's vector helpers, through the file's alias <c>using RnnSimd = global::RnnGen.CompilerServices.Simd;</c>
    /// (an alias with a reserved-looking name, so user types such as <c>Simd</c> in the model's namespace cannot shadow it).
    /// </summary>
    public const string S = "RnnSimd";

    /// <summary>The alias directives every file with vector code carries.</summary>
    public static readonly string[] AliasDirectives =
    {
        "using RnnSimd = global::RnnGen.CompilerServices.Simd;",
        "using RnnVector128 = global::System.Runtime.Intrinsics.Vector128<float>;",
        "using RnnVector256 = global::System.Runtime.Intrinsics.Vector256<float>;",
        "using RnnVector512 = global::System.Runtime.Intrinsics.Vector512<float>;",
    };

    /// <summary>Matrix-vector products with at most this many multiply-add lines are unrolled over the rows.</summary>
    private const int UnrollLimit = 64;

    /// <summary>Independent accumulator chains wanted in flight to hide multiply-add latency.</summary>
    private const int ChainsWanted = 8;

    /// <summary>
    /// A recurrent kernel larger than this (in bytes: 3/4 of a 32 KB L1 data cache, the rest being the step's own
    /// slots) does not stay in L1 from one step to the next when every step reads its rows first to last: each step
    /// evicts the rows the next one reads first. Above it the forward recurrence (R) and the backward one (R^T) read the
    /// rows in alternating order.
    /// </summary>
    private const int L1KernelBytes = 24 * 1024;

    private readonly CellProgram _cell;
    private readonly (int Offset, int Width)[] _chunks;
    private readonly int _maxWidth;

    public VectorLowering(CellProgram cell, int maxWidth)
    {
        _cell = cell;
        _maxWidth = maxWidth;
        _chunks = Chunks(cell.Units, maxWidth);
    }

    /// <summary><paramref name="units"/> split into chunks of 16, 8, 4 and 1 lanes (largest first, none wider than <paramref name="maxWidth"/>).</summary>
    internal static (int Offset, int Width)[] Chunks(int units, int maxWidth)
    {
        var chunks = new List<(int, int)>();
        int offset = 0;
        foreach (int width in new[] { 16, 8, 4, 1 })
        {
            if (width > maxWidth) continue;
            while (units - offset >= width)
            {
                chunks.Add((offset, width));
                offset += width;
            }
        }

        return chunks.ToArray();
    }

    private int U => _cell.Units;
    private int In => _cell.InputWidth;
    private int Columns => _cell.Columns;
    private LayerPlan Layer => _cell.Layer;

    /// <summary>The local's type for a chunk of <paramref name="width"/> lanes (the file's aliases; never <c>var</c>, which a user type may be named).</summary>
    internal static string TypeOf(int width) => width == 1 ? "float" : "RnnVector" + Suffix(width);

    internal static string Suffix(int width) => width == 1 ? "1" : (width * 32).ToString(System.Globalization.CultureInfo.InvariantCulture);
    internal static string Load(int width, string source, string offset) => $"{S}.Load{Suffix(width)}(ref {source}, {offset})";
    internal static string Splat(int width, string value) => $"{S}.Splat{Suffix(width)}({value})";
    internal static string Zero(int width) => width == 1 ? "0f" : $"{S}.Splat{Suffix(width)}(0f)";

    /// <summary>Every (gate, chunk) column block of the kernels, in layout order.</summary>
    private IEnumerable<(int Gate, int Chunk, int Column, int Width)> ColumnChunks(Func<GateForm, bool> include)
    {
        for (int g = 0; g < _cell.Gates.Count; g++)
        {
            if (!include(_cell.Gates[g])) continue;
            for (int c = 0; c < _chunks.Length; c++) yield return (g, c, g * U + _chunks[c].Offset, _chunks[c].Width);
        }
    }

    /// <summary>The bias of column block <paramref name="column"/> as the accumulator's start: input bias, plus the recurrent bias of a fused gate.</summary>
    private string ProjectionStart(int gate, int column, int width)
    {
        var terms = new List<string>();
        if (_cell.InputBiasOffset >= 0) terms.Add(Load(width, "pr", (_cell.InputBiasOffset + column).ToString()));
        if (_cell.RecurrentBiasOffset >= 0 && _cell.Gates[gate] == GateForm.Fused) terms.Add(Load(width, "pr", (_cell.RecurrentBiasOffset + column).ToString()));
        return terms.Count == 0 ? Zero(width) : string.Join(" + ", terms);
    }

    private string RecurrentStart(int column, int width) =>
        _cell.RecurrentBiasOffset >= 0 ? Load(width, "pr", (_cell.RecurrentBiasOffset + column).ToString()) : Zero(width);

    /// <summary>The variant's method body for the training / inference forward pass over the whole sequence.</summary>
    public void EmitForwardBody(CodeWriter w)
    {
        int t = Layer.Timesteps;
        w.WriteLine("ref float pr = ref " + S + ".Ref(p);");
        w.WriteLine("ref float xr = ref " + S + ".Ref(x);");
        w.WriteLine("ref float wr = ref " + S + ".Ref(ws);");
        if (HasProduct) w.WriteLine($"ref float mr = ref {S}.Ref(stackalloc float[{U}]); // r h_(s-1), the source of the second product");

        // The input projection of every timestep, one blocked pass before the recurrence: ws[s] = x_t K + b.
        w.WriteLine();
        w.WriteLine($"// input projection of all {t} timesteps, hoisted out of the recurrence: ws[s, :] = x_t K + b");
        using (w.Block($"for (int s = 0; s < {t}; s++)"))
        {
            w.WriteLine($"ref float xt = ref {S}.At(ref xr, {(Layer.Spec.GoBackwards ? $"({t - 1} - s)" : "s")} * {In});");
            w.WriteLine($"ref float slot = ref {S}.At(ref wr, s * {Columns});");
            var columns = ColumnChunks(_ => true).ToList();
            foreach (var block in Blocks(columns))
            {
                foreach (var c in block) w.WriteLine($"{TypeOf(c.Width)} q{c.Gate}_{c.Chunk} = {ProjectionStart(c.Gate, c.Column, c.Width)};");
                EmitProduct(w, "xt", In, $"{Layer.KernelOffset}", block.Select(c => ($"q{c.Gate}_{c.Chunk}", c.Column, c.Width)).ToList());
                foreach (var c in block) w.WriteLine($"{S}.Store(q{c.Gate}_{c.Chunk}, ref slot, {c.Column});");
            }
        }

        // The recurrence: only h_(s-1) R and the element-wise cell remain on the critical path.
        w.WriteLine();
        w.WriteLine("// state, carried in registers from step to step: zero before the first");
        DeclareStates(w, fromSpan: null);
        CacheSlot output = _cell.OutputSlot;
        using (w.Block($"for (int s = 0; s < {t}; s++)"))
        {
            w.WriteLine($"ref float slot = ref {S}.At(ref wr, s * {Columns});");
            w.WriteLine("// gate pre-activations start from the projection (and the recurrent bias of a split gate)");
            foreach (var c in ColumnChunks(_ => true)) w.WriteLine($"{TypeOf(c.Width)} a{c.Gate}_{c.Chunk} = {Load(c.Width, "slot", c.Column.ToString())};");
            foreach (var c in ColumnChunks(f => f == GateForm.Split)) w.WriteLine($"{TypeOf(c.Width)} r{c.Gate}_{c.Chunk} = {RecurrentStart(c.Column, c.Width)};");
            using (w.Block("if (s > 0)"))
            {
                w.WriteLine($"// + h_(s-1) R, reading h_(s-1) where the previous step cached it");
                w.WriteLine($"ref float hp = ref {S}.At(ref wr, {output.Offset} + (s - 1) * {output.Stride});");
                EmitProduct(w, "hp", U, $"{Layer.RecurrentOffset}", Columns, RecurrentAccumulators(), acrossSteps: true);
            }

            EmitCellStatements(w, cache: true);
            EmitStateUpdate(w);
        }
    }

    /// <summary>The variant's method body for one streaming step: state in, output and new state out.</summary>
    public void EmitStepBody(CodeWriter w)
    {
        w.WriteLine("ref float pr = ref " + S + ".Ref(p);");
        w.WriteLine("ref float xr = ref " + S + ".Ref(x);");
        w.WriteLine("ref float st = ref " + S + ".Ref(state);");
        w.WriteLine("ref float yr = ref " + S + ".Ref(y);");
        if (HasProduct) w.WriteLine($"ref float mr = ref {S}.Ref(stackalloc float[{U}]); // r h, the source of the second product");
        DeclareStates(w, fromSpan: "st");
        w.WriteLine("// gate pre-activations: b + x K (+ the recurrent bias), then + h R");
        var all = ColumnChunks(_ => true).ToList();
        foreach (var c in all) w.WriteLine($"{TypeOf(c.Width)} a{c.Gate}_{c.Chunk} = {ProjectionStart(c.Gate, c.Column, c.Width)};");
        foreach (var c in ColumnChunks(f => f == GateForm.Split)) w.WriteLine($"{TypeOf(c.Width)} r{c.Gate}_{c.Chunk} = {RecurrentStart(c.Column, c.Width)};");
        EmitProduct(w, "xr", In, $"{Layer.KernelOffset}", all.Select(c => ($"a{c.Gate}_{c.Chunk}", c.Column, c.Width)).ToList());
        EmitProduct(w, "st", U, $"{Layer.RecurrentOffset}", RecurrentAccumulators());
        EmitCellStatements(w, cache: false);
        w.WriteLine("// output and new state");
        foreach (var (o, c) in Chunked()) w.WriteLine($"{S}.Store({_cell.Output}_{c}, ref yr, {o});");
        for (int i = 0; i < _cell.States.Count; i++)
        {
            foreach (var (o, c) in Chunked()) w.WriteLine($"{S}.Store({_cell.States[i].Next}_{c}, ref st, {i * U + o});");
        }
    }

    /// <summary>
    /// Whether the backward pass can be lowered: every activation is a whole statement (its derivative reads the cached
    /// output), and every <see cref="RecurrentProduct"/> feeds an input-only gate from a source the backward pass can
    /// recompute from the cache (its weight gradient reads the source of every step).
    /// </summary>
    public static bool CanLowerBackward(CellProgram cell) =>
        cell.Statements.All(st => !Find<Activated>(st.Expression).Any(a => !ReferenceEquals(a, st.Expression)))
        && cell.Statements.SelectMany(st => Find<RecurrentProduct>(st.Expression))
            .All(m => cell.Gates[m.Gate] == GateForm.InputOnly && Recomputable(cell, new Value(m.Source)));

    /// <summary>Whether <paramref name="e"/> is made of cached values, states and arithmetic only.</summary>
    private static bool Recomputable(CellProgram cell, CellExpr e) => e switch
    {
        Value v when cell.States.Any(st => st.State == v.Name) => true,
        Value v => cell.Statements.FirstOrDefault(st => st.Name == v.Name) is { } st && (st.Cache is not null || Recomputable(cell, st.Expression)),
        Binary b => Recomputable(cell, b.Left) && Recomputable(cell, b.Right),
        _ => false,
    };

    private bool HasSplit => _cell.Gates.Contains(GateForm.Split);

    /// <summary>Whether dA has a recurrent side apart from the input side: a split gate, or a gate fed by a second product.</summary>
    private static bool TwoSided(CellProgram cell) => cell.Gates.Any(g => g != GateForm.Fused);

    /// <summary>
    /// Scratch floats of the vector backward: dA of every step (input side, and recurrent side when a gate is split or
    /// fed by a second product), R^T when there is more than one step, and the carried dh.
    /// </summary>
    public static int BackwardScratch(CellProgram cell) =>
        cell.Layer.Timesteps * cell.Columns * (TwoSided(cell) ? 2 : 1) + KernelTransposeLength(cell) + TransposeLength(cell) + cell.Units;

    /// <summary>
    /// Whether dx = dA K^T reads a transposed copy of K ([Columns, In], a broadcast multiply-add per column into the
    /// chunks of dx) rather than one dot product and horizontal sum per input feature: when the columns are few
    /// against what the dot products cost (2 Columns instructions against In (Columns / 16 + 20)), as for a SimpleRnn
    /// over a handful of features, and dx fills at least one vector of 4.
    /// </summary>
    private static bool TransposedKernel(CellProgram cell) =>
        cell.InputWidth is >= 4 and <= 16 && 2 * cell.Columns < cell.InputWidth * (cell.Columns / 16 + 20);

    private static int KernelTransposeLength(CellProgram cell) => TransposedKernel(cell) ? cell.Columns * cell.InputWidth : 0;

    // The backward scratch after dA: [K^T][R^T][dh], each part present or empty as above.
    private int DhOffset => BackwardScratch(_cell) - U;
    private int RtOffset => DhOffset - TransposeLength(_cell);
    private int KtOffset => RtOffset - KernelTransposeLength(_cell);

    /// <summary>
    /// Copies the weight matrix of <paramref name="rows"/> rows × Columns at <c>pr[matrixOffset]</c> transposed into the
    /// scratch at <paramref name="offset"/>, as <c>ref float name</c>: row c of the copy is column c of the matrix.
    /// </summary>
    private void EmitTransposed(CodeWriter w, string name, int offset, int matrixOffset, int rows, string row, string? comment)
    {
        w.WriteLine($"ref float {name} = ref {S}.At(ref dar, {offset});{(comment is null ? "" : " // " + comment)}");
        using (w.Block($"for (int {row} = 0; {row} < {rows}; {row}++)"))
        {
            w.WriteLine($"ref float row = ref {S}.At(ref pr, {matrixOffset} + {row} * {Columns});");
            w.WriteLine($"for (int c = 0; c < {Columns}; c++) {S}.Store({S}.Load1(ref row, c), ref {name}, c * {rows} + {row});");
        }
    }

    /// <summary>
    /// Floats of the transposed recurrent kernel, [Columns, Units]: dh_(s-1) = dA R^T then reads R^T a row per column, so
    /// it is broadcast multiply-adds like the forward h R, rather than one dot product and horizontal sum per unit. One
    /// step has no such product.
    /// </summary>
    private static int TransposeLength(CellProgram cell) => cell.Layer.Timesteps > 1 ? cell.Columns * cell.Units : 0;

    /// <summary>
    /// The variant's backward pass through time. Per step, last to first: the forward values come back from the cache,
    /// reverse mode over the cell's statements gives dA (the gradient of every gate pre-activation), dA is kept per step,
    /// and dh_(s-1) = (element-wise part) + dA R^T is the only product on the sequential path. After the loop the weight
    /// gradients are blocked outer products over all steps (dK += X^T dA, dR += H^T dA, db += sum dA) and dx = dA K^T.
    /// </summary>
    public void EmitBackwardBody(CodeWriter w)
    {
        int t = Layer.Timesteps, cols = Columns;
        bool split = TwoSided(_cell);
        CacheSlot output = _cell.OutputSlot;
        w.WriteLine($"ref float pr = ref {S}.Ref(p);");
        w.WriteLine($"ref float gr = ref {S}.Ref(g);");
        w.WriteLine($"ref float xr = ref {S}.Ref(x);");
        w.WriteLine($"ref float wr = ref {S}.Ref(ws);");
        w.WriteLine($"ref float dyr = ref {S}.Ref(dy);");
        w.WriteLine($"ref float dxr = ref {S}.Ref(dx);");
        w.WriteLine($"ref float dar = ref {S}.Ref(scratch); // dLoss/d(gate pre-activations), input side, [T, {cols}]");
        w.WriteLine(!split
            ? "ref float drr = ref dar; // every gate is fused: the recurrent side is the input side"
            : HasSplit
                ? $"ref float drr = ref {S}.At(ref dar, {t * cols}); // the same, recurrent side (split gates differ), [T, {cols}]"
                : $"ref float drr = ref {S}.At(ref dar, {t * cols}); // the same, recurrent side (a second product's gate holds dLoss/d(product)), [T, {cols}]");
        if (HasProduct) w.WriteLine($"ref float mr = ref {S}.Ref(stackalloc float[{U}]); // the gradient of a second product's source");
        int dhOffset = DhOffset;
        w.WriteLine($"ref float dhr = ref {S}.At(ref dar, {dhOffset}); // dLoss/dh_(s-1), carried to the earlier step");
        if (t > 1) EmitTransposed(w, "rtr", RtOffset, Layer.RecurrentOffset, U, "k", $"R^T, [{cols}, {U}]: row c is column c of R");

        w.WriteLine(Layer.Spec.ReturnSequences
            ? $"scratch.Slice({dhOffset}, {U}).Clear(); // every step's output is in dy"
            : $"dy.CopyTo(scratch.Slice({dhOffset}, {U})); // only the last state is an output");
        var carried = _cell.States.Skip(1).Where(st => ReadsState(st.State)).ToList();
        foreach (var (state, _) in carried)
        {
            foreach (var (o, c) in Chunked()) w.WriteLine($"{TypeOf(_chunks[c].Width)} carry{state}_{c} = {Zero(_chunks[c].Width)}; // dLoss/d{state}_(s-1)");
        }

        w.WriteLine();
        w.WriteLine("// backward through time, last step first");
        using (w.Block($"for (int s = {t - 1}; s >= 0; s--)"))
        {
            w.WriteLine($"ref float slot = ref {S}.At(ref wr, s * {cols});");
            w.WriteLine("// this step's forward values, from the cache, and the previous state");
            foreach (CellStatement st in _cell.Statements)
            {
                if (!BackwardReads(st.Name)) continue;
                if (st.Cache is { } cache)
                {
                    var (at, baseOffset) = CacheAddress(w, st.Name, cache);
                    foreach (var (o, c) in Chunked()) w.WriteLine($"{TypeOf(_chunks[c].Width)} {st.Name}_{c} = {Load(_chunks[c].Width, at, (baseOffset + o).ToString())};");
                }
                else
                {
                    foreach (var (o, c) in Chunked()) w.WriteLine($"{TypeOf(_chunks[c].Width)} {st.Name}_{c} = {Lower(st.Expression, c, top: true)};");
                }
            }

            foreach (var (state, next) in _cell.States)
            {
                if (!ReadsState(state)) continue;
                CacheSlot slot = _cell.Statements.First(st => st.Name == next).Cache!;
                foreach (var (o, c) in Chunked())
                {
                    int width = _chunks[c].Width;
                    w.WriteLine($"{TypeOf(width)} {state}_{c} = s > 0 ? {Load(width, "wr", $"{slot.Offset + o} + (s - 1) * {slot.Stride}")} : {Zero(width)};");
                }
            }

            w.WriteLine("// the gradient arriving at the new state: from the output and from the later step");
            var declared = new HashSet<string>();
            foreach (var (o, c) in Chunked())
            {
                int width = _chunks[c].Width;
                string fromDy = Layer.Spec.ReturnSequences ? $" + {Load(width, "dyr", $"s * {U} + {o}")}" : "";
                w.WriteLine($"{TypeOf(width)} d{_cell.Output}_{c} = {Load(width, "dhr", o.ToString())}{fromDy};");
            }

            declared.Add("d" + _cell.Output);
            foreach (var (state, next) in carried)
            {
                foreach (var (o, c) in Chunked()) w.WriteLine($"{TypeOf(_chunks[c].Width)} d{next}_{c} = carry{state}_{c};");
                declared.Add("d" + next);
            }

            // Reverse mode over the statements, last first: each adds its share into the adjoints of what it reads.
            foreach (CellStatement st in _cell.Statements.Reverse())
            {
                if (!declared.Contains("d" + st.Name)) continue;
                w.WriteLine($"// through {st.Name} = {Describe(st.Expression)}");
                CellExpr body = st.Expression;
                string adjoint = "d" + st.Name;
                if (body is Activated act)
                {
                    foreach (var (o, c) in Chunked())
                    {
                        w.WriteLine($"{TypeOf(_chunks[c].Width)} g{st.Name}_{c} = {Derivative(act.Activation, $"{st.Name}_{c}", $"{adjoint}_{c}", _chunks[c].Width)};");
                    }

                    body = act.Argument;
                    adjoint = "g" + st.Name;
                }

                Propagate(w, body, c => $"{adjoint}_{c}", declared);
                foreach (RecurrentProduct product in Find<RecurrentProduct>(st.Expression)) EmitProductTranspose(w, product, declared);
            }

            w.WriteLine("// keep dA of this step for the weight gradients");
            w.WriteLine($"ref float daSlot = ref {S}.At(ref dar, s * {cols});");
            if (split) w.WriteLine($"ref float drSlot = ref {S}.At(ref drr, s * {cols});");
            foreach (var col in ColumnChunks(_ => true))
            {
                w.WriteLine($"{S}.Store({Adjoint(declared, $"da{col.Gate}", col.Chunk)}, ref daSlot, {col.Column});");
                if (split) w.WriteLine($"{S}.Store({RecurrentAdjoint(declared, col.Gate, col.Chunk)}, ref drSlot, {col.Column});");
            }

            foreach (var (state, _) in carried)
            {
                w.WriteLine(string.Join(" ", Chunked().Select(c => $"carry{state}_{c.Chunk} = {Adjoint(declared, "d" + state, c.Chunk)};")));
            }

            // one step has no earlier step to pass dh to
            if (t > 1) using (w.Block("if (s > 0)"))
            {
                w.WriteLine("// dLoss/dh_(s-1) = (element-wise part) + dA_recurrent R^T: a row of R^T per column, broadcast from this step's dA");
                var dhAcc = Chunked().Select(c => ($"dhPrev_{c.Chunk}", c.Offset, _chunks[c.Chunk].Width)).ToList();
                foreach (var (o, c) in Chunked()) w.WriteLine($"{TypeOf(_chunks[c].Width)} dhPrev_{c} = {Adjoint(declared, "dh", c)};");
                string slotRef = split ? "drSlot" : "daSlot";
                // the gates whose recurrent side is a product with R, in runs of consecutive gates
                for (int gate = 0; gate < _cell.Gates.Count;)
                {
                    if (_cell.Gates[gate] == GateForm.InputOnly) { gate++; continue; }
                    int first = gate;
                    while (gate < _cell.Gates.Count && _cell.Gates[gate] != GateForm.InputOnly) gate++;
                    string source = first == 0 ? slotRef : $"dAr{first}";
                    if (first != 0) w.WriteLine($"ref float {source} = ref {S}.At(ref {slotRef}, {first * U});");
                    EmitProduct(w, source, (gate - first) * U, $"{first * U * U}", U, dhAcc, matrix: "rtr", acrossSteps: true);
                }

                foreach (var (name, o, _) in dhAcc) w.WriteLine($"{S}.Store({name}, ref dhr, {o});");
            }
        }

        EmitWeightGradients(w);
    }

    /// <summary>Whether the backward pass reads the forward value <paramref name="name"/>: an activation's output, or a factor of a product.</summary>
    private bool BackwardReads(string name) => _cell.BackwardReads(name);

    /// <summary>The adjoint local, or zero when nothing reached it.</summary>
    private string Adjoint(HashSet<string> declared, string name, int chunk) =>
        declared.Contains(name) ? $"{name}_{chunk}" : Zero(_chunks[chunk].Width);

    /// <summary>
    /// What the recurrent product of gate <paramref name="gate"/> receives: dA for a fused gate, dR for a split one, and
    /// the adjoint of the second product for an input-only gate.
    /// </summary>
    private string RecurrentAdjoint(HashSet<string> declared, int gate, int chunk) =>
        Adjoint(declared, _cell.Gates[gate] switch { GateForm.Split => $"dr{gate}", GateForm.InputOnly => $"dm{gate}", _ => $"da{gate}" }, chunk);

    /// <summary>
    /// The reverse of a second product <c>m = v R_g</c>: <c>dv += dm R_g^T</c>, one dot product per unit over gate g's
    /// columns, through memory (<c>mr</c>), since every unit of <c>dv</c> reads every chunk of <c>dm</c>.
    /// </summary>
    private void EmitProductTranspose(CodeWriter w, RecurrentProduct product, HashSet<string> declared)
    {
        string dm = $"dm{product.Gate}";
        if (!declared.Contains(dm)) return;
        w.WriteLine($"// d{product.Source} += {dm} R_{product.Gate}^T: the second product's transpose, one dot product per unit");
        using (w.Block($"for (int k = 0; k < {U}; k++)"))
        {
            w.WriteLine($"ref float row = ref {S}.At(ref pr, {Layer.RecurrentOffset} + k * {Columns});");
            string sum = EmitDot(w, Chunked().Select(c => ($"{dm}_{c.Chunk}", product.Gate * U + c.Offset, _chunks[c.Chunk].Width)), "row");
            w.WriteLine($"{S}.Store({sum}, ref mr, k);");
        }

        Accumulate(w, "d" + product.Source, c => Load(_chunks[c].Width, "mr", _chunks[c].Offset.ToString()), declared);
    }

    /// <summary>
    /// The scalar value of <paramref name="e"/> for unit <c>k</c> at step <c>s</c> (s &gt; 0), recomputed from the cache:
    /// a cached value from its slot, a state from the previous step's slot of its next value.
    /// </summary>
    private string CachedScalar(CellExpr e, bool top = false) => e switch
    {
        Value v when _cell.States.Any(st => st.State == v.Name) =>
            CachedScalar(_cell.Statements.First(st => st.Name == _cell.States.First(x => x.State == v.Name).Next).Cache!, "(s - 1)"),
        Value v when _cell.Statements.First(st => st.Name == v.Name) is { Cache: { } cache } => CachedScalar(cache, "s"),
        Value v => CachedScalar(_cell.Statements.First(st => st.Name == v.Name).Expression, top),
        Binary b => top ? $"{CachedScalar(b.Left)} {b.Operator} {CachedScalar(b.Right)}" : $"({CachedScalar(b.Left)} {b.Operator} {CachedScalar(b.Right)})",
        _ => throw new InvalidOperationException("The vector backward cannot recompute " + e),
    };

    private static string CachedScalar(CacheSlot slot, string step) => $"{S}.Load1(ref wr, {slot.Offset} + {step} * {slot.Stride} + k)";

    /// <summary>Adds <paramref name="adjoint"/> into the adjoints of everything <paramref name="e"/> reads (reverse mode).</summary>
    private void Propagate(CodeWriter w, CellExpr e, Func<int, string> adjoint, HashSet<string> declared)
    {
        switch (e)
        {
            case GateInput g: Accumulate(w, $"da{g.Index}", adjoint, declared); break;
            case GateRecurrent g: Accumulate(w, $"dr{g.Index}", adjoint, declared); break;
            case RecurrentProduct m: Accumulate(w, $"dm{m.Gate}", adjoint, declared); break;
            case Value v: Accumulate(w, "d" + v.Name, adjoint, declared); break;
            case Binary { Operator: '+' } b:
                Propagate(w, b.Left, adjoint, declared);
                Propagate(w, b.Right, adjoint, declared);
                break;
            case Binary { Operator: '-' } b:
                Propagate(w, b.Left, adjoint, declared);
                Propagate(w, b.Right, c => $"-{adjoint(c)}", declared);
                break;
            case Binary { Operator: '*' } b:
                Propagate(w, b.Left, c => $"{adjoint(c)} * {Forward(b.Right, c)}", declared);
                Propagate(w, b.Right, c => $"{adjoint(c)} * {Forward(b.Left, c)}", declared);
                break;
            default:
                throw new InvalidOperationException("The vector backward cannot differentiate " + e);
        }
    }

    /// <summary>A forward value inside the backward pass: only values and states are at hand there.</summary>
    private string Forward(CellExpr e, int chunk) => e switch
    {
        Value v => $"{v.Name}_{chunk}",
        Binary b => $"({Forward(b.Left, chunk)} {b.Operator} {Forward(b.Right, chunk)})",
        _ => throw new InvalidOperationException("The vector backward needs the forward value of " + e),
    };

    private void Accumulate(CodeWriter w, string name, Func<int, string> adjoint, HashSet<string> declared)
    {
        bool first = declared.Add(name);
        foreach (var (_, c) in Chunked())
        {
            w.WriteLine(first ? $"{TypeOf(_chunks[c].Width)} {name}_{c} = {adjoint(c)};" : $"{name}_{c} = {name}_{c} + {adjoint(c)};");
        }
    }

    /// <summary><c>f(z)</c> for a local of any width (the runtime's overloads pick the width).</summary>
    internal static string Activate(ActivationKind activation, string z) => activation switch
    {
        ActivationKind.Tanh => $"{S}.Tanh({z})",
        ActivationKind.Sigmoid => $"{S}.Sigmoid({z})",
        ActivationKind.Relu => $"{S}.Relu({z})",
        ActivationKind.HardSigmoid => $"{S}.HardSigmoid({z})",
        _ => z,
    };

    /// <summary><c>d * f'(z)</c> from the output <c>y = f(z)</c>.</summary>
    internal static string Derivative(ActivationKind activation, string y, string d, int width) => activation switch
    {
        ActivationKind.Tanh => $"{d} * ({(width == 1 ? "1f" : $"{S}.Splat{Suffix(width)}(1f)")} - {y} * {y})",
        ActivationKind.Sigmoid => $"{d} * {y} * ({(width == 1 ? "1f" : $"{S}.Splat{Suffix(width)}(1f)")} - {y})",
        ActivationKind.Relu => $"{S}.ReluBackward({y}, {d})",
        ActivationKind.HardSigmoid => $"{S}.HardSigmoidBackward({y}, {d})",
        _ => d,
    };

    /// <summary>
    /// After the recurrence: db += sum_s dA (and the recurrent bias row from the recurrent side), dK += X^T dA,
    /// dR += H_(s-1)^T dA_recurrent, as outer products accumulated in registers over all steps; dx = dA K^T.
    /// </summary>
    private void EmitWeightGradients(CodeWriter w)
    {
        int t = Layer.Timesteps, cols = Columns;
        string inputStep = Layer.Spec.GoBackwards ? $"({t - 1} - s)" : "s";
        var columns = ColumnChunks(_ => true).ToList();
        CacheSlot output = _cell.OutputSlot;

        void Sums(string comment, Func<string, string> gradientOffset, string source, Func<string, string>? rowValue, int firstStep, string rowVariable = "", int rows = 1) =>
            SumsOver(columns, comment, gradientOffset, source, rowValue, firstStep, rowVariable, rows: rows);

        void SumsOver(List<(int Gate, int Chunk, int Column, int Width)> blockColumns, string comment, Func<string, string> gradientOffset, string source,
            Func<string, string>? rowValue, int firstStep, string rowVariable, bool hoistRow = false, int rows = 1)
        {
            // g[gradientOffset(row) + column] += sum_s rowValue(row, s) * source[s, column], in blocks of accumulators; with
            // few columns, `rows` consecutive rows share the loop over s (more independent multiply-add chains).
            w.WriteLine("// " + comment);
            string Row(int j) => j == 0 ? rowVariable : $"{rowVariable} + {j}";
            string Acc((int Gate, int Chunk, int Column, int Width) col, int j) => j == 0 ? $"w{col.Gate}_{col.Chunk}" : $"w{col.Gate}_{col.Chunk}_{j}";
            foreach (var block in Blocks(blockColumns))
            {
                using (w.Block())
                {
                    for (int j = 0; j < rows; j++)
                    {
                        foreach (var col in block) w.WriteLine($"{TypeOf(col.Width)} {Acc(col, j)} = {Zero(col.Width)};");
                    }

                    using (w.Block($"for (int s = {firstStep}; s < {t}; s++)"))
                    {
                        w.WriteLine($"ref float at = ref {S}.At(ref {source}, s * {cols});");
                        for (int j = 0; j < rows; j++)
                        {
                            string suffix = rows > 1 ? $"_{j}" : "";
                            if (hoistRow) w.WriteLine($"float rv{suffix} = {rowValue!(Row(j))};");
                            foreach (int width in block.Select(col => col.Width).Distinct())
                            {
                                if (rowValue is not null) w.WriteLine($"{TypeOf(width)} v{Suffix(width)}{suffix} = {Splat(width, hoistRow ? "rv" + suffix : rowValue(Row(j)))};");
                            }

                            foreach (var col in block)
                            {
                                string load = Load(col.Width, "at", col.Column.ToString());
                                w.WriteLine(rowValue is null
                                    ? $"{Acc(col, j)} = {Acc(col, j)} + {load};"
                                    : $"{Acc(col, j)} = {S}.MultiplyAdd(v{Suffix(col.Width)}{suffix}, {load}, {Acc(col, j)});");
                            }
                        }
                    }

                    for (int j = 0; j < rows; j++)
                    {
                        foreach (var col in block)
                        {
                            string at = $"{gradientOffset(Row(j))} + {col.Column}";
                            w.WriteLine($"{S}.Store({Load(col.Width, "gr", at)} + {Acc(col, j)}, ref gr, {at});");
                        }
                    }
                }
            }
        }

        static string Paren(string row) => row.Contains(' ') ? $"({row})" : row;

        // Rows per pass over the steps: enough accumulator chains to hide the multiply-add latency, within the registers.
        int RowsPerPass(int count, int accumulators)
        {
            foreach (int rows in new[] { 4, 2 })
            {
                if (count % rows == 0 && accumulators * rows <= 12 && accumulators < ChainsWanted) return rows;
            }

            return 1;
        }

        w.WriteLine();
        if (_cell.InputBiasOffset >= 0) Sums("db += sum_s dA", _ => _cell.InputBiasOffset.ToString(), "dar", null, 0);
        if (_cell.RecurrentBiasOffset >= 0) Sums("db' (recurrent bias row) += sum_s dA_recurrent", _ => _cell.RecurrentBiasOffset.ToString(), "drr", null, 0);
        int inputRows = RowsPerPass(In, columns.Count);
        using (w.Block(inputRows == 1 ? $"for (int i = 0; i < {In}; i++)" : $"for (int i = 0; i < {In}; i += {inputRows})"))
        {
            Sums(inputRows == 1 ? "dK[i, :] += sum_s x_t[i] dA_s" : $"dK[i..i+{inputRows - 1}, :] += sum_s x_t[i..] dA_s",
                row => $"{Layer.KernelOffset} + {Paren(row)} * {cols}", "dar", row => $"{S}.Load1(ref xr, {inputStep} * {In} + {row})", 0, "i", inputRows);
        }

        var recurrentColumns = HasProduct ? ColumnChunks(f => f != GateForm.InputOnly).ToList() : columns;
        int stateRows = HasProduct ? 1 : RowsPerPass(U, recurrentColumns.Count);
        using (w.Block(stateRows == 1 ? $"for (int k = 0; k < {U}; k++)" : $"for (int k = 0; k < {U}; k += {stateRows})"))
        {
            Func<string, string> recurrentRow = row => $"{Layer.RecurrentOffset} + {Paren(row)} * {cols}";
            Func<string, string> previousState = row => $"{S}.Load1(ref wr, {output.Offset} + (s - 1) * {output.Stride} + {row})";
            if (!HasProduct)
            {
                Sums(stateRows == 1 ? "dR[k, :] += sum_(s>0) h_(s-1)[k] dA_recurrent_s" : $"dR[k..k+{stateRows - 1}, :] += sum_(s>0) h_(s-1)[k..] dA_recurrent_s",
                    recurrentRow, "drr", previousState, 1, "k", stateRows);
            }
            else
            {
                // Gates fed by h_(s-1) R, then each second product's gate, fed by its source (recomputed from the cache).
                SumsOver(recurrentColumns, "dR[k, gates fed by h] += sum_(s>0) h_(s-1)[k] dA_recurrent_s", recurrentRow, "drr", previousState, 1, "k");
                foreach (RecurrentProduct product in _cell.Statements.SelectMany(st => Find<RecurrentProduct>(st.Expression)))
                {
                    CellExpr source = _cell.Statements.First(st => st.Name == product.Source).Expression;
                    SumsOver(ColumnChunks(f => f == GateForm.InputOnly).Where(c => c.Gate == product.Gate).ToList(),
                        $"dR[k, gate {product.Gate}] += sum_(s>0) {product.Source}_s[k] dm_s, {product.Source} = {Describe(source)} recomputed from the cache",
                        recurrentRow, "drr", _ => CachedScalar(source, top: true), 1, "k", hoistRow: true);
                }
            }
        }

        if (TransposedKernel(_cell))
        {
            w.WriteLine($"// dx_t = dA_s K^T over K^T, [{cols}, {In}] (row c is column c of K): a broadcast of dA_s[c] per column");
            EmitTransposed(w, "ktr", KtOffset, Layer.KernelOffset, In, "i", comment: null);

            var dxChunks = Chunks(In, _maxWidth);
            var dxAcc = dxChunks.Select((c, i) => ($"dx_{i}", c.Offset, c.Width)).ToList();
            using (w.Block($"for (int s = 0; s < {t}; s++)"))
            {
                w.WriteLine($"ref float at = ref {S}.At(ref dar, s * {cols});");
                foreach (var (name, _, width) in dxAcc) w.WriteLine($"{TypeOf(width)} {name} = {Zero(width)};");
                EmitProduct(w, "at", cols, "0", In, dxAcc, matrix: "ktr", unrollLimit: 0); // off the sequential path: a loop keeps the source small
                foreach (var (name, offset, _) in dxAcc) w.WriteLine($"{S}.Store({name}, ref dxr, {inputStep} * {In} + {offset});");
            }

            return;
        }

        w.WriteLine("// dx_t = dA_s K^T, one dot product per input feature");
        using (w.Block($"for (int s = 0; s < {t}; s++)"))
        {
            w.WriteLine($"ref float at = ref {S}.At(ref dar, s * {cols});");
            foreach (var col in columns) w.WriteLine($"{TypeOf(col.Width)} v{col.Gate}_{col.Chunk} = {Load(col.Width, "at", col.Column.ToString())};");
            using (w.Block($"for (int i = 0; i < {In}; i++)"))
            {
                w.WriteLine($"ref float row = ref {S}.At(ref pr, {Layer.KernelOffset} + i * {cols});");
                string sum = EmitDot(w, columns.Select(col => ($"v{col.Gate}_{col.Chunk}", col.Column, col.Width)), "row");
                w.WriteLine($"{S}.Store({sum}, ref dxr, {inputStep} * {In} + i);");
            }
        }
    }

    private bool HasProduct => _cell.Statements.Any(st => Contains<RecurrentProduct>(st.Expression));

    /// <summary>The accumulators <c>h R</c> adds into: fused gates' <c>a</c>, split gates' <c>r</c>.</summary>
    private List<(string Name, int Column, int Width)> RecurrentAccumulators() =>
        ColumnChunks(f => f != GateForm.InputOnly)
            .Select(c => (_cell.Gates[c.Gate] == GateForm.Split ? $"r{c.Gate}_{c.Chunk}" : $"a{c.Gate}_{c.Chunk}", c.Column, c.Width))
            .ToList();

    private IEnumerable<(int Offset, int Chunk)> Chunked() => _chunks.Select((c, i) => (c.Offset, i));

    /// <summary>Whether a statement reads state <paramref name="name"/> element-wise (h also feeds the product, from memory).</summary>
    private bool ReadsState(string name) => _cell.ReadsState(name);

    private void DeclareStates(CodeWriter w, string? fromSpan)
    {
        for (int i = 0; i < _cell.States.Count; i++)
        {
            string name = _cell.States[i].State;
            if (!ReadsState(name)) continue;
            foreach (var (o, c) in Chunked())
            {
                int width = _chunks[c].Width;
                w.WriteLine($"{TypeOf(width)} {name}_{c} = {(fromSpan is null ? Zero(width) : Load(width, fromSpan, (i * U + o).ToString()))};");
            }
        }
    }

    private void EmitStateUpdate(CodeWriter w)
    {
        w.WriteLine("// carry the state to the next step");
        foreach (var (state, next) in _cell.States)
        {
            if (!ReadsState(state)) continue;
            w.WriteLine(string.Join(" ", Chunked().Select(c => $"{state}_{c.Chunk} = {next}_{c.Chunk};")));
        }
    }

    /// <summary>The element-wise statements, chunk by chunk; cached values are stored to their training slot.</summary>
    /// <summary>
    /// Where step <c>s</c>'s value of <paramref name="name"/> is cached: inside the step's gate slot (<c>slot</c>, which
    /// holds the projection and the gates) at an offset, or through a ref of its own, declared here.
    /// </summary>
    private (string Ref, int Offset) CacheAddress(CodeWriter w, string name, CacheSlot cache)
    {
        if (cache.Stride == Columns && cache.Offset < Columns) return ("slot", cache.Offset);
        w.WriteLine($"ref float {name}Slot = ref {S}.At(ref wr, {cache.Offset} + s * {cache.Stride});");
        return ($"{name}Slot", 0);
    }

    /// <summary>
    /// <c>sum_j terms_j * row[column_j]</c> as one accumulator per chunk width (multiply-adds in column order), returned
    /// as the expression adding their horizontal sums.
    /// </summary>
    internal static string EmitDot(CodeWriter w, IEnumerable<(string Term, int Column, int Width)> terms, string row)
    {
        var byWidth = terms.GroupBy(term => term.Width).ToList();
        foreach (var group in byWidth)
        {
            string acc = $"e{Suffix(group.Key)}";
            bool first = true;
            foreach (var (term, column, width) in group)
            {
                string load = Load(width, row, column.ToString());
                w.WriteLine(first ? $"{TypeOf(width)} {acc} = {term} * {load};" : $"{acc} = {S}.MultiplyAdd({term}, {load}, {acc});");
                first = false;
            }
        }

        return string.Join(" + ", byWidth.Select(group => $"{S}.Sum(e{Suffix(group.Key)})"));
    }

    private void EmitCellStatements(CodeWriter w, bool cache)
    {
        foreach (CellStatement statement in _cell.Statements)
        {
            foreach (RecurrentProduct product in Find<RecurrentProduct>(statement.Expression))
            {
                w.WriteLine($"// {product.Source} R_{product.Gate}: a second product, once {product.Source} is known");
                foreach (var (o, c) in Chunked()) w.WriteLine($"{S}.Store({product.Source}_{c}, ref mr, {o});");
                var acc = Chunked().Select(c => ($"m{product.Gate}_{c.Chunk}", product.Gate * U + c.Offset, _chunks[c.Chunk].Width)).ToList();
                foreach (var a in acc) w.WriteLine($"{TypeOf(a.Item3)} {a.Item1} = {Zero(a.Item3)};");
                EmitProduct(w, "mr", U, $"{Layer.RecurrentOffset}", acc);
            }

            w.WriteLine($"// {statement.Name} = {Describe(statement.Expression)}");
            foreach (var (o, c) in Chunked()) w.WriteLine($"{TypeOf(_chunks[c].Width)} {statement.Name}_{c} = {Lower(statement.Expression, c, top: true)};");
            if (cache && statement.Cache is { } slot)
            {
                var (at, baseOffset) = CacheAddress(w, statement.Name, slot);
                foreach (var (o, c) in Chunked()) w.WriteLine($"{S}.Store({statement.Name}_{c}, ref {at}, {baseOffset + o});");
            }
        }
    }

    /// <summary>
    /// <c>acc_j += sum_k source[k] * W[k, column_j]</c> for <c>k</c> in <c>[0, length)</c>, W at <c>pr[weights + k * Columns]</c>.
    /// With few accumulators, the rows are split over several partial sums so enough multiply-add chains overlap.
    /// Small products are unrolled; larger ones loop over the rows, a few rows per iteration.
    /// </summary>
    private void EmitProduct(CodeWriter w, string source, int length, string weights, IReadOnlyList<(string Name, int Column, int Width)> acc) =>
        EmitProduct(w, source, length, weights, Columns, acc);

    /// <summary>
    /// The same over a matrix of <paramref name="stride"/> columns (a Dense kernel), at <paramref name="matrix"/> (the
    /// parameters, or a transposed copy in the scratch), unrolled up to <paramref name="unrollLimit"/> multiply-adds.
    /// With <paramref name="acrossSteps"/> (the product is inside the loop over steps <c>s</c>), a looped product over a
    /// matrix larger than <see cref="L1KernelBytes"/> reads its rows first to last on even steps and last to first on odd
    /// ones, so it is read from L1 where the previous step left off instead of from L2 throughout (gru64 Predict: 1.22x
    /// faster).
    /// </summary>
    internal static void EmitProduct(CodeWriter w, string source, int length, string weights, int stride, IReadOnlyList<(string Name, int Column, int Width)> acc, string matrix = "pr",
        int unrollLimit = UnrollLimit, bool acrossSteps = false)
    {
        if (acc.Count == 0 || length == 0) return;
        bool alternate = acrossSteps && length * stride * sizeof(float) > L1KernelBytes;
        int sets = Math.Max(1, Math.Min(Math.Min(4, length), (ChainsWanted + acc.Count - 1) / acc.Count));
        using var scope = sets > 1 ? w.Block() : default(CodeWriter.Scope?);
        for (int j = 1; j < sets; j++)
        {
            foreach (var a in acc) w.WriteLine($"{TypeOf(a.Width)} {a.Name}_{j} = {Zero(a.Width)};");
        }

        string Partial(string name, int j) => j == 0 ? name : $"{name}_{j}";

        void Row(string rowRef, string index, int j, bool inLoop)
        {
            // One row k: broadcast source[k] once (per width), then one multiply-add per accumulator.
            string offset(int column) => (inLoop ? j * stride + column : column).ToString();
            foreach (int width in acc.Select(a => a.Width).Distinct())
            {
                w.WriteLine($"{TypeOf(width)} b{Suffix(width)}_{j} = {Splat(width, $"{S}.Load1(ref {source}, {index})")};");
            }

            foreach (var a in acc)
            {
                w.WriteLine($"{Partial(a.Name, j)} = {S}.MultiplyAdd(b{Suffix(a.Width)}_{j}, {Load(a.Width, rowRef, offset(a.Column))}, {Partial(a.Name, j)});");
            }
        }

        if (length * acc.Count <= unrollLimit)
        {
            for (int k = 0; k < length; k++)
            {
                using (w.Block())
                {
                    w.WriteLine($"ref float row = ref {S}.At(ref {matrix}, {weights} + {k * stride});");
                    Row("row", k.ToString(), k % sets, inLoop: false);
                }
            }
        }
        else
        {
            int full = length - length % sets;
            if (alternate) w.WriteLine("// rows first to last on even steps, last to first on odd ones: the rows this step reads first are the ones the last step left in L1");
            using (w.Block(alternate ? $"for (int i = 0; i < {full}; i += {sets})" : $"for (int k = 0; k < {full}; k += {sets})"))
            {
                if (alternate) w.WriteLine($"int k = (s & 1) == 0 ? i : {full - sets} - i;");
                w.WriteLine($"ref float row = ref {S}.At(ref {matrix}, {weights} + k * {stride});");
                for (int j = 0; j < sets; j++) Row("row", j == 0 ? "k" : $"k + {j}", j, inLoop: true);
            }

            for (int k = full; k < length; k++)
            {
                using (w.Block())
                {
                    w.WriteLine($"ref float row = ref {S}.At(ref {matrix}, {weights} + {k * stride});");
                    Row("row", k.ToString(), 0, inLoop: false);
                }
            }
        }

        if (sets > 1)
        {
            foreach (var a in acc)
            {
                w.WriteLine($"{a.Name} = {string.Join(" + ", Enumerable.Range(0, sets).Select(j => j == 0 ? a.Name : $"{a.Name}_{j}"))};");
            }
        }
    }

    /// <summary>Column chunks in blocks of at most 12 accumulators (what the registers hold beside the operands).</summary>
    internal static IEnumerable<List<T>> Blocks<T>(List<T> items)
    {
        for (int i = 0; i < items.Count; i += 12) yield return items.GetRange(i, Math.Min(12, items.Count - i));
    }

    private string Lower(CellExpr e, int chunk, bool top = false)
    {
        int width = _chunks[chunk].Width;
        switch (e)
        {
            case GateInput g: return $"a{g.Index}_{chunk}";
            case GateRecurrent g: return $"r{g.Index}_{chunk}";
            case RecurrentProduct m: return $"m{m.Gate}_{chunk}";
            case Value v: return $"{v.Name}_{chunk}";
            case Activated a: return Activate(a.Activation, Lower(a.Argument, chunk, top: true));
            case Binary { Operator: '+', Left: Binary { Operator: '*' } m } b:
                // a * b + c as one fused multiply-add.
                return $"{S}.MultiplyAdd({Lower(m.Left, chunk, top: true)}, {Lower(m.Right, chunk, top: true)}, {Lower(b.Right, chunk, top: true)})";
            case Binary { Operator: '+', Right: Binary { Operator: '*' } m } b:
                // c + a * b likewise.
                return $"{S}.MultiplyAdd({Lower(m.Left, chunk, top: true)}, {Lower(m.Right, chunk, top: true)}, {Lower(b.Left, chunk, top: true)})";
            case Binary b:
                string text = $"{Lower(b.Left, chunk)} {b.Operator} {Lower(b.Right, chunk)}";
                return top ? text : "(" + text + ")";
            default:
                throw new InvalidOperationException("Unknown cell expression " + e);
        }
    }

    /// <summary>The expression as a comment: <c>sigmoid(gate 0)</c>, <c>f * c + i * g</c>.</summary>
    public static string Describe(CellExpr e, bool top = true) => e switch
    {
        GateInput g => $"gate {g.Index}",
        GateRecurrent g => $"h R_{g.Index} + b'_{g.Index}",
        RecurrentProduct m => $"{m.Source} R_{m.Gate}",
        Value v => v.Name,
        RecurrentMask m => $"m_h{m.Gate}",
        Activated a => a.Activation == ActivationKind.Linear ? Describe(a.Argument) : $"{a.Activation.ToString().ToLowerInvariant()}({Describe(a.Argument)})",
        Binary b when top || b.Operator == '*' => $"{Describe(b.Left, false)} {b.Operator} {Describe(b.Right, false)}",
        Binary b => $"({Describe(b.Left, false)} {b.Operator} {Describe(b.Right, false)})",
        _ => e.ToString(),
    };

    private static bool Contains<T>(CellExpr e) where T : CellExpr => Find<T>(e).Any();

    private static IEnumerable<T> Find<T>(CellExpr e) where T : CellExpr => CellProgram.Find<T>(e);
}
