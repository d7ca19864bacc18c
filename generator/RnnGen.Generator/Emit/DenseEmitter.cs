using System;
using System.Collections.Generic;
using System.Linq;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit;

/// <summary>
/// Dense: <c>y = f(x W + b)</c>, applied once, or at every timestep when its input is a sequence.
/// Workspace: <c>y</c> for each application. Backward: <c>dz = dy f'(y)</c> (softmax: <c>dz_j = y_j (dy_j - sum_k dy_k y_k)</c>);
/// <c>dW += x^T dz</c>, <c>db += dz</c>, <c>dx = dz W^T</c>.
/// </summary>
internal sealed class DenseEmitter : LayerEmitter
{
    public DenseEmitter(LayerPlan layer, bool loops) : base(layer, loops) { }

    /// <summary>Number of applications: one per timestep after a sequence, else one.</summary>
    private int N => Layer.InputIsSequence ? T : 1;

    public override int WorkspaceLength => N * U;
    public override int OutputOffset => 0;
    public override int ScratchLength => Loops ? U : 0;

    public override string Describe() => $"Dense({U}, {Name(Act)}{(HasBias ? "" : ", no bias")}{(N > 1 ? ", every timestep" : "")})";

    public override void EmitForward(CodeWriter w)
    {
        string comment = $"layer {Layer.Index} ({Layer.Name}) forward: y = {Name(Act)}(x W{(HasBias ? " + b" : "")}){(N > 1 ? $", at each of {N} timesteps" : "")}";
        if (Loops)
        {
            w.WriteLine("// " + comment);
            using (w.Block($"private static void {ForwardMethod}({ForwardParameters})"))
            {
                using (w.Block($"for (int n = 0; n < {N}; n++)"))
                {
                    w.WriteLine($"global::System.Span<float> y = ws.Slice(n * {U}, {U});");
                    EmitLoopApply(w, $"x.Slice(n * {In}, {In})");
                }
            }

            return;
        }

        EmitChunked(w, ForwardMethod, ForwardParameters, ForwardArguments, comment, Ascending(N), In * U,
            prologue: () => WriteRefs(w, ("p", ParameterEnd), ("x", N * In), ("ws", N * U)), // ws holds y, [N, u]
            emitStep: n =>
            {
                if (N > 1) w.WriteLine($"// timestep {n}");
                if (N == 1)
                {
                    WriteLoads(w, "x", "x", 0, In, "the input");
                    EmitApply(w, i => $"x{i}", "ws", 0);
                    return;
                }

                using (w.Block())
                {
                    WriteLoads(w, "x", "x", n * In, In, $"the input x_{n}");
                    EmitApply(w, i => $"x{i}", "ws", n * U);
                }
            });
    }

    public override void EmitBackward(CodeWriter w)
    {
        string comment = $"layer {Layer.Index} ({Layer.Name}) backward: dz = dy {(Act == ActivationKind.Softmax ? "J_softmax" : "f'(y)")}; g += x^T dz{(HasBias ? ", dz" : "")}; dx = dz W^T";
        if (Loops)
        {
            w.WriteLine("// " + comment);
            using (w.Block($"private static void {BackwardMethod}({BackwardParameters})"))
            {
                w.WriteLine($"global::System.ReadOnlySpan<float> kernel = p.Slice({K}, {In * U});");
                w.WriteLine($"global::System.Span<float> dz = scratch.Slice(0, {U});");
                using (w.Block($"for (int n = 0; n < {N}; n++)"))
                {
                    w.WriteLine($"dy.Slice(n * {U}, {U}).CopyTo(dz);");
                    if (Act != ActivationKind.Linear) w.WriteLine($"global::RnnGen.CompilerServices.Kernels.ActivationBackward({EnumName(Act)}, ws.Slice(n * {U}, {U}), dz);");
                    if (HasBias) w.WriteLine($"for (int j = 0; j < {U}; j++) g[{B} + j] += dz[j];");
                    w.WriteLine($"global::RnnGen.CompilerServices.Kernels.OuterAdd(x.Slice(n * {In}, {In}), dz, g.Slice({K}, {In * U}));");
                    w.WriteLine($"global::System.Span<float> dxn = dx.Slice(n * {In}, {In});");
                    w.WriteLine("dxn.Clear();");
                    w.WriteLine("global::RnnGen.CompilerServices.Kernels.MatTransposeVecAdd(kernel, dz, dxn);");
                }
            }

            return;
        }

        EmitChunked(w, BackwardMethod, BackwardParameters, BackwardArguments, comment, Ascending(N), 2 * In * U,
            prologue: () => w.WriteLine("global::System.ReadOnlySpan<float> y = ws;"),
            emitStep: n =>
            {
                if (N > 1) w.WriteLine($"// timestep {n}");
                using (w.Block())
                {
                    int o = n * U;
                    if (Act == ActivationKind.Softmax)
                    {
                        var dot = new List<string>();
                        for (int j = 0; j < U; j++) dot.Add($"dy[{o + j}] * y[{o + j}]");
                        w.WriteSum("float dot = ", dot, ";");
                        for (int j = 0; j < U; j++) w.WriteLine($"float dz{j} = y[{o + j}] * (dy[{o + j}] - dot);");
                    }
                    else
                    {
                        for (int j = 0; j < U; j++) w.WriteLine($"float dz{j} = {Derivative(Act, $"y[{o + j}]", $"dy[{o + j}]")};");
                    }

                    if (HasBias)
                    {
                        for (int j = 0; j < U; j++) w.WriteLine($"g[{B + j}] += dz{j};");
                    }

                    for (int i = 0; i < In; i++)
                    {
                        for (int j = 0; j < U; j++) w.WriteLine($"g[{K + i * U + j}] += x[{n * In + i}] * dz{j};");
                    }

                    for (int i = 0; i < In; i++)
                    {
                        var terms = new List<string>();
                        for (int j = 0; j < U; j++) terms.Add($"p[{K + i * U + j}] * dz{j}");
                        w.WriteSum($"dx[{n * In + i}] = ", terms, ";");
                    }
                }
            });
    }

    public override void EmitStep(CodeWriter w)
    {
        w.WriteLine($"// layer {Layer.Index} ({Layer.Name}) streaming step: y = {Name(Act)}(x W{(HasBias ? " + b" : "")})");
        WriteInliningHint(w, In * U);
        using (w.Block($"private static void {StepMethod}({StepParameters})"))
        {
            if (Loops)
            {
                EmitLoopApply(w, "x");
            }
            else
            {
                WriteRefs(w, ("p", ParameterEnd), ("x", In), ("y", U));
                WriteLoads(w, "x", "x", 0, In, "the input");
                EmitApply(w, i => $"x{i}", "y", 0);
            }
        }
    }

    /// <summary><c>Max(Max(z0, z1), Max(z2, z3))</c> (<c>Activations.Max</c>): a balanced tree, log-depth instead of a chain.</summary>
    private static string MaxTree(string z, int offset, int count) =>
        BalancedCall("global::RnnGen.CompilerServices.Activations.Max", Enumerable.Range(offset, count).Select(j => $"{z}{j}").ToList());

    /// <summary><c>(e0 + e1) + (e2 + e3)</c>: a balanced sum, log-depth instead of a chain.</summary>
    private static string SumTree(string e, int offset, int count) => count == 1
        ? $"{e}{offset}"
        : count == 2 ? $"{e}{offset} + {e}{offset + 1}"
        : $"{Group(SumTree(e, offset, count / 2), count / 2)} + {Group(SumTree(e, offset + count / 2, count - count / 2), count - count / 2)}";

    private static string Group(string sum, int count) => count == 1 ? sum : "(" + sum + ")";

    private void EmitLoopApply(CodeWriter w, string x)
    {
        w.WriteLine(HasBias ? $"p.Slice({B}, {U}).CopyTo(y);" : "y.Clear();");
        w.WriteLine($"global::RnnGen.CompilerServices.Kernels.MatVecAdd({x}, p.Slice({K}, {In * U}), y);");
        if (Act != ActivationKind.Linear) w.WriteLine($"global::RnnGen.CompilerServices.Kernels.Activate({EnumName(Act)}, y);");
    }

    /// <summary>
    /// One application, straight-line: <c>y_j = f(b_j + sum_i x_i W_ij)</c>, stored at <paramref name="yOffset"/> of the
    /// checked slice <paramref name="y"/>; softmax keeps <c>z</c> and the exps in locals and stores once, normalized.
    /// </summary>
    private void EmitApply(CodeWriter w, Func<int, string> x, string y, int yOffset)
    {
        bool softmax = Act == ActivationKind.Softmax;
        List<string> Terms(int j)
        {
            var terms = new List<string>();
            if (HasBias) terms.Add(Read("p", B + j));
            for (int i = 0; i < In; i++) terms.Add($"{x(i)} * {Read("p", K + i * U + j)}");
            return terms;
        }

        if (!softmax)
        {
            WriteActivatedUnits(w, Act, U, "a", Terms, j => Read(y, yOffset + j) + " = ", _ => ";");
            return;
        }

        w.WriteLine($"// z = x W{(HasBias ? " + b" : "")}");
        for (int j = 0; j < U; j++) w.WriteSum($"float z{j} = ", Terms(j), ";", TermsPerLine);
        w.WriteLine("// softmax: y = exp(z - max z) / sum exp(z - max z)");
        w.WriteLine($"float max = {MaxTree("z", 0, U)};");
        WriteFourAtATime(w, "global::RnnGen.CompilerServices.Activations.Exp", U, j => $"z{j} - max", "ev", (j, value) => $"float e{j} = {value};");
        w.WriteLine($"float scale = 1f / ({SumTree("e", 0, U)});");
        for (int j = 0; j < U; j++) w.WriteLine(Write($"e{j} * scale", y, yOffset + j));
    }
}
