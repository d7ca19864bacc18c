using System;
using System.Collections.Generic;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit;

/// <summary>
/// Lstm (Keras gates i, f, c, o): <c>a = x_t K + h_{s-1} R + b</c>; <c>i, f, o = σ(a)</c> (σ the recurrent activation, sigmoid by default), <c>g = f(a_c)</c>;
/// <c>c_s = f c_{s-1} + i g</c>; <c>h_s = o f(c_s)</c>. Workspace: gates <c>[T, 4u]</c>, c, f(c) and h, each <c>[T, u]</c>.
/// Backward: <c>dc = dc_next + dh o f'(c)</c>; <c>da_i = dc g i(1-i)</c>, <c>da_f = dc c_{s-1} f(1-f)</c>, <c>da_c = dc i f'(g)</c>,
/// <c>da_o = dh f(c) o(1-o)</c>; <c>dc_next = dc f</c>; weights and inputs as in SimpleRnn with <c>da</c> in place of <c>dz</c>.
/// </summary>
internal sealed class LstmEmitter : LayerEmitter
{
    public LstmEmitter(LayerPlan layer, bool loops) : base(layer, loops) { }

    private int G => 4 * U;
    private int GatesOffset => 0;
    private int COffset => T * G;
    private int AcOffset => COffset + T * U;
    private int HOffset => AcOffset + T * U;

    public override int WorkspaceLength => T * G + 3 * T * U;
    public override int OutputOffset => HOffset + (Layer.Spec.ReturnSequences ? 0 : (T - 1) * U);
    public override int ScratchLength => 2 * U + G;
    public override int StateLength => 2 * U;

    public override string Describe() =>
        $"Lstm({U}, {Name(Act)}{(Rec != ActivationKind.Sigmoid ? $", {Name(Rec)} gates" : "")}{(Layer.Spec.ReturnSequences ? ", sequences" : "")}{(Layer.Spec.GoBackwards ? ", backwards" : "")}{(HasBias ? "" : ", no bias")})";

    private void DeclareSlices(CodeWriter w, string span)
    {
        w.WriteLine($"{span} gates = ws.Slice({GatesOffset}, {T * G}); // i, f, g, o per timestep");
        w.WriteLine($"{span} c = ws.Slice({COffset}, {T * U});");
        w.WriteLine($"{span} ac = ws.Slice({AcOffset}, {T * U}); // {Name(Act)}(c)");
        w.WriteLine($"{span} h = ws.Slice({HOffset}, {T * U});");
    }

    public override void EmitForward(CodeWriter w)
    {
        string comment = $"layer {Layer.Index} ({Layer.Name}) forward: c_s = f c_(s-1) + i g, h_s = o {Name(Act)}(c_s), {Steps(T)}";
        if (Loops)
        {
            w.WriteLine("// " + comment);
            using (w.Block($"private static void {ForwardMethod}({ForwardParameters})"))
            {
                DeclareSlices(w, "global::System.Span<float>");
                w.WriteLine($"global::System.ReadOnlySpan<float> kernel = p.Slice({K}, {In * G});");
                w.WriteLine($"global::System.ReadOnlySpan<float> recurrent = p.Slice({R}, {U * G});");
                using (w.Block($"for (int s = 0; s < {T}; s++)"))
                {
                    w.WriteLine($"global::System.Span<float> a = gates.Slice(s * {G}, {G});");
                    w.WriteLine(HasBias ? $"p.Slice({B}, {G}).CopyTo(a);" : "a.Clear();");
                    w.WriteLine($"global::RnnGen.CompilerServices.Kernels.MatVecAdd(x.Slice(({InputStepExpression}) * {In}, {In}), kernel, a);");
                    w.WriteLine($"if (s > 0) global::RnnGen.CompilerServices.Kernels.MatVecAdd(h.Slice((s - 1) * {U}, {U}), recurrent, a);");
                    w.WriteLine($"global::RnnGen.CompilerServices.Kernels.Activate({EnumName(Rec)}, a.Slice(0, {2 * U}));");
                    if (Act != ActivationKind.Linear) w.WriteLine($"global::RnnGen.CompilerServices.Kernels.Activate({EnumName(Act)}, a.Slice({2 * U}, {U}));");
                    w.WriteLine($"global::RnnGen.CompilerServices.Kernels.Activate({EnumName(Rec)}, a.Slice({3 * U}, {U}));");
                    w.WriteLine($"global::System.Span<float> cs = c.Slice(s * {U}, {U}), acs = ac.Slice(s * {U}, {U}), hs = h.Slice(s * {U}, {U});");
                    w.WriteLine("// c = f c_(s-1) + i g, then f(c) over the whole vector, then h = o f(c)");
                    using (w.Block($"for (int j = 0; j < {U}; j++)"))
                    {
                        w.WriteLine($"float cPrev = s > 0 ? c[(s - 1) * {U} + j] : 0f;");
                        w.WriteLine($"cs[j] = acs[j] = a[{U} + j] * cPrev + a[j] * a[{2 * U} + j];");
                    }

                    if (Act != ActivationKind.Linear) w.WriteLine($"global::RnnGen.CompilerServices.Kernels.Activate({EnumName(Act)}, acs);");
                    w.WriteLine($"for (int j = 0; j < {U}; j++) hs[j] = a[{3 * U} + j] * acs[j];");
                }
            }

            return;
        }

        EmitChunked(w, ForwardMethod, ForwardParameters, ForwardArguments, comment, Ascending(T), G * (In + U),
            prologue: () => WriteRefs(w, ("p", ParameterEnd), ("x", T * In), ("ws", WorkspaceLength)), // ws holds gates, c, f(c), h
            emitStep: s =>
            {
                w.WriteLine($"// timestep {s}: reads x_{InputStep(s)}{(s == 0 ? ", h_(-1) = c_(-1) = 0" : "")}");
                using (w.Block())
                {
                    WriteLoads(w, "x", "x", InputStep(s) * In, In, $"the input x_{InputStep(s)}");
                    if (s > 0)
                    {
                        WriteLoads(w, "h", "ws", HOffset + (s - 1) * U, U, $"h_{s - 1}, from the previous timestep");
                        WriteLoads(w, "cPrev", "ws", COffset + (s - 1) * U, U, $"c_{s - 1}, from the previous timestep");
                    }

                    EmitGates(w, i => $"x{i}", s == 0 ? null : k => $"h{k}");
                    w.WriteLine($"// c = f c_(s-1) + i g; h = o {Name(Act)}(c); everything cached for Backward");
                    for (int j = 0; j < U; j++) w.WriteLine(s == 0 ? $"float c{j} = i{j} * g{j};" : $"float c{j} = f{j} * cPrev{j} + i{j} * g{j};");
                    WriteActivatedValues(w, Act, U, j => $"c{j}", "cv", (j, value) => $"float ac{j} = {value};");

                    for (int j = 0; j < U; j++)
                    {
                        int o = s * U + j, a = GatesOffset + s * G + j;
                        w.WriteLine($"{Write($"i{j}", "ws", a)} {Write($"f{j}", "ws", a + U)} {Write($"g{j}", "ws", a + 2 * U)} {Write($"o{j}", "ws", a + 3 * U)}");
                        w.WriteLine($"{Write($"c{j}", "ws", COffset + o)} {Write($"ac{j}", "ws", AcOffset + o)} {Write($"o{j} * ac{j}", "ws", HOffset + o)}");
                    }
                }
            });
    }

    public override void EmitBackward(CodeWriter w)
    {
        bool sequences = Layer.Spec.ReturnSequences;
        string comment = $"layer {Layer.Index} ({Layer.Name}) backward through time: dc = dc_next + dh o f'(c); da = [dc g i', dc c_(s-1) f', dc i g', dh f(c) o']; g += dK, dR, db; dx = da K^T; dh = da R^T; dc_next = dc f";
        if (Loops)
        {
            w.WriteLine("// " + comment);
            using (w.Block($"private static void {BackwardMethod}({BackwardParameters})"))
            {
                DeclareSlices(w, "global::System.ReadOnlySpan<float>");
                w.WriteLine($"global::System.ReadOnlySpan<float> kernel = p.Slice({K}, {In * G});");
                w.WriteLine($"global::System.ReadOnlySpan<float> recurrent = p.Slice({R}, {U * G});");
                w.WriteLine($"global::System.Span<float> dh = scratch.Slice(0, {U});");
                w.WriteLine($"global::System.Span<float> dc = scratch.Slice({U}, {U});");
                w.WriteLine($"global::System.Span<float> da = scratch.Slice({2 * U}, {G});");
                w.WriteLine(sequences ? "dh.Clear();" : "dy.CopyTo(dh); // only the last state is an output");
                w.WriteLine("dc.Clear();");
                using (w.Block($"for (int s = {T - 1}; s >= 0; s--)"))
                {
                    w.WriteLine($"int t = {InputStepExpression};");
                    w.WriteLine($"global::System.ReadOnlySpan<float> a = gates.Slice(s * {G}, {G});");
                    using (w.Block($"for (int j = 0; j < {U}; j++)"))
                    {
                        w.WriteLine(sequences ? $"float dhj = dh[j] + dy[s * {U} + j];" : "float dhj = dh[j];");
                        w.WriteLine($"float i = a[j], f = a[{U} + j], gg = a[{2 * U} + j], o = a[{3 * U} + j];");
                        w.WriteLine($"float acj = ac[s * {U} + j];");
                        w.WriteLine($"float dcj = dc[j] + {Derivative(Act, "acj", "dhj * o")};");
                        w.WriteLine($"float cPrev = s > 0 ? c[(s - 1) * {U} + j] : 0f;");
                        w.WriteLine($"da[j] = {Derivative(Rec, "i", "dcj * gg")};");
                        w.WriteLine($"da[{U} + j] = {Derivative(Rec, "f", "dcj * cPrev")};");
                        w.WriteLine($"da[{2 * U} + j] = {Derivative(Act, "gg", "dcj * i")};");
                        w.WriteLine($"da[{3 * U} + j] = {Derivative(Rec, "o", "dhj * acj")};");
                        w.WriteLine("dc[j] = dcj * f;");
                    }

                    EmitLoopGradients(w, "da", G, $"h.Slice((s - 1) * {U}, {U})");
                }
            }

            return;
        }

        EmitChunked(w, BackwardMethod, BackwardParameters, BackwardArguments, comment, Descending(T), 2 * G * (In + U),
            prologue: () =>
            {
                DeclareSlices(w, "global::System.ReadOnlySpan<float>");
                w.WriteLine($"global::System.Span<float> dh = scratch.Slice(0, {U}); // dLoss/dh_(s-1), carried to the earlier timestep");
                w.WriteLine($"global::System.Span<float> dc = scratch.Slice({U}, {U}); // dLoss/dc_(s-1), carried to the earlier timestep");
            },
            emitStep: s =>
            {
                int t = InputStep(s);
                w.WriteLine($"// timestep {s} (input x_{t})");
                using (w.Block())
                {
                    var da = new string?[G];
                    for (int j = 0; j < U; j++)
                    {
                        int o = s * U + j;
                        w.WriteLine($"float i{j} = gates[{s * G + j}], f{j} = gates[{s * G + U + j}], g{j} = gates[{s * G + 2 * U + j}], o{j} = gates[{s * G + 3 * U + j}], ac{j} = ac[{o}];");
                        var parts = new List<string>();
                        if (sequences) parts.Add($"dy[{o}]");
                        else if (s == T - 1) parts.Add($"dy[{j}]");
                        if (s < T - 1) parts.Add($"dh[{j}]");
                        w.WriteLine($"float dh{j} = {string.Join(" + ", parts)};");
                        string dcNext = s < T - 1 ? $"dc[{j}] + " : "";
                        w.WriteLine($"float dc{j} = {dcNext}{Derivative(Act, $"ac{j}", $"dh{j} * o{j}")};");
                        w.WriteLine($"float dai{j} = {Derivative(Rec, $"i{j}", $"dc{j} * g{j}")};");
                        if (s > 0) w.WriteLine($"float daf{j} = {Derivative(Rec, $"f{j}", $"dc{j} * c[{o - U}]")};");
                        w.WriteLine($"float dag{j} = {Derivative(Act, $"g{j}", $"dc{j} * i{j}")};");
                        w.WriteLine($"float dao{j} = {Derivative(Rec, $"o{j}", $"dh{j} * ac{j}")};");
                        da[j] = $"dai{j}";
                        da[U + j] = s > 0 ? $"daf{j}" : null;
                        da[2 * U + j] = $"dag{j}";
                        da[3 * U + j] = $"dao{j}";
                    }

                    if (HasBias) EmitBiasGradient(w, B, da);
                    EmitOuterGradient(w, K, Elements("x", t * In, In), da);
                    if (s > 0) EmitOuterGradient(w, R, Elements("h", (s - 1) * U, U), da);
                    EmitTransposeProduct(w, Elements("dx", t * In, In), K, da);
                    if (s > 0)
                    {
                        EmitTransposeProduct(w, Elements("dh", 0, U), R, da);
                        for (int j = 0; j < U; j++) w.WriteLine($"dc[{j}] = dc{j} * f{j};");
                    }
                }
            });
    }

    public override void EmitStep(CodeWriter w)
    {
        w.WriteLine($"// layer {Layer.Index} ({Layer.Name}) streaming step: state = [h, c]; c = f c + i g; y = h = o {Name(Act)}(c)");
        WriteInliningHint(w, G * (In + U));
        using (w.Block($"private static void {StepMethod}({StepParameters})"))
        {
            if (Loops)
            {
                w.WriteLine($"global::System.Span<float> a = stackalloc float[{G}];");
                w.WriteLine(HasBias ? $"p.Slice({B}, {G}).CopyTo(a);" : "a.Clear();");
                w.WriteLine($"global::RnnGen.CompilerServices.Kernels.MatVecAdd(x, p.Slice({K}, {In * G}), a);");
                w.WriteLine($"global::RnnGen.CompilerServices.Kernels.MatVecAdd(state.Slice(0, {U}), p.Slice({R}, {U * G}), a);");
                w.WriteLine($"global::RnnGen.CompilerServices.Kernels.Activate({EnumName(Rec)}, a.Slice(0, {2 * U}));");
                if (Act != ActivationKind.Linear) w.WriteLine($"global::RnnGen.CompilerServices.Kernels.Activate({EnumName(Act)}, a.Slice({2 * U}, {U}));");
                w.WriteLine($"global::RnnGen.CompilerServices.Kernels.Activate({EnumName(Rec)}, a.Slice({3 * U}, {U}));");
                w.WriteLine($"for (int j = 0; j < {U}; j++) y[j] = state[{U} + j] = a[{U} + j] * state[{U} + j] + a[j] * a[{2 * U} + j];");
                if (Act != ActivationKind.Linear) w.WriteLine($"global::RnnGen.CompilerServices.Kernels.Activate({EnumName(Act)}, y);");
                w.WriteLine($"for (int j = 0; j < {U}; j++) y[j] *= a[{3 * U} + j];");
            }
            else
            {
                WriteRefs(w, ("p", ParameterEnd), ("x", In), ("state", 2 * U), ("y", U));
                WriteLoads(w, "x", "x", 0, In, "the input");
                WriteLoads(w, "h", "state", 0, U, "the state: h, then c");
                WriteLoads(w, "cPrev", "state", U, U, "c, from the state");
                EmitGates(w, i => $"x{i}", k => $"h{k}");
                w.WriteLine($"// c = f c + i g; y = h = o {Name(Act)}(c); state = [h, c]");
                for (int j = 0; j < U; j++) w.WriteLine($"float c{j} = f{j} * cPrev{j} + i{j} * g{j};");
                WriteActivatedValues(w, Act, U, j => $"c{j}", "cv", (j, value) => $"float y{j} = o{j} * {value};");

                for (int j = 0; j < U; j++) w.WriteLine($"{Write($"y{j}", "y", j)} {Write($"y{j}", "state", j)} {Write($"c{j}", "state", U + j)}");
                return;
            }

            w.WriteLine($"y.CopyTo(state.Slice(0, {U}));");
        }
    }

    /// <summary>Locals <c>i_j, f_j, g_j, o_j</c>: the activated gates of one timestep, straight-line, from the input and previous-state locals.</summary>
    private void EmitGates(CodeWriter w, Func<int, string> x, Func<int, string>? prev)
    {
        w.WriteLine($"// gates: a = x K + h R{(HasBias ? " + b" : "")}; i, f, o = {Name(Rec)}(a), g = {Name(Act)}(a)");
        string[] names = { "i", "f", "g", "o" };
        for (int q = 0; q < 4; q++)
        {
            ActivationKind activation = q == 2 ? Act : Rec;
            WriteActivatedUnits(w, activation, U, "a" + names[q], j =>
            {
                int column = q * U + j;
                var terms = new List<string>();
                if (HasBias) terms.Add(Read("p", B + column));
                for (int i = 0; i < In; i++) terms.Add($"{x(i)} * {Read("p", K + i * G + column)}");
                if (prev is not null)
                {
                    for (int k = 0; k < U; k++) terms.Add($"{prev(k)} * {Read("p", R + k * G + column)}");
                }

                return terms;
            }, j => $"float {names[q]}{j} = ", _ => ";");
        }
    }
}
