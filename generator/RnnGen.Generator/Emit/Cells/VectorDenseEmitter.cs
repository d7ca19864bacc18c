using System.Collections.Generic;
using System.Linq;
using RnnGen.Generator.Model;
using static RnnGen.Generator.Emit.Cells.VectorLowering;

namespace RnnGen.Generator.Emit.Cells;

/// <summary>
/// Dense in the vector tier: <c>y = f(x W + b)</c> with the output units in chunks of 16, 8, 4 and 1 lanes, each chunk a
/// vector accumulator over the input rows (weights through refs at constant offsets, slices checked once), the
/// activation vectorized (softmax: vector max, exp and sum). A single unit over 4+ inputs (a regression or binary head)
/// is one dot product instead: its kernel column is contiguous, so the inputs run in vector chunks with one horizontal
/// sum, where a chunk per unit would be one scalar accumulator. Backward: <c>dz = dy f'(y)</c> and <c>dx = dz W^T</c> per
/// application, then <c>dW += X^T dz</c> and <c>db += sum dz</c> as outer products accumulated in registers over all
/// applications. The constant-bound-loop emitter runs where no vector width is accelerated.
/// </summary>
internal sealed class VectorDenseEmitter : VectorTierEmitter
{
    private readonly LayerEmitter _loops;

    /// <summary>The width variants of the units' split, which the backward pass keeps (a dot product's are the inputs').</summary>
    private readonly (int Width, string Name)[] _unitWidths;

    public VectorDenseEmitter(LayerPlan layer, LayerEmitter loops) : base(layer)
    {
        _loops = loops;
        _unitWidths = DistinctWidths(layer.Units, _ => true);
        Widths = IsDot ? DistinctWidths(layer.InputWidth, _ => true) : _unitWidths;
    }

    /// <summary>One unit over at least one 4-lane chunk of inputs: the forward pass and the step are a dot product.</summary>
    private bool IsDot => U == 1 && In >= 4;

    /// <summary>Number of applications: one per timestep after a sequence, else one.</summary>
    private int N => Layer.InputIsSequence ? T : 1;

    public override int WorkspaceLength => N * U;
    public override int OutputOffset => 0;

    /// <summary>dz of every application, kept for the weight gradients after the loop.</summary>
    public override int ScratchLength => System.Math.Max(_loops.ScratchLength, N * U);

    public override string Describe() => _loops.Describe() + ", vector tier";

    private string Formula => $"y = {Name(Act)}(x W{(HasBias ? " + b" : "")})";

    public override void EmitForward(CodeWriter w) =>
        EmitTier(w, "forward", ForwardMethod, ForwardParameters, ForwardArguments, _loops.ForwardMethod,
            $"layer {Layer.Index} ({Layer.Name}) forward, vector tier: {Formula}{(N > 1 ? $", at each of {N} timesteps" : "")}, output units in vector accumulators",
            new[] { SliceGuard(("p", $"{ParameterEnd}"), ("x", $"{N * In}"), ("ws", $"{N * U}")) },
            width =>
            {
                w.WriteLine($"ref float pr = ref {S}.Ref(p);");
                w.WriteLine($"ref float xr = ref {S}.Ref(x);");
                w.WriteLine($"ref float wr = ref {S}.Ref(ws);");
                using (Applications(w))
                {
                    w.WriteLine($"ref float xn = ref {S}.At(ref xr, n * {In});");
                    w.WriteLine($"ref float yn = ref {S}.At(ref wr, n * {U});");
                    EmitApply(w, width, "xn", "yn");
                }
            },
            () => _loops.EmitForward(w));

    public override void EmitStep(CodeWriter w) =>
        EmitTier(w, "step", StepMethod, StepParameters, "p, x, state, y", _loops.StepMethod,
            $"layer {Layer.Index} ({Layer.Name}) streaming step, vector tier: {Formula}",
            new[] { SliceGuard(("p", $"{ParameterEnd}"), ("x", $"{In}"), ("y", $"{U}")) },
            width =>
            {
                w.WriteLine($"ref float pr = ref {S}.Ref(p);");
                w.WriteLine($"ref float xr = ref {S}.Ref(x);");
                w.WriteLine($"ref float yr = ref {S}.Ref(y);");
                EmitApply(w, width, "xr", "yr");
            },
            () => _loops.EmitStep(w));

    public override void EmitBackward(CodeWriter w) =>
        EmitTier(w, "backward", BackwardMethod, BackwardParameters, BackwardArguments, _loops.BackwardMethod,
            $"layer {Layer.Index} ({Layer.Name}) backward, vector tier: dz = dy {(Act == ActivationKind.Softmax ? "J_softmax" : "f'(y)")} and dx = dz W^T per application, then g += X^T dz{(HasBias ? ", sum dz" : "")}",
            new[] { SliceGuard(("p", $"{ParameterEnd}"), ("g", $"{ParameterEnd}"), ("x", $"{N * In}"), ("ws", $"{N * U}"), ("dy", $"{N * U}"), ("dx", $"{N * In}"), ("scratch", $"{N * U}")) },
            width => EmitBackwardBody(w, Chunks(U, width)),
            () => _loops.EmitBackward(w), _unitWidths);

    /// <summary><c>for (int n = 0; n &lt; N; n++)</c> over the applications, or one block with <c>n = 0</c>.</summary>
    private CodeWriter.Scope Applications(CodeWriter w)
    {
        if (N > 1) return w.Block($"for (int n = 0; n < {N}; n++)");
        CodeWriter.Scope scope = w.Block();
        w.WriteLine("const int n = 0; // applied once, to the last state");
        return scope;
    }

    /// <summary>One application: <c>y[o..] = f(b + sum_i x_i W[i, o..])</c> per block of chunks; softmax normalizes after.</summary>
    private void EmitApply(CodeWriter w, int width, string x, string y)
    {
        var all = Chunks(U, width).Select((c, i) => (Name: $"a{i}", Column: c.Offset, c.Width)).ToList();
        if (IsDot)
        {
            w.WriteLine($"// unit 0: {(HasBias ? "b + " : "")}x . W, one dot product over the inputs in vector chunks");
            using (w.Block())
            {
                string sum = EmitDot(w, Chunks(In, width).Select(c => (Load(c.Width, x, c.Offset.ToString()), K + c.Offset, c.Width)), "pr");
                w.WriteLine($"float a0 = {(HasBias ? $"{S}.Load1(ref pr, {B}) + " : "")}{sum};");
                w.WriteLine($"{S}.Store({Activate("a0")}, ref {y}, 0);");
            }
        }
        else
        {
            foreach (var block in Blocks(all))
            {
                w.WriteLine($"// units {block[0].Column}..{block[block.Count - 1].Column + block[block.Count - 1].Width - 1}: {(HasBias ? "b" : "0")} + x W, one accumulator per chunk");
                using (w.Block())
                {
                    foreach (var a in block) w.WriteLine($"{TypeOf(a.Width)} {a.Name} = {(HasBias ? Load(a.Width, "pr", (B + a.Column).ToString()) : Zero(a.Width))};");
                    EmitProduct(w, x, In, K.ToString(), U, block);
                    foreach (var a in block) w.WriteLine($"{S}.Store({Activate(a.Name)}, ref {y}, {a.Column});");
                }
            }
        }

        if (Act != ActivationKind.Softmax) return;
        w.WriteLine("// softmax: y = exp(z - max z) / sum exp(z - max z)");
        using (w.Block())
        {
            w.WriteLine($"float max = {BalancedCall("global::System.MathF.Max", all.Select(a => $"{S}.Max({Load(a.Width, y, a.Column.ToString())})").ToList())};");
            w.WriteLine("float sum = 0f;");
            foreach (var a in all)
            {
                w.WriteLine($"{TypeOf(a.Width)} e{a.Name} = {S}.Exp({Load(a.Width, y, a.Column.ToString())} - {Splat(a.Width, "max")});");
                w.WriteLine($"{S}.Store(e{a.Name}, ref {y}, {a.Column});");
                w.WriteLine($"sum += {S}.Sum(e{a.Name});");
            }

            w.WriteLine("float scale = 1f / sum;");
            foreach (var a in all) w.WriteLine($"{S}.Store({Load(a.Width, y, a.Column.ToString())} * {Splat(a.Width, "scale")}, ref {y}, {a.Column});");
        }
    }

    private string Activate(string z) => VectorLowering.Activate(Act, z);

    private void EmitBackwardBody(CodeWriter w, (int Offset, int Width)[] chunks)
    {
        var all = chunks.Select((c, i) => (Name: $"dz{i}", Column: c.Offset, c.Width)).ToList();
        w.WriteLine($"ref float pr = ref {S}.Ref(p);");
        w.WriteLine($"ref float gr = ref {S}.Ref(g);");
        w.WriteLine($"ref float xr = ref {S}.Ref(x);");
        w.WriteLine($"ref float wr = ref {S}.Ref(ws);");
        w.WriteLine($"ref float dyr = ref {S}.Ref(dy);");
        w.WriteLine($"ref float dxr = ref {S}.Ref(dx);");
        w.WriteLine($"ref float dzr = ref {S}.Ref(scratch); // dLoss/dz of every application, [{N}, {U}]");

        w.WriteLine();
        w.WriteLine("// dz = dy f'(y), kept for the weight gradients; dx = dz W^T, one dot product per input feature");
        using (Applications(w))
        {
            w.WriteLine($"ref float yn = ref {S}.At(ref wr, n * {U});");
            w.WriteLine($"ref float dyn = ref {S}.At(ref dyr, n * {U});");
            w.WriteLine($"ref float dzn = ref {S}.At(ref dzr, n * {U});");
            if (Act == ActivationKind.Softmax)
            {
                w.WriteLine("// softmax: dz_j = y_j (dy_j - sum_k dy_k y_k)");
                w.WriteLine($"float dot = {string.Join(" + ", all.Select(a => $"{S}.Sum({Load(a.Width, "dyn", a.Column.ToString())} * {Load(a.Width, "yn", a.Column.ToString())})"))};");
                foreach (var a in all)
                {
                    string yv = Load(a.Width, "yn", a.Column.ToString());
                    w.WriteLine($"{TypeOf(a.Width)} {a.Name} = {yv} * ({Load(a.Width, "dyn", a.Column.ToString())} - {Splat(a.Width, "dot")});");
                }
            }
            else
            {
                foreach (var a in all)
                {
                    if (Act == ActivationKind.Linear)
                    {
                        w.WriteLine($"{TypeOf(a.Width)} {a.Name} = {Load(a.Width, "dyn", a.Column.ToString())};");
                        continue;
                    }

                    w.WriteLine($"{TypeOf(a.Width)} y{a.Name} = {Load(a.Width, "yn", a.Column.ToString())};");
                    w.WriteLine($"{TypeOf(a.Width)} {a.Name} = {VectorLowering.Derivative(Act, "y" + a.Name, Load(a.Width, "dyn", a.Column.ToString()), a.Width)};");
                }
            }

            foreach (var a in all) w.WriteLine($"{S}.Store({a.Name}, ref dzn, {a.Column});");
            w.WriteLine($"ref float dxn = ref {S}.At(ref dxr, n * {In});");
            using (w.Block($"for (int i = 0; i < {In}; i++)"))
            {
                w.WriteLine($"ref float row = ref {S}.At(ref pr, {K} + i * {U});");
                string sum = EmitDot(w, all.Select(a => (a.Name, a.Column, a.Width)), "row");
                w.WriteLine($"{S}.Store({sum}, ref dxn, i);");
            }
        }

        void Sums(string comment, int gradientOffset, string? indexRow, string? rowValue)
        {
            // g[gradientOffset (+ i * U) + column] += sum_n rowValue(n) * dz[n, column], in blocks of accumulators.
            w.WriteLine("// " + comment);
            foreach (var block in Blocks(all))
            {
                using (w.Block())
                {
                    foreach (var a in block) w.WriteLine($"{TypeOf(a.Width)} w{a.Name} = {Zero(a.Width)};");
                    using (Applications(w))
                    {
                        w.WriteLine($"ref float at = ref {S}.At(ref dzr, n * {U});");
                        foreach (int width in block.Select(a => a.Width).Distinct())
                        {
                            if (rowValue is not null) w.WriteLine($"{TypeOf(width)} v{Suffix(width)} = {Splat(width, rowValue)};");
                        }

                        foreach (var a in block)
                        {
                            string load = Load(a.Width, "at", a.Column.ToString());
                            w.WriteLine(rowValue is null
                                ? $"w{a.Name} = w{a.Name} + {load};"
                                : $"w{a.Name} = {S}.MultiplyAdd(v{Suffix(a.Width)}, {load}, w{a.Name});");
                        }
                    }

                    foreach (var a in block)
                    {
                        string at = indexRow is null ? $"{gradientOffset + a.Column}" : $"{gradientOffset} + {indexRow} + {a.Column}";
                        w.WriteLine($"{S}.Store({Load(a.Width, "gr", at)} + w{a.Name}, ref gr, {at});");
                    }
                }
            }
        }

        w.WriteLine();
        if (HasBias) Sums("db += sum_n dz_n", B, null, null);
        using (w.Block($"for (int i = 0; i < {In}; i++)"))
        {
            Sums("dW[i, :] += sum_n x_n[i] dz_n, an outer product accumulated in registers", K, $"i * {U}", $"{S}.Load1(ref xr, n * {In} + i)");
        }
    }
}
