using System;
using System.Collections.Generic;
using System.Linq;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit;

/// <summary>
/// Emits one layer's methods: forward over the sequence, backward (BPTT) beside it, and a one-timestep
/// streaming step. Every method has the same shape for every layer kind, so <see cref="ModelEmitter"/>
/// can chain them:
/// <code>
/// Forward(ReadOnlySpan&lt;float&gt; p, ReadOnlySpan&lt;float&gt; x, Span&lt;float&gt; ws)
/// Backward(ReadOnlySpan&lt;float&gt; p, Span&lt;float&gt; g, ReadOnlySpan&lt;float&gt; x, ReadOnlySpan&lt;float&gt; ws, ReadOnlySpan&lt;float&gt; dy, Span&lt;float&gt; dx, Span&lt;float&gt; scratch)
/// Step(ReadOnlySpan&lt;float&gt; p, ReadOnlySpan&lt;float&gt; x, Span&lt;float&gt; state, Span&lt;float&gt; y)
/// </code>
/// <c>ws</c> is the layer's slice of the workspace (its forward cache), <c>dy</c> the gradient of its output,
/// <c>dx</c> receives the gradient of its input (overwritten), <c>g</c> accumulates weight gradients.
/// </summary>
internal abstract class LayerEmitter
{
    protected LayerEmitter(LayerPlan layer, bool loops)
    {
        Layer = layer;
        Loops = loops;
    }

    public LayerPlan Layer { get; }

    /// <summary>Constant-bound loops instead of straight-line code.</summary>
    public bool Loops { get; }

    protected int T => Layer.Timesteps;
    protected int U => Layer.Units;
    protected int In => Layer.InputWidth;
    protected int K => Layer.KernelOffset;
    protected int R => Layer.RecurrentOffset;
    protected int B => Layer.BiasOffset;
    protected bool HasBias => Layer.HasBias;
    protected ActivationKind Act => Layer.Spec.Activation;

    /// <summary>The gate activation of Lstm and Gru (Keras <c>recurrent_activation</c>).</summary>
    protected ActivationKind Rec => Layer.Spec.RecurrentActivation;

    public string Prefix => Layer.MethodPrefix;

    /// <summary>Appended to the method names when this emitter serves another tier (<c>Loops</c>: the vector tier's fallback).</summary>
    public string MethodSuffix { get; init; } = "";

    public string ForwardMethod => Prefix + "_Forward" + MethodSuffix;
    public virtual string BackwardMethod => Prefix + "_Backward" + MethodSuffix;
    public string StepMethod => Prefix + "_Step" + MethodSuffix;

    /// <summary>Floats of forward cache this layer keeps in the workspace.</summary>
    public abstract int WorkspaceLength { get; }

    /// <summary>Offset, inside the layer's workspace, of the output the next layer reads.</summary>
    public abstract int OutputOffset { get; }

    /// <summary>Floats of scratch the backward pass needs.</summary>
    public abstract int ScratchLength { get; }

    /// <summary>Floats of recurrent state kept between <c>Step</c> calls.</summary>
    public virtual int StateLength => 0;

    /// <summary>Whether the layer calls the shared <c>TensorDot</c> helper, which <see cref="ModelEmitter"/> emits once per model.</summary>
    public virtual bool UsesTensorDot => false;

    /// <summary>The shared <c>TensorDot</c> helper: a plain sequential dot product.</summary>
    public static void EmitTensorDot(CodeWriter w)
    {
        w.WriteLine("// Dot product, shared by every layer that calls it.");
        using (w.Block("private static float TensorDot(global::System.ReadOnlySpan<float> a, global::System.ReadOnlySpan<float> b)"))
        {
            w.WriteLine("float sum = 0f;");
            w.WriteLine("for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];");
            w.WriteLine("return sum;");
        }
    }

    /// <summary>One-line description for comments: <c>SimpleRnn(3, tanh)</c>.</summary>
    public abstract string Describe();

    public abstract void EmitForward(CodeWriter w);
    public abstract void EmitBackward(CodeWriter w);
    public abstract void EmitStep(CodeWriter w);

    /// <summary>Index of the input timestep read at processing step <paramref name="s"/> (reversed by GoBackwards).</summary>
    protected int InputStep(int s) => Layer.Spec.GoBackwards ? T - 1 - s : s;

    /// <summary>Loop-mode expression for <see cref="InputStep"/>.</summary>
    protected string InputStepExpression => Layer.Spec.GoBackwards ? $"{T - 1} - s" : "s";

    protected const string ForwardParameters = "global::System.ReadOnlySpan<float> p, global::System.ReadOnlySpan<float> x, global::System.Span<float> ws";
    protected const string ForwardArguments = "p, x, ws";
    protected const string BackwardParameters = "global::System.ReadOnlySpan<float> p, global::System.Span<float> g, global::System.ReadOnlySpan<float> x, global::System.ReadOnlySpan<float> ws, global::System.ReadOnlySpan<float> dy, global::System.Span<float> dx, global::System.Span<float> scratch";
    protected const string BackwardArguments = "p, g, x, ws, dy, dx, scratch";
    protected const string StepParameters = "global::System.ReadOnlySpan<float> p, global::System.ReadOnlySpan<float> x, global::System.Span<float> state, global::System.Span<float> y";

    /// <summary>
    /// Emits a straight-line pass over <paramref name="steps"/> (in the order given) as one method, or, when the
    /// body would be too large for the JIT to optimize, as one method per chunk of timesteps called in order.
    /// <paramref name="prologue"/> declares the named slices every method needs.
    /// </summary>
    protected void EmitChunked(CodeWriter w, string method, string parameters, string arguments, string comment,
        IReadOnlyList<int> steps, int termsPerStep, Action prologue, Action<int> emitStep)
    {
        int perChunk = Math.Max(1, ModelPlan.MethodTermBudget / Math.Max(1, termsPerStep));
        if (steps.Count <= perChunk)
        {
            w.WriteLine("// " + comment);
            WriteInliningHint(w, steps.Count * termsPerStep);
            using (w.Block($"private static void {method}({parameters})"))
            {
                prologue();
                foreach (int s in steps)
                {
                    w.WriteLine();
                    emitStep(s);
                }
            }

            return;
        }

        var chunks = new List<(int First, int Last, string Name)>();
        for (int i = 0; i < steps.Count; i += perChunk)
        {
            int last = Math.Min(steps.Count, i + perChunk) - 1;
            chunks.Add((i, last, $"{method}_Steps{steps[i]}To{steps[last]}"));
        }

        w.WriteLine("// " + comment);
        w.WriteLine($"// Split into {chunks.Count} methods of at most {perChunk} timesteps so each stays small enough for the JIT to optimize.");
        using (w.Block($"private static void {method}({parameters})"))
        {
            foreach (var chunk in chunks)
            {
                w.WriteLine($"{chunk.Name}({arguments});");
            }
        }

        foreach (var chunk in chunks)
        {
            w.WriteLine();
            using (w.Block($"private static void {chunk.Name}({parameters})"))
            {
                prologue();
                for (int i = chunk.First; i <= chunk.Last; i++)
                {
                    w.WriteLine();
                    emitStep(steps[i]);
                }
            }
        }
    }

    /// <summary>Methods of at most this many terms are inlined into their caller: for tiny models the calls cost more than the math.</summary>
    public const int InlineTermLimit = 240;

    /// <summary>Writes <c>[MethodImpl(AggressiveInlining)]</c> for a straight-line method of <paramref name="terms"/> terms when it is small.</summary>
    protected void WriteInliningHint(CodeWriter w, int terms)
    {
        if (!Loops && terms <= InlineTermLimit)
        {
            w.WriteLine("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]");
        }
    }

    protected static int[] Ascending(int count)
    {
        var steps = new int[count];
        for (int i = 0; i < count; i++) steps[i] = i;
        return steps;
    }

    protected static int[] Descending(int count)
    {
        var steps = new int[count];
        for (int i = 0; i < count; i++) steps[i] = count - 1 - i;
        return steps;
    }

    /// <summary>One past the last weight of this layer: the length <c>p</c> must have.</summary>
    protected int ParameterEnd => Layer.ParameterOffset + Layer.ParameterCount;

    /// <summary>What a generated method calls when a slice is shorter than its constant offsets reach.</summary>
    internal const string ThrowBadSlice = "global::RnnGen.CompilerServices.Guard.ThrowBadSlice();";

    /// <summary>
    /// The slice check a generated method starts with, <c>if (p.Length &lt; 27 || x.Length &lt; 5) Guard.ThrowBadSlice();</c>:
    /// every tier's (straight-line, vector, lanes) one check per slice at entry.
    /// </summary>
    internal static string SliceGuard(params (string Span, string Length)[] checks)
    {
        var conditions = new List<string>();
        foreach (var (span, length) in checks) conditions.Add($"{span}.Length < {length}");
        return $"if ({string.Join(" || ", conditions)}) {ThrowBadSlice}";
    }

    /// <summary><c>f(f(a, b), f(c, d))</c>: a balanced tree of calls, log-depth instead of a chain.</summary>
    protected static string BalancedCall(string f, IReadOnlyList<string> items) => items.Count == 1
        ? items[0]
        : $"{f}({BalancedCall(f, items.Take(items.Count / 2).ToList())}, {BalancedCall(f, items.Skip(items.Count / 2).ToList())})";

    /// <summary>
    /// Straight-line Forward and Step read and write their slices through refs at constant offsets, as the vector tier does:
    /// writes <c>if (p.Length &lt; 27 || x.Length &lt; 5) Guard.ThrowBadSlice();</c>, one check per slice at entry, then
    /// <c>ref float pr = ref RnnSimd.Ref(p);</c> for each. The ref of a slice is its name's first letter and <c>r</c>
    /// (<c>pr</c>, <c>xr</c>, <c>wr</c> for <c>ws</c>, <c>sr</c> for <c>state</c>, <c>yr</c>).
    /// </summary>
    protected static void WriteRefs(CodeWriter w, params (string Span, int Length)[] slices)
    {
        w.WriteLine(SliceGuard(slices.Select(s => (s.Span, s.Length.ToString())).ToArray()));
        foreach (var (span, _) in slices) w.WriteLine($"ref float {RefName(span)} = ref RnnSimd.Ref({span});");
    }

    /// <summary>The ref <see cref="WriteRefs"/> declares for <paramref name="span"/>.</summary>
    protected static string RefName(string span) => span.Substring(0, 1) + "r";

    /// <summary>
    /// The file's alias for <c>System.Runtime.CompilerServices.Unsafe</c> (a reserved-looking name, like <c>RnnSimd</c>: a
    /// user's type may be named <c>Unsafe</c>).
    /// </summary>
    public const string UnsafeAliasDirective = "using RnnUnsafe = global::System.Runtime.CompilerServices.Unsafe;";

    /// <summary>
    /// <c>RnnUnsafe.Add(ref pr, 24)</c>: element <paramref name="index"/> of a slice <see cref="WriteRefs"/> checked. <c>Unsafe.Add</c>
    /// is a JIT intrinsic; a helper such as <c>RnnSimd.Load1</c> would be an inlining candidate, and a straight-line method has
    /// hundreds of them, more than the JIT's inlining budget per method, so some would stay calls.
    /// </summary>
    protected static string Read(string span, int index) => $"RnnUnsafe.Add(ref {RefName(span)}, {index})";

    /// <summary>Terms per line of a straight-line sum of <see cref="Read"/>s: each line one partial sum, short enough to read.</summary>
    protected const int TermsPerLine = 3;

    /// <summary><c>Unsafe.Add(ref yr, 0) = value;</c>: writes element <paramref name="index"/> of a slice <see cref="WriteRefs"/> checked.</summary>
    protected static string Write(string value, string span, int index) => $"{Read(span, index)} = {value};";

    /// <summary>
    /// <c>float x0 = Unsafe.Add(ref xr, 5);</c>, one line each, under a comment: <paramref name="count"/> elements of a checked
    /// slice from <paramref name="offset"/> into locals named <paramref name="local"/> and their index, so each is read once.
    /// </summary>
    protected static void WriteLoads(CodeWriter w, string local, string span, int offset, int count, string comment)
    {
        w.WriteLine($"// {comment}");
        for (int i = 0; i < count; i++) w.WriteLine($"float {local}{i} = {Read(span, offset + i)};");
    }

    /// <summary>The scalar function for <paramref name="activation"/> (<c>Activations.Tanh</c>), or null for Linear and Softmax.</summary>
    protected static string? Function(ActivationKind activation) => activation switch
    {
        ActivationKind.Tanh => "global::RnnGen.CompilerServices.Activations.Tanh",
        ActivationKind.Sigmoid => "global::RnnGen.CompilerServices.Activations.Sigmoid",
        ActivationKind.Relu => "global::RnnGen.CompilerServices.Activations.Relu",
        ActivationKind.HardSigmoid => "global::RnnGen.CompilerServices.Activations.HardSigmoid",
        _ => null,
    };

    /// <summary><c>f(z)</c> as C#: <c>Activations.Tanh(z)</c>, or <c>z</c> for Linear.</summary>
    protected static string Apply(ActivationKind activation, string z) =>
        Function(activation) is { } f ? $"{f}({z})" : z;

    /// <summary>
    /// <c>head(j) f(sum of terms(j)) tail(j)</c> for the <paramref name="count"/> units of one step. Tanh and sigmoid of two
    /// or more units go four per call through the four-value overloads (<c>Activations.Tanh(a, b, c, d)</c>, each lane the
    /// scalar function's bits, in one vector evaluation): the pre-activations first, into locals <c>{name}j</c>, then the
    /// calls (see <see cref="WriteFourAtATime"/>). Any other activation is applied unit by unit, inside the expression.
    /// </summary>
    protected static void WriteActivatedUnits(CodeWriter w, ActivationKind activation, int count, string name,
        Func<int, IReadOnlyList<string>> terms, Func<int, string> head, Func<int, string> tail)
    {
        string? f = Function(activation);
        if (!HasFourValueFunction(activation) || count < 2)
        {
            for (int j = 0; j < count; j++) w.WriteSum(head(j) + (f is null ? "" : f + "("), terms(j), (f is null ? "" : ")") + tail(j), TermsPerLine);
            return;
        }

        for (int j = 0; j < count; j++) w.WriteSum($"float {name}{j} = ", terms(j), ";", TermsPerLine);
        WriteFourAtATime(w, f!, count, j => $"{name}{j}", name + "v", (j, value) => head(j) + value + tail(j));
    }

    /// <summary>
    /// <c>statement(j, f(argument(j)))</c> for the <paramref name="count"/> units: four per call (see
    /// <see cref="WriteFourAtATime"/>) where the activation has a four-value function and there are two or more units, else
    /// one call each.
    /// </summary>
    protected static void WriteActivatedValues(CodeWriter w, ActivationKind activation, int count, Func<int, string> argument, string vector, Func<int, string, string> statement)
    {
        if (HasFourValueFunction(activation) && count > 1) WriteFourAtATime(w, Function(activation)!, count, argument, vector, statement);
        else for (int j = 0; j < count; j++) w.WriteLine(statement(j, Apply(activation, argument(j))));
    }

    /// <summary>Whether <c>Activations</c> has a four-value overload of the activation's function.</summary>
    private static bool HasFourValueFunction(ActivationKind activation) =>
        activation is ActivationKind.Tanh or ActivationKind.Sigmoid;

    /// <summary>
    /// <c>statement(j, function(argument(j)))</c> for <c>j</c> in <c>[0, count)</c>, four arguments per call of the four-value
    /// overload of <paramref name="function"/> (padded with zeros), its result in <c>RnnVector128 {vector}g</c> and each
    /// unit reading its lane. A group of one calls the scalar function.
    /// </summary>
    protected static void WriteFourAtATime(CodeWriter w, string function, int count, Func<int, string> argument, string vector, Func<int, string, string> statement)
    {
        for (int first = 0, group = 0; first < count; first += 4, group++)
        {
            int lanes = Math.Min(4, count - first);
            if (lanes == 1)
            {
                w.WriteLine(statement(first, $"{function}({argument(first)})"));
                continue;
            }

            var arguments = Enumerable.Range(0, 4).Select(lane => lane < lanes ? argument(first + lane) : "0f");
            w.WriteLine($"RnnVector128 {vector}{group} = {function}({string.Join(", ", arguments)}); // units {first}..{first + lanes - 1}, one lane each");
            for (int lane = 0; lane < lanes; lane++) w.WriteLine(statement(first + lane, $"{vector}{group}[{lane}]"));
        }
    }

    /// <summary><c>d * f'(z)</c> expressed through the output <c>y = f(z)</c>.</summary>
    protected static string Derivative(ActivationKind activation, string y, string d) => activation switch
    {
        ActivationKind.Tanh => $"{d} * (1f - {y} * {y})",
        ActivationKind.Sigmoid => $"{d} * {y} * (1f - {y})",
        ActivationKind.Relu => $"({y} > 0f ? {d} : 0f)",
        ActivationKind.HardSigmoid => $"global::RnnGen.CompilerServices.Activations.HardSigmoidBackward({y}, {d})",
        _ => d,
    };

    /// <summary>
    /// Loop mode, inside the timestep loop: the weight and input gradients of one timestep from the pre-activation
    /// gradient <paramref name="da"/> (<paramref name="columns"/> wide): <c>db += da</c>, <c>dK += x_t^T da</c>, <c>dx_t = da K^T</c>,
    /// and, after the first timestep, <c>dR += h_(s-1)^T da</c> and the carried <c>dh = da R^T</c>.
    /// </summary>
    protected void EmitLoopGradients(CodeWriter w, string da, int columns, string hPrevious)
    {
        if (HasBias) w.WriteLine($"for (int q = 0; q < {columns}; q++) g[{B} + q] += {da}[q];");
        w.WriteLine($"global::RnnGen.CompilerServices.Kernels.OuterAdd(x.Slice(t * {In}, {In}), {da}, g.Slice({K}, {In * columns}));");
        w.WriteLine($"global::System.Span<float> dxt = dx.Slice(t * {In}, {In});");
        w.WriteLine("dxt.Clear();");
        w.WriteLine($"global::RnnGen.CompilerServices.Kernels.MatTransposeVecAdd(kernel, {da}, dxt);");
        using (w.Block("if (s > 0)"))
        {
            w.WriteLine($"global::RnnGen.CompilerServices.Kernels.OuterAdd({hPrevious}, {da}, g.Slice({R}, {U * columns}));");
            w.WriteLine("dh.Clear();");
            w.WriteLine($"global::RnnGen.CompilerServices.Kernels.MatTransposeVecAdd(recurrent, {da}, dh);");
        }
    }

    /// <summary><c>g[offset + c] += da[c]</c> for every non-zero column.</summary>
    protected static void EmitBiasGradient(CodeWriter w, int offset, IReadOnlyList<string?> da)
    {
        for (int c = 0; c < da.Count; c++)
        {
            if (da[c] is { } d) w.WriteLine($"g[{offset + c}] += {d};");
        }
    }

    /// <summary><c>g[offset + i * cols + c] += rows[i] * da[c]</c>: the weight gradient of <c>rows W</c>.</summary>
    protected static void EmitOuterGradient(CodeWriter w, int offset, IReadOnlyList<string> rows, IReadOnlyList<string?> da)
    {
        for (int i = 0; i < rows.Count; i++)
        {
            for (int c = 0; c < da.Count; c++)
            {
                if (da[c] is { } d) w.WriteLine($"g[{offset + i * da.Count + c}] += {rows[i]} * {d};");
            }
        }
    }

    /// <summary><c>target_i (=|+=) sum_c p[offset + i * cols + c] * da[c]</c>: the input gradient of <c>x W</c>.</summary>
    protected static void EmitTransposeProduct(CodeWriter w, IReadOnlyList<string> targets, int offset, IReadOnlyList<string?> da, string assign = " = ")
    {
        for (int i = 0; i < targets.Count; i++)
        {
            var terms = new List<string>();
            for (int c = 0; c < da.Count; c++)
            {
                if (da[c] is { } d) terms.Add($"p[{offset + i * da.Count + c}] * {d}");
            }

            w.WriteSum(targets[i] + assign, terms, ";");
        }
    }

    /// <summary><c>name[offset + i]</c> for <c>i</c> in <c>[0, count)</c>.</summary>
    protected static string[] Elements(string name, int offset, int count)
    {
        var items = new string[count];
        for (int i = 0; i < count; i++) items[i] = $"{name}[{offset + i}]";
        return items;
    }

    /// <summary><c>Activation.Tanh</c> for loop-mode kernel calls.</summary>
    protected static string EnumName(ActivationKind activation) => "global::RnnGen.Activation." + activation;

    /// <summary><c>1 timestep</c>, <c>5 timesteps</c>.</summary>
    protected static string Steps(int count) => count == 1 ? "1 timestep" : count + " timesteps";

    protected static string Name(ActivationKind activation) => activation.ToString().ToLowerInvariant();
}
