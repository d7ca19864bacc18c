using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit.Batch;

/// <summary>
/// Dense in lanes: per application (each timestep of a sequence, or the one vector) <c>y = f(x K + b)</c> as one small
/// matrix product over the group, eight columns per block; softmax across the units of each lane.
/// </summary>
internal sealed class LaneDense : LaneLayer
{
    public LaneDense(LayerPlan layer, LayerEmitter perSample) : base(layer, perSample) { }

    /// <summary>Applications: every timestep of a sequence input, else one.</summary>
    private int N => Layer.InputIsSequence ? T : 1;

    private ActivationKind Act => Layer.Spec.Activation;

    /// <summary>dz of every application, [N, U].</summary>
    public override int ScratchLength => N * U;

    public override void EmitForward(CodeWriter w)
    {
        w.WriteLine($"// layer {Layer.Index} ({Layer.Name}) forward on a group of samples in lanes: y = {(Act == ActivationKind.Linear ? "" : Act.ToString().ToLowerInvariant())}(x K{(Layer.HasBias ? " + b" : "")})");
        using (w.Block($"private static void {ForwardMethod}({ForwardParameters})"))
        {
            EmitGuard(w, ("p", ParameterEnd.ToString()), ("x", $"{N * In} * lanes"), ("ws", $"{N * U} * lanes"));
            w.WriteLine($"ref float pr = ref {S}.Ref(p);");
            w.WriteLine($"ref float xr = ref {S}.Ref(x);");
            w.WriteLine($"ref float wr = ref {S}.Ref(ws);");
            using (w.Block($"for (int n = 0; n < {N}; n++)"))
            {
                w.WriteLine($"ref float xn = ref {L}.At(ref xr, n * {In});");
                w.WriteLine($"ref float yn = ref {L}.At(ref wr, n * {U});");
                string start = Layer.HasBias ? Weight("pr", Plus(Layer.BiasOffset, "c")) : Zero;
                w.WriteLine($"for (int c = 0; c < {U}; c++) {L}.Store({start}, ref yn, c); // {(Layer.HasBias ? "b" : "0")}");
                w.WriteLine($"{L}.Product(ref xn, {In}, {Weights("pr", Layer.KernelOffset)}, {U}, {U}, ref yn); // + x K");
                if (Act == ActivationKind.Softmax) EmitSoftmax(w);
                else if (Act != ActivationKind.Linear) w.WriteLine($"for (int j = 0; j < {U}; j++) {L}.Store({Activate(Act, $"{L}.Load(ref yn, j)")}, ref yn, j);");
            }
        }
    }

    /// <summary>Softmax across the units, lane by lane: subtract the maximum, exponentiate, divide by the sum.</summary>
    private void EmitSoftmax(CodeWriter w)
    {
        w.WriteLine("// softmax across the units of each lane");
        w.WriteLine($"{V} max = {L}.Load(ref yn, 0);");
        w.WriteLine($"for (int j = 1; j < {U}; j++) max = {L}.Max(max, {L}.Load(ref yn, j));");
        w.WriteLine($"{V} sum = {Zero};");
        using (w.Block($"for (int j = 0; j < {U}; j++)"))
        {
            w.WriteLine($"{V} e = {L}.Exp({L}.Load(ref yn, j) - max);");
            w.WriteLine($"{L}.Store(e, ref yn, j);");
            w.WriteLine("sum = sum + e;");
        }

        w.WriteLine($"{V} inverse = {V}.One / sum;");
        w.WriteLine($"for (int j = 0; j < {U}; j++) {L}.Store({L}.Load(ref yn, j) * inverse, ref yn, j);");
    }

    public override void EmitBackward(CodeWriter w)
    {
        w.WriteLine($"// layer {Layer.Index} ({Layer.Name}) backward on a group in lanes: dz = dy {(Act == ActivationKind.Softmax ? "J_softmax" : "f'(y)")}; g += x^T dz{(Layer.HasBias ? ", dz" : "")}{(InputGradient ? "; dx = dz K^T" : "")}");
        using (w.Block($"private static void {BackwardMethod}({BackwardParameters})"))
        {
            EmitBackwardGuard(w, $"{N * In} * lanes", $"{N * U} * lanes", $"{ScratchLength} * lanes");
            w.WriteLine($"ref float pr = ref {S}.Ref(p);");
            w.WriteLine($"ref float gr = ref {S}.Ref(g);");
            w.WriteLine($"ref float xr = ref {S}.Ref(x);");
            w.WriteLine($"ref float wr = ref {S}.Ref(ws);");
            w.WriteLine($"ref float dyr = ref {S}.Ref(dy);");
            w.WriteLine($"ref float dzr = ref {S}.Ref(scratch); // dLoss/dz of every application, [{N}, {U}]");
            if (InputGradient)
            {
                w.WriteLine($"ref float dxr = ref {S}.Ref(dx);");
                w.WriteLine($"dx.Slice(0, {N * In} * lanes).Clear();");
            }

            using (w.Block($"for (int n = 0; n < {N}; n++)"))
            {
                w.WriteLine($"ref float yn = ref {L}.At(ref wr, n * {U});");
                w.WriteLine($"ref float dyn = ref {L}.At(ref dyr, n * {U});");
                w.WriteLine($"ref float dzn = ref {L}.At(ref dzr, n * {U});");
                if (Act == ActivationKind.Softmax)
                {
                    w.WriteLine("// through softmax: dz_j = y_j (dy_j - Σ_k dy_k y_k)");
                    w.WriteLine($"{V} dot = {Zero};");
                    w.WriteLine($"for (int j = 0; j < {U}; j++) dot = {L}.MultiplyAdd({L}.Load(ref dyn, j), {L}.Load(ref yn, j), dot);");
                    w.WriteLine($"for (int j = 0; j < {U}; j++) {L}.Store({L}.Load(ref yn, j) * ({L}.Load(ref dyn, j) - dot), ref dzn, j);");
                }
                else
                {
                    w.WriteLine($"for (int j = 0; j < {U}; j++) {L}.Store({Derivative(Act, $"{L}.Load(ref yn, j)", $"{L}.Load(ref dyn, j)")}, ref dzn, j);");
                }

                if (InputGradient) w.WriteLine($"{L}.ProductTransposed(ref dzn, {U}, {Weights("pr", Layer.KernelOffset)}, {U}, {In}, {LaneAt("dxr", $"n * {In}")}); // dx_n = dz_n K^T");
            }

            w.WriteLine("// the weight gradients, summed over the applications and the group's lanes");
            if (Layer.HasBias) w.WriteLine($"{L}.SumSteps(ref dzr, {U}, {U}, {N}, {Weights("gr", Layer.BiasOffset)}); // db += Σ_n dz_n");
            w.WriteLine($"{L}.Outer(ref xr, {In}, {In}, ref dzr, {U}, {U}, {N}, {Weights("gr", Layer.KernelOffset)}, {U}); // dK += Σ_n x_n^T dz_n");
        }
    }
}
