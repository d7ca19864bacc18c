using System;
using System.Collections.Generic;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Parsing;

/// <summary>
/// The documented size limits (docs/diagnostics.md, RNNG015 and RNNG016), checked on the declaration before anything
/// is planned or emitted. All shape arithmetic here is 64-bit and saturating, so no product of <c>int</c> arguments
/// can wrap: a declaration that passes these checks has every offset, length and count of <see cref="ModelPlan"/>
/// well inside <c>int</c>, and emits a bounded amount of source.
/// </summary>
internal static class ModelLimits
{
    /// <summary>Largest timesteps, features or units (a Step keeps one layer's output on the stack).</summary>
    public const long MaxDimension = 65_536;

    /// <summary>Most layers in one model (loop-mode source grows with the layer count).</summary>
    public const long MaxLayers = 256;

    /// <summary>Most weights in one model: 2^24 floats, 64 MB.</summary>
    public const long MaxParameters = 16_777_216;

    /// <summary>Most floats of activations one forward pass keeps for Backward (an upper bound over the layers): 2^24, 64 MB.</summary>
    public const long MaxWorkspace = 16_777_216;

    /// <summary>
    /// Most multiply-adds of one forward pass that <c>UnrollMode.Full</c> writes out as straight-line code. Measured:
    /// source grows about 80-100 bytes per multiply-add (forward, backward and Step), and a build of a 15,384-MAC Full
    /// model takes ~5 s more than an empty one (1.2 MB of source; 64,000 MACs took ~15 s), so this keeps a Full model
    /// within "a few seconds" of build time. Auto picks other tiers far below it (512), and the vector tier is faster
    /// than straight-line code from 4 units on.
    /// </summary>
    public const long MaxFullUnrollMacs = 16_384;

    /// <summary>Largest Embedding vocabulary: token ids travel as floats, which hold every integer below 2^24 exactly.</summary>
    public const long MaxVocabulary = 16_777_216;

    /// <summary>A value over a limit: what it is, its value and the limit.</summary>
    public readonly record struct Violation(string What, long Value, long Limit);

    /// <summary>
    /// Every limit the declaration exceeds, in a fixed order. Call only when every shape argument is at least 1.
    /// </summary>
    public static List<Violation> Check(int timesteps, int features, IReadOnlyList<LayerSpec> layers)
    {
        var violations = new List<Violation>();
        void Limit(string what, long value, long limit)
        {
            if (value > limit) violations.Add(new Violation(what, value, limit));
        }

        Limit("timesteps", timesteps, MaxDimension);
        Limit("features", features, MaxDimension);
        Limit("the layer count", layers.Count, MaxLayers);
        for (int i = 0; i < layers.Count; i++)
        {
            LayerSpec layer = layers[i];
            Limit(layer.Kind == LayerKind.Embedding ? $"layer {i} outputDim" : $"layer {i} units", layer.Units, MaxDimension);
        }

        if (violations.Count > 0)
        {
            return violations;
        }

        Shapes shapes = Measure(timesteps, features, layers);
        Limit("the parameter count", shapes.Parameters, MaxParameters);
        Limit("the workspace (floats of activations per sequence)", shapes.Workspace, MaxWorkspace);
        return violations;
    }

    /// <summary>Multiply-adds of one forward pass, computed in saturating 64-bit arithmetic.</summary>
    public static long ForwardMacs(int timesteps, int features, IReadOnlyList<LayerSpec> layers) =>
        Measure(timesteps, features, layers).ForwardMacs;

    private readonly record struct Shapes(long Parameters, long Workspace, long ForwardMacs);

    private static Shapes Measure(int timesteps, int features, IReadOnlyList<LayerSpec> layers)
    {
        long t = timesteps;
        long width = features;
        bool sequence = true;
        long parameters = 0;
        long workspace = Mul(t, features); // the input copy Forward keeps
        long macs = 0;
        foreach (LayerSpec layer in layers)
        {
            long u = layer.Units;
            switch (layer.Kind)
            {
                case LayerKind.Embedding:
                    parameters = Add(parameters, Mul(layer.InputDim, u));
                    workspace = Add(workspace, Mul(t, u));
                    sequence = true;
                    break;
                case LayerKind.Dense:
                    long applications = sequence ? t : 1;
                    parameters = Add(parameters, Add(Mul(width, u), layer.UseBias ? u : 0));
                    workspace = Add(workspace, Mul(Mul(applications, u), 2)); // output, and its gradient
                    macs = Add(macs, Mul(applications, Mul(width, u)));
                    break;
                default:
                    long gates = layer.Kind switch { LayerKind.Lstm => 4, LayerKind.Gru => 3, _ => 1 };
                    long columns = Mul(gates, u);
                    long directions = layer.Directions;
                    parameters = Add(parameters, Mul(directions, Add(Mul(Add(width, u), columns), !layer.UseBias ? 0 : layer.Kind == LayerKind.Gru && layer.ResetAfter ? Mul(2, columns) : columns)));
                    workspace = Add(workspace, Mul(Mul(directions, t), Add(Mul(2, columns), Mul(4, u)))); // gates, states, outputs, gradients (per direction)
                    macs = Add(macs, Mul(Mul(directions, t), Mul(columns, Add(width, u))));
                    sequence = layer.ReturnSequences;
                    break;
            }

            width = layer.OutputWidth;
        }

        return new Shapes(parameters, workspace, macs);
    }

    private static long Add(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    private static long Mul(long a, long b) => a != 0 && b > long.MaxValue / a ? long.MaxValue : a * b;

    /// <summary>A count for messages: <c>16,777,216</c>.</summary>
    public static string Format(long value) => value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
}
