using System;
using System.Collections.Generic;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit;

/// <summary>
/// SimpleRnn: <c>h_s = f(x_t K + h_{s-1} R + b)</c>, <c>h_{-1} = 0</c>. Workspace: <c>h</c> for every timestep, <c>[T, u]</c>.
/// Backward: <c>dz = (dy_s + dh) f'(h_s)</c>; <c>dK += x_t^T dz</c>, <c>dR += h_{s-1}^T dz</c>, <c>db += dz</c>,
/// <c>dx_t = dz K^T</c>, and <c>dh = dz R^T</c> carries to step <c>s - 1</c>.
/// </summary>
internal sealed class SimpleRnnEmitter : LayerEmitter
{
    public SimpleRnnEmitter(LayerPlan layer, bool loops) : base(layer, loops) { }

    public override int WorkspaceLength => T * U;
    public override int OutputOffset => Layer.Spec.ReturnSequences ? 0 : (T - 1) * U;
    public override int ScratchLength => 2 * U;
    public override int StateLength => U;

    public override string Describe() =>
        $"SimpleRnn({U}, {Name(Act)}{(Layer.Spec.ReturnSequences ? ", sequences" : "")}{(Layer.Spec.GoBackwards ? ", backwards" : "")}{(HasBias ? "" : ", no bias")})";

    public override void EmitForward(CodeWriter w)
    {
        string comment = $"layer {Layer.Index} ({Layer.Name}) forward: h_s = {Name(Act)}(x_t K + h_(s-1) R{(HasBias ? " + b" : "")}), {Steps(T)}";
        if (Loops)
        {
            w.WriteLine("// " + comment);
            using (w.Block($"private static void {ForwardMethod}({ForwardParameters})"))
            {
                w.WriteLine($"global::System.ReadOnlySpan<float> kernel = p.Slice({K}, {In * U});");
                w.WriteLine($"global::System.ReadOnlySpan<float> recurrent = p.Slice({R}, {U * U});");
                using (w.Block($"for (int s = 0; s < {T}; s++)"))
                {
                    w.WriteLine($"global::System.Span<float> h = ws.Slice(s * {U}, {U});");
                    w.WriteLine(HasBias ? $"p.Slice({B}, {U}).CopyTo(h);" : "h.Clear();");
                    w.WriteLine($"global::RnnGen.CompilerServices.Kernels.MatVecAdd(x.Slice(({InputStepExpression}) * {In}, {In}), kernel, h);");
                    w.WriteLine($"if (s > 0) global::RnnGen.CompilerServices.Kernels.MatVecAdd(ws.Slice((s - 1) * {U}, {U}), recurrent, h);");
                    if (Act != ActivationKind.Linear) w.WriteLine($"global::RnnGen.CompilerServices.Kernels.Activate({EnumName(Act)}, h);");
                }
            }

            return;
        }

        EmitChunked(w, ForwardMethod, ForwardParameters, ForwardArguments, comment, Ascending(T), U * (In + U),
            prologue: () => WriteRefs(w, ("p", ParameterEnd), ("x", T * In), ("ws", T * U)), // ws holds h, [T, u]
            emitStep: s =>
            {
                w.WriteLine($"// timestep {s}: reads x_{InputStep(s)}{(s == 0 ? ", h_(-1) = 0" : "")}");
                using (w.Block())
                {
                    WriteLoads(w, "x", "x", InputStep(s) * In, In, $"the input x_{InputStep(s)}");
                    if (s > 0) WriteLoads(w, "h", "ws", (s - 1) * U, U, $"h_{s - 1}, from the previous timestep");
                    EmitCell(w, i => $"x{i}", s == 0 ? null : k => $"h{k}", j => Read("ws", s * U + j) + " = ", j => ";");
                }
            });
    }

    public override void EmitBackward(CodeWriter w)
    {
        bool sequences = Layer.Spec.ReturnSequences;
        string comment = $"layer {Layer.Index} ({Layer.Name}) backward through time: dz = (dy + dh) f'(h); g += dK, dR, db; dx = dz K^T; dh = dz R^T";
        if (Loops)
        {
            w.WriteLine("// " + comment);
            using (w.Block($"private static void {BackwardMethod}({BackwardParameters})"))
            {
                w.WriteLine($"global::System.ReadOnlySpan<float> kernel = p.Slice({K}, {In * U});");
                w.WriteLine($"global::System.ReadOnlySpan<float> recurrent = p.Slice({R}, {U * U});");
                w.WriteLine($"global::System.Span<float> dh = scratch.Slice(0, {U});");
                w.WriteLine($"global::System.Span<float> dz = scratch.Slice({U}, {U});");
                w.WriteLine(sequences ? "dh.Clear();" : "dy.CopyTo(dh); // only the last state is an output");
                using (w.Block($"for (int s = {T - 1}; s >= 0; s--)"))
                {
                    w.WriteLine($"int t = {InputStepExpression};");
                    w.WriteLine($"global::System.ReadOnlySpan<float> h = ws.Slice(s * {U}, {U});");
                    w.WriteLine(sequences ? $"for (int j = 0; j < {U}; j++) dz[j] = dh[j] + dy[s * {U} + j];" : "dh.CopyTo(dz);");
                    if (Act != ActivationKind.Linear) w.WriteLine($"global::RnnGen.CompilerServices.Kernels.ActivationBackward({EnumName(Act)}, h, dz);");
                    EmitLoopGradients(w, "dz", U, $"ws.Slice((s - 1) * {U}, {U})");
                }
            }

            return;
        }

        EmitChunked(w, BackwardMethod, BackwardParameters, BackwardArguments, comment, Descending(T), 2 * U * (In + U),
            prologue: () =>
            {
                w.WriteLine("global::System.ReadOnlySpan<float> h = ws;");
                w.WriteLine($"global::System.Span<float> dh = scratch.Slice(0, {U}); // dLoss/dh_(s-1), carried to the earlier timestep");
            },
            emitStep: s =>
            {
                int t = InputStep(s);
                w.WriteLine($"// timestep {s} (input x_{t})");
                using (w.Block())
                {
                    var dz = new string[U];
                    for (int j = 0; j < U; j++)
                    {
                        var parts = new List<string>();
                        if (sequences) parts.Add($"dy[{s * U + j}]");
                        else if (s == T - 1) parts.Add($"dy[{j}]");
                        if (s < T - 1) parts.Add($"dh[{j}]");
                        string total = parts.Count == 1 ? parts[0] : "(" + string.Join(" + ", parts) + ")";
                        dz[j] = "dz" + j;
                        w.WriteLine($"float dz{j} = {Derivative(Act, $"h[{s * U + j}]", total)};");
                    }

                    EmitWeightGradients(w, dz, "x", t * In, s == 0 ? null : "h", (s - 1) * U);
                    EmitInputGradient(w, dz, "dx", t * In, s == 0 ? null : "dh");
                }
            });
    }

    public override void EmitStep(CodeWriter w)
    {
        w.WriteLine($"// layer {Layer.Index} ({Layer.Name}) streaming step: y = {Name(Act)}(x K + state R{(HasBias ? " + b" : "")}); state = y");
        WriteInliningHint(w, U * (In + U));
        using (w.Block($"private static void {StepMethod}({StepParameters})"))
        {
            if (Loops)
            {
                w.WriteLine(HasBias ? $"p.Slice({B}, {U}).CopyTo(y);" : "y.Clear();");
                w.WriteLine($"global::RnnGen.CompilerServices.Kernels.MatVecAdd(x, p.Slice({K}, {In * U}), y);");
                w.WriteLine($"global::RnnGen.CompilerServices.Kernels.MatVecAdd(state, p.Slice({R}, {U * U}), y);");
                if (Act != ActivationKind.Linear) w.WriteLine($"global::RnnGen.CompilerServices.Kernels.Activate({EnumName(Act)}, y);");
            }
            else
            {
                // every unit from the old state, then the new state written
                WriteRefs(w, ("p", ParameterEnd), ("x", In), ("state", U), ("y", U));
                WriteLoads(w, "x", "x", 0, In, "the input");
                WriteLoads(w, "h", "state", 0, U, "the state: h of the previous step");
                EmitCell(w, i => $"x{i}", k => $"h{k}", j => $"float y{j} = ", j => ";");
                for (int j = 0; j < U; j++) w.WriteLine(Write($"y{j}", "y", j) + " " + Write($"y{j}", "state", j));
                return;
            }

            w.WriteLine("y.CopyTo(state);");
        }
    }

    /// <summary>
    /// One timestep, straight-line: <c>head(j) f(b_j + sum_i x_i K_ij + sum_k prev_k R_kj) tail(j)</c>, the inputs and the
    /// previous state read through <paramref name="x"/> and <paramref name="prev"/> (null: zero).
    /// </summary>
    private void EmitCell(CodeWriter w, Func<int, string> x, Func<int, string>? prev, Func<int, string> head, Func<int, string> tail)
    {
        WriteActivatedUnits(w, Act, U, "a", j =>
        {
            var terms = new List<string>();
            if (HasBias) terms.Add(Read("p", B + j));
            for (int i = 0; i < In; i++) terms.Add($"{x(i)} * {Read("p", K + i * U + j)}");
            if (prev is not null)
            {
                for (int k = 0; k < U; k++) terms.Add($"{prev(k)} * {Read("p", R + k * U + j)}");
            }

            return terms;
        }, head, tail);
    }

    /// <summary><c>db += dz</c>, <c>dK += x^T dz</c>, <c>dR += prev^T dz</c>.</summary>
    private void EmitWeightGradients(CodeWriter w, string[] dz, string x, int xOffset, string? prev, int prevOffset)
    {
        if (HasBias)
        {
            for (int j = 0; j < U; j++) w.WriteLine($"g[{B + j}] += {dz[j]};");
        }

        for (int i = 0; i < In; i++)
        {
            for (int j = 0; j < U; j++) w.WriteLine($"g[{K + i * U + j}] += {x}[{xOffset + i}] * {dz[j]};");
        }

        if (prev is null) return;
        for (int k = 0; k < U; k++)
        {
            for (int j = 0; j < U; j++) w.WriteLine($"g[{R + k * U + j}] += {prev}[{prevOffset + k}] * {dz[j]};");
        }
    }

    /// <summary><c>dx_i = sum_j K_ij dz_j</c> and, unless at the first timestep, <c>dh_k = sum_j R_kj dz_j</c>.</summary>
    private void EmitInputGradient(CodeWriter w, string[] dz, string dx, int dxOffset, string? dh)
    {
        for (int i = 0; i < In; i++)
        {
            var terms = new List<string>();
            for (int j = 0; j < U; j++) terms.Add($"p[{K + i * U + j}] * {dz[j]}");
            w.WriteSum($"{dx}[{dxOffset + i}] = ", terms, ";");
        }

        if (dh is null) return;
        for (int k = 0; k < U; k++)
        {
            var terms = new List<string>();
            for (int j = 0; j < U; j++) terms.Add($"p[{R + k * U + j}] * {dz[j]}");
            w.WriteSum($"{dh}[{k}] = ", terms, ";");
        }
    }
}
