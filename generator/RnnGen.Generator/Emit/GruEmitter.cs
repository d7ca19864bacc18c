using System;
using System.Collections.Generic;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit;

/// <summary>
/// Gru (Keras gates z, r, h; "sigmoid" below is the recurrent activation, sigmoid unless declared). ResetAfter (Keras 2 default, PyTorch):
/// <c>z = sigmoid(x K_z + b_z + h R_z + b'_z)</c>, <c>r</c> alike, <c>rh = h R_h + b'_h</c>,
/// <c>hh = f(x K_h + b_h + r rh)</c>, <c>h_s = z h_{s-1} + (1 - z) hh</c>; bias <c>[2, 3u]</c> (input row, recurrent row).
/// ResetAfter = false: <c>hh = f(x K_h + (r h_{s-1}) R_h + b_h)</c>; bias <c>[3u]</c>.
/// Workspace: gates z, r, hh <c>[T, 3u]</c>, rh <c>[T, u]</c> (ResetAfter only), h <c>[T, u]</c>.
/// Backward: <c>da_z = dh (h_{s-1} - hh) z(1-z)</c>, <c>da_h = dh (1 - z) f'(hh)</c>, <c>da_r = da_h rh r(1-r)</c>
/// (ResetAfter; otherwise through <c>d(r h_{s-1}) = da_h R_h^T</c>), and <c>dh_{s-1} = dh z + ...</c>.
/// </summary>
internal sealed class GruEmitter : LayerEmitter
{
    public GruEmitter(LayerPlan layer, bool loops) : base(layer, loops) { }

    private int G => 3 * U;
    private bool ResetAfter => Layer.Spec.ResetAfter;
    private int RhOffset => T * G;
    private int HOffset => T * G + (ResetAfter ? T * U : 0);

    /// <summary>Offset of the input bias row (or the only bias) and of the recurrent bias row.</summary>
    private int InputBias => B;
    private int RecurrentBias => B + G;

    public override int WorkspaceLength => HOffset + T * U;
    public override int OutputOffset => HOffset + (Layer.Spec.ReturnSequences ? 0 : (T - 1) * U);
    public override int ScratchLength => 3 * U + 2 * G;
    /// <summary>Loop-mode backward without ResetAfter needs the model's one <c>TensorDot</c> helper.</summary>
    public override bool UsesTensorDot => Loops && !ResetAfter;
    public override int StateLength => U;

    public override string Describe() =>
        $"Gru({U}, {Name(Act)}{(Rec != ActivationKind.Sigmoid ? $", {Name(Rec)} gates" : "")}{(ResetAfter ? "" : ", reset before")}{(Layer.Spec.ReturnSequences ? ", sequences" : "")}{(Layer.Spec.GoBackwards ? ", backwards" : "")}{(HasBias ? "" : ", no bias")})";

    private void DeclareSlices(CodeWriter w, string span)
    {
        w.WriteLine($"{span} gates = ws.Slice(0, {T * G}); // z, r, hh per timestep");
        if (ResetAfter) w.WriteLine($"{span} rh = ws.Slice({RhOffset}, {T * U}); // h_(s-1) R_h + b'_h per timestep");
        w.WriteLine($"{span} h = ws.Slice({HOffset}, {T * U});");
    }

    public override void EmitForward(CodeWriter w)
    {
        string candidate = ResetAfter ? "f(x K_h + r (h R_h))" : "f(x K_h + (r h) R_h)";
        string comment = $"layer {Layer.Index} ({Layer.Name}) forward: hh = {candidate}, h_s = z h_(s-1) + (1 - z) hh, {Steps(T)}";
        if (Loops)
        {
            w.WriteLine("// " + comment);
            using (w.Block($"private static void {ForwardMethod}({ForwardParameters})"))
            {
                DeclareSlices(w, "global::System.Span<float>");
                w.WriteLine($"global::System.ReadOnlySpan<float> kernel = p.Slice({K}, {In * G});");
                w.WriteLine($"global::System.ReadOnlySpan<float> recurrent = p.Slice({R}, {U * G});");
                w.WriteLine($"global::System.Span<float> rec = stackalloc float[{G}]; // h_(s-1) R (+ recurrent bias)");
                w.WriteLine($"global::System.Span<float> rhp = stackalloc float[{U}]; // r h_(s-1)");
                using (w.Block($"for (int s = 0; s < {T}; s++)"))
                {
                    w.WriteLine($"global::System.Span<float> a = gates.Slice(s * {G}, {G});");
                    w.WriteLine(HasBias ? $"p.Slice({InputBias}, {G}).CopyTo(a);" : "a.Clear();");
                    w.WriteLine($"global::RnnGen.CompilerServices.Kernels.MatVecAdd(x.Slice(({InputStepExpression}) * {In}, {In}), kernel, a);");
                    w.WriteLine(ResetAfter && HasBias ? $"p.Slice({RecurrentBias}, {G}).CopyTo(rec);" : "rec.Clear();");
                    w.WriteLine($"if (s > 0) global::RnnGen.CompilerServices.Kernels.MatVecAdd(h.Slice((s - 1) * {U}, {U}), recurrent, rec);");
                    w.WriteLine($"for (int j = 0; j < {2 * U}; j++) a[j] += rec[j];");
                    w.WriteLine($"global::RnnGen.CompilerServices.Kernels.Activate({EnumName(Rec)}, a.Slice(0, {2 * U}));");
                    if (ResetAfter)
                    {
                        using (w.Block($"for (int j = 0; j < {U}; j++)"))
                        {
                            w.WriteLine($"rh[s * {U} + j] = rec[{2 * U} + j];");
                            w.WriteLine($"a[{2 * U} + j] += a[{U} + j] * rec[{2 * U} + j];");
                        }
                    }
                    else
                    {
                        using (w.Block("if (s > 0)"))
                        {
                            w.WriteLine($"for (int k = 0; k < {U}; k++) rhp[k] = a[{U} + k] * h[(s - 1) * {U} + k];");
                            w.WriteLine($"for (int k = 0; k < {U}; k++) global::RnnGen.CompilerServices.Kernels.MatVecAdd(rhp.Slice(k, 1), recurrent.Slice(k * {G} + {2 * U}, {U}), a.Slice({2 * U}, {U}));");
                        }
                    }

                    if (Act != ActivationKind.Linear) w.WriteLine($"global::RnnGen.CompilerServices.Kernels.Activate({EnumName(Act)}, a.Slice({2 * U}, {U}));");
                    using (w.Block($"for (int j = 0; j < {U}; j++)"))
                    {
                        w.WriteLine($"float hPrev = s > 0 ? h[(s - 1) * {U} + j] : 0f;");
                        w.WriteLine($"h[s * {U} + j] = a[j] * hPrev + (1f - a[j]) * a[{2 * U} + j];");
                    }
                }
            }

            return;
        }

        EmitChunked(w, ForwardMethod, ForwardParameters, ForwardArguments, comment, Ascending(T), G * (In + U),
            prologue: () => WriteRefs(w, ("p", ParameterEnd), ("x", T * In), ("ws", WorkspaceLength)), // ws holds gates, rh, h
            emitStep: s =>
            {
                w.WriteLine($"// timestep {s}: reads x_{InputStep(s)}{(s == 0 ? ", h_(-1) = 0" : "")}");
                using (w.Block())
                {
                    WriteLoads(w, "x", "x", InputStep(s) * In, In, $"the input x_{InputStep(s)}");
                    if (s > 0) WriteLoads(w, "h", "ws", HOffset + (s - 1) * U, U, $"h_{s - 1}, from the previous timestep");
                    EmitCell(w, i => $"x{i}", s == 0 ? null : k => $"h{k}");
                    w.WriteLine("// h = z h_(s-1) + (1 - z) hh; everything cached for Backward");
                    for (int j = 0; j < U; j++)
                    {
                        int a = s * G + j;
                        w.WriteLine($"{Write($"z{j}", "ws", a)} {Write($"r{j}", "ws", a + U)} {Write($"hh{j}", "ws", a + 2 * U)}{(ResetAfter ? " " + Write($"rh{j}", "ws", RhOffset + s * U + j) : "")}");
                        w.WriteLine(Write(s == 0 ? $"(1f - z{j}) * hh{j}" : $"z{j} * h{j} + (1f - z{j}) * hh{j}", "ws", HOffset + s * U + j));
                    }
                }
            });
    }

    public override void EmitBackward(CodeWriter w)
    {
        bool sequences = Layer.Spec.ReturnSequences;
        string comment = $"layer {Layer.Index} ({Layer.Name}) backward through time: da_z = dh (h_(s-1) - hh) z', da_h = dh (1 - z) f'(hh), da_r = {(ResetAfter ? "da_h rh r'" : "(da_h R_h^T) h_(s-1) r'")}; dh_(s-1) = dh z + da R^T";
        if (Loops)
        {
            w.WriteLine("// " + comment);
            using (w.Block($"private static void {BackwardMethod}({BackwardParameters})"))
            {
                DeclareSlices(w, "global::System.ReadOnlySpan<float>");
                w.WriteLine($"global::System.ReadOnlySpan<float> kernel = p.Slice({K}, {In * G});");
                w.WriteLine($"global::System.ReadOnlySpan<float> recurrent = p.Slice({R}, {U * G});");
                w.WriteLine($"global::System.Span<float> dh = scratch.Slice(0, {U});");
                w.WriteLine($"global::System.Span<float> dax = scratch.Slice({U}, {G}); // gradient of the input-side pre-activations");
                w.WriteLine($"global::System.Span<float> dar = scratch.Slice({U + G}, {G}); // gradient of the recurrent-side pre-activations");
                w.WriteLine(sequences ? "dh.Clear();" : "dy.CopyTo(dh); // only the last state is an output");
                using (w.Block($"for (int s = {T - 1}; s >= 0; s--)"))
                {
                    w.WriteLine($"int t = {InputStepExpression};");
                    w.WriteLine($"global::System.ReadOnlySpan<float> a = gates.Slice(s * {G}, {G});");
                    using (w.Block($"for (int j = 0; j < {U}; j++)"))
                    {
                        w.WriteLine(sequences ? $"float dhj = dh[j] + dy[s * {U} + j];" : "float dhj = dh[j];");
                        w.WriteLine($"float z = a[j], r = a[{U} + j], hh = a[{2 * U} + j];");
                        w.WriteLine($"float hPrev = s > 0 ? h[(s - 1) * {U} + j] : 0f;");
                        w.WriteLine($"dax[j] = dar[j] = {Derivative(Rec, "z", "dhj * (hPrev - hh)")};");
                        w.WriteLine($"float dah = {Derivative(Act, "hh", "dhj * (1f - z)")};");
                        w.WriteLine($"dax[{2 * U} + j] = dah;");
                        if (ResetAfter)
                        {
                            w.WriteLine($"dax[{U} + j] = dar[{U} + j] = {Derivative(Rec, "r", $"dah * rh[s * {U} + j]")};");
                            w.WriteLine($"dar[{2 * U} + j] = dah * r;");
                        }

                        w.WriteLine("dh[j] = dhj * z; // the direct path h_(s-1) -> h_s");
                    }

                    if (!ResetAfter)
                    {
                        w.WriteLine("// reset gate: d(r h_(s-1))_k = sum_j R_h[k, j] da_h[j]");
                        using (w.Block($"for (int k = 0; k < {U}; k++)"))
                        {
                            w.WriteLine($"float r = a[{U} + k], hPrev = s > 0 ? h[(s - 1) * {U} + k] : 0f;");
                            w.WriteLine($"float drh = s > 0 ? TensorDot(recurrent.Slice(k * {G} + {2 * U}, {U}), dax.Slice({2 * U}, {U})) : 0f;");
                            w.WriteLine($"dax[{U} + k] = {Derivative(Rec, "r", "drh * hPrev")};");
                            w.WriteLine("dh[k] += drh * r;");
                        }
                    }

                    if (HasBias)
                    {
                        w.WriteLine($"for (int q = 0; q < {G}; q++) g[{InputBias} + q] += dax[q];");
                        if (ResetAfter) w.WriteLine($"for (int q = 0; q < {G}; q++) g[{RecurrentBias} + q] += dar[q];");
                    }

                    w.WriteLine($"global::RnnGen.CompilerServices.Kernels.OuterAdd(x.Slice(t * {In}, {In}), dax, g.Slice({K}, {In * G}));");
                    w.WriteLine($"global::System.Span<float> dxt = dx.Slice(t * {In}, {In});");
                    w.WriteLine("dxt.Clear();");
                    w.WriteLine("global::RnnGen.CompilerServices.Kernels.MatTransposeVecAdd(kernel, dax, dxt);");
                    using (w.Block("if (s > 0)"))
                    {
                        w.WriteLine($"global::System.ReadOnlySpan<float> hPrev = h.Slice((s - 1) * {U}, {U});");
                        if (ResetAfter)
                        {
                            w.WriteLine($"global::RnnGen.CompilerServices.Kernels.OuterAdd(hPrev, dar, g.Slice({R}, {U * G}));");
                            w.WriteLine("global::RnnGen.CompilerServices.Kernels.MatTransposeVecAdd(recurrent, dar, dh);");
                        }
                        else
                        {
                            using (w.Block($"for (int k = 0; k < {U}; k++)"))
                            {
                                w.WriteLine($"float hk = hPrev[k], rhk = a[{U} + k] * hk;");
                                w.WriteLine($"int row = {R} + k * {G};");
                                w.WriteLine($"for (int q = 0; q < {2 * U}; q++) g[row + q] += hk * dax[q];");
                                w.WriteLine($"for (int j = 0; j < {U}; j++) g[row + {2 * U} + j] += rhk * dax[{2 * U} + j];");
                                w.WriteLine($"dh[k] += TensorDot(recurrent.Slice(k * {G}, {2 * U}), dax.Slice(0, {2 * U}));");
                            }
                        }
                    }
                }
            }

            return;
        }

        EmitChunked(w, BackwardMethod, BackwardParameters, BackwardArguments, comment, Descending(T), 2 * G * (In + U),
            prologue: () =>
            {
                DeclareSlices(w, "global::System.ReadOnlySpan<float>");
                w.WriteLine($"global::System.Span<float> dh = scratch.Slice(0, {U}); // dLoss/dh_(s-1), carried to the earlier timestep");
            },
            emitStep: s => EmitBackwardStep(w, s, sequences));
    }

    private void EmitBackwardStep(CodeWriter w, int s, bool sequences)
    {
        int t = InputStep(s);
        w.WriteLine($"// timestep {s} (input x_{t})");
        using (w.Block())
        {
            var dax = new string?[G];
            var dar = new string?[G];
            for (int j = 0; j < U; j++)
            {
                int o = s * U + j;
                w.WriteLine($"float z{j} = gates[{s * G + j}], r{j} = gates[{s * G + U + j}], hh{j} = gates[{s * G + 2 * U + j}];");
                var parts = new List<string>();
                if (sequences) parts.Add($"dy[{o}]");
                else if (s == T - 1) parts.Add($"dy[{j}]");
                if (s < T - 1) parts.Add($"dh[{j}]");
                w.WriteLine($"float dh{j} = {string.Join(" + ", parts)};");
                w.WriteLine(s > 0
                    ? $"float daz{j} = {Derivative(Rec, $"z{j}", $"dh{j} * (h[{o - U}] - hh{j})")};"
                    : $"float daz{j} = {Derivative(Rec, $"z{j}", $"-dh{j} * hh{j}")};");
                w.WriteLine($"float dah{j} = {Derivative(Act, $"hh{j}", $"dh{j} * (1f - z{j})")};");
                dax[j] = dar[j] = $"daz{j}";
                dax[2 * U + j] = $"dah{j}";
                if (ResetAfter)
                {
                    w.WriteLine($"float dar{j} = {Derivative(Rec, $"r{j}", $"dah{j} * rh[{o}]")};");
                    w.WriteLine($"float darh{j} = dah{j} * r{j};");
                    dax[U + j] = dar[U + j] = $"dar{j}";
                    dar[2 * U + j] = $"darh{j}";
                }
            }

            if (!ResetAfter && s > 0)
            {
                w.WriteLine("// reset gate: d(r h_(s-1))_k = sum_j R_h[k, j] da_h[j]");
                for (int k = 0; k < U; k++)
                {
                    var terms = new List<string>();
                    for (int j = 0; j < U; j++) terms.Add($"p[{R + k * G + 2 * U + j}] * dah{j}");
                    w.WriteSum($"float drh{k} = ", terms, ";");
                    w.WriteLine($"float dar{k} = {Derivative(Rec, $"r{k}", $"drh{k} * h[{(s - 1) * U + k}]")};");
                    dax[U + k] = dar[U + k] = $"dar{k}";
                }
            }

            if (HasBias)
            {
                EmitBiasGradient(w, InputBias, dax);
                if (ResetAfter) EmitBiasGradient(w, RecurrentBias, dar);
            }

            EmitOuterGradient(w, K, Elements("x", t * In, In), dax);
            EmitTransposeProduct(w, Elements("dx", t * In, In), K, dax);
            if (s == 0) return;

            string[] hPrev = Elements("h", (s - 1) * U, U);
            if (ResetAfter)
            {
                EmitOuterGradient(w, R, hPrev, dar);
            }
            else
            {
                // z and r columns see h_(s-1); the candidate columns see r h_(s-1).
                var zr = new string?[G];
                var cand = new string?[G];
                for (int c = 0; c < 2 * U; c++) zr[c] = dax[c];
                for (int j = 0; j < U; j++) cand[2 * U + j] = dax[2 * U + j];
                EmitOuterGradient(w, R, hPrev, zr);
                var rhPrev = new string[U];
                for (int k = 0; k < U; k++) rhPrev[k] = $"(r{k} * {hPrev[k]})";
                EmitOuterGradient(w, R, rhPrev, cand);
                for (int k = 0; k < U; k++) dar[U + k] = dax[U + k];
                for (int j = 0; j < U; j++) dar[2 * U + j] = null;
            }

            var carry = new string[U];
            for (int k = 0; k < U; k++) carry[k] = $"dh[{k}]";
            for (int k = 0; k < U; k++)
            {
                var terms = new List<string> { $"dh{k} * z{k}" };
                if (!ResetAfter) terms.Add($"drh{k} * r{k}");
                for (int c = 0; c < G; c++)
                {
                    if (dar[c] is { } d) terms.Add($"p[{R + k * G + c}] * {d}");
                }

                w.WriteSum($"dh[{k}] = ", terms, ";");
            }
        }
    }

    public override void EmitStep(CodeWriter w)
    {
        w.WriteLine($"// layer {Layer.Index} ({Layer.Name}) streaming step: y = h = z state + (1 - z) hh; state = y");
        WriteInliningHint(w, G * (In + U));
        using (w.Block($"private static void {StepMethod}({StepParameters})"))
        {
            if (Loops)
            {
                w.WriteLine($"global::System.Span<float> a = stackalloc float[{G}];");
                w.WriteLine($"global::System.Span<float> rec = stackalloc float[{G}];");
                w.WriteLine(HasBias ? $"p.Slice({InputBias}, {G}).CopyTo(a);" : "a.Clear();");
                w.WriteLine($"global::RnnGen.CompilerServices.Kernels.MatVecAdd(x, p.Slice({K}, {In * G}), a);");
                w.WriteLine(ResetAfter && HasBias ? $"p.Slice({RecurrentBias}, {G}).CopyTo(rec);" : "rec.Clear();");
                w.WriteLine($"global::RnnGen.CompilerServices.Kernels.MatVecAdd(state, p.Slice({R}, {U * G}), rec);");
                w.WriteLine($"for (int j = 0; j < {2 * U}; j++) a[j] += rec[j];");
                w.WriteLine($"global::RnnGen.CompilerServices.Kernels.Activate({EnumName(Rec)}, a.Slice(0, {2 * U}));");
                if (ResetAfter)
                {
                    w.WriteLine($"for (int j = 0; j < {U}; j++) a[{2 * U} + j] += a[{U} + j] * rec[{2 * U} + j];");
                }
                else
                {
                    w.WriteLine($"global::System.Span<float> rhp = stackalloc float[{U}];");
                    w.WriteLine($"for (int k = 0; k < {U}; k++) rhp[k] = a[{U} + k] * state[k];");
                    w.WriteLine($"for (int k = 0; k < {U}; k++) global::RnnGen.CompilerServices.Kernels.MatVecAdd(rhp.Slice(k, 1), p.Slice({R} + k * {G} + {2 * U}, {U}), a.Slice({2 * U}, {U}));");
                }

                if (Act != ActivationKind.Linear) w.WriteLine($"global::RnnGen.CompilerServices.Kernels.Activate({EnumName(Act)}, a.Slice({2 * U}, {U}));");
                w.WriteLine($"for (int j = 0; j < {U}; j++) y[j] = a[j] * state[j] + (1f - a[j]) * a[{2 * U} + j];");
            }
            else
            {
                WriteRefs(w, ("p", ParameterEnd), ("x", In), ("state", U), ("y", U));
                WriteLoads(w, "x", "x", 0, In, "the input");
                WriteLoads(w, "h", "state", 0, U, "the state: h of the previous step");
                EmitCell(w, i => $"x{i}", k => $"h{k}");
                w.WriteLine("// y = state = z h + (1 - z) hh");
                for (int j = 0; j < U; j++) w.WriteLine($"float y{j} = z{j} * h{j} + (1f - z{j}) * hh{j};");
                for (int j = 0; j < U; j++) w.WriteLine($"{Write($"y{j}", "y", j)} {Write($"y{j}", "state", j)}");
                return;
            }

            w.WriteLine("y.CopyTo(state);");
        }
    }

    /// <summary>Locals <c>z_j, r_j, hh_j</c> (and <c>rh_j</c> with ResetAfter) for one timestep, straight-line, from the input and previous-state locals.</summary>
    private void EmitCell(CodeWriter w, Func<int, string> x, Func<int, string>? prev)
    {
        w.WriteLine($"// gates: z, r = {Name(Rec)}(x K + h R + biases)");
        string[] names = { "z", "r" };
        for (int q = 0; q < 2; q++)
        {
            WriteActivatedUnits(w, Rec, U, "a" + names[q], j =>
            {
                int column = q * U + j;
                var terms = new List<string>();
                if (HasBias) terms.Add(Read("p", InputBias + column));
                if (HasBias && ResetAfter) terms.Add(Read("p", RecurrentBias + column));
                for (int i = 0; i < In; i++) terms.Add($"{x(i)} * {Read("p", K + i * G + column)}");
                if (prev is not null)
                {
                    for (int k = 0; k < U; k++) terms.Add($"{prev(k)} * {Read("p", R + k * G + column)}");
                }

                return terms;
            }, j => $"float {names[q]}{j} = ", _ => ";");
        }

        w.WriteLine(ResetAfter
            ? $"// candidate: rh = h R_h + b'_h; hh = {Name(Act)}(x K_h + b_h + r rh)"
            : $"// candidate: hh = {Name(Act)}(x K_h + (r h) R_h + b_h)");
        if (ResetAfter)
        {
            for (int j = 0; j < U; j++)
            {
                int column = 2 * U + j;
                var recurrent = new List<string>();
                if (HasBias) recurrent.Add(Read("p", RecurrentBias + column));
                if (prev is not null)
                {
                    for (int k = 0; k < U; k++) recurrent.Add($"{prev(k)} * {Read("p", R + k * G + column)}");
                }

                w.WriteSum($"float rh{j} = ", recurrent, ";", TermsPerLine);
            }
        }

        WriteActivatedUnits(w, Act, U, "ahh", j =>
        {
            int column = 2 * U + j;
            var terms = new List<string>();
            if (HasBias) terms.Add(Read("p", InputBias + column));
            for (int i = 0; i < In; i++) terms.Add($"{x(i)} * {Read("p", K + i * G + column)}");
            if (ResetAfter)
            {
                terms.Add($"r{j} * rh{j}");
            }
            else if (prev is not null)
            {
                for (int k = 0; k < U; k++) terms.Add($"r{k} * {prev(k)} * {Read("p", R + k * G + column)}");
            }

            return terms;
        }, j => $"float hh{j} = ", _ => ";");
    }
}
