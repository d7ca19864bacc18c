using System.Text;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit;

/// <summary>
/// Emits the weights frozen from a <c>&lt;RnnGenWeights&gt;</c> file as a <c>ReadOnlySpan&lt;float&gt;</c> over a
/// <c>new float[] { ... }</c>: the compiler stores the literals as static data in the assembly (an RVA field read
/// through <c>RuntimeHelpers.CreateSpan</c>), so nothing is allocated or read from disk to get them.
/// </summary>
internal static class FrozenWeightsEmitter
{
    private const int PerLine = 8;

    /// <summary>The parameterless constructor of a frozen model: copy the embedded weights into <c>Parameters</c>.</summary>
    public static void EmitConstructor(CodeWriter w, ModelSpec spec)
    {
        w.WriteLine($"/// <summary>Creates the model with the weights frozen at build time from <c>{Escape(spec.WeightsFile!)}</c>; no file is read.</summary>");
        w.WriteLine($"public {spec.ClassName}() => FrozenParameters.CopyTo(_parameters.Span);");
    }

    /// <summary>The embedded weights, one comment per tensor, in <c>Parameters</c> layout.</summary>
    public static void EmitData(CodeWriter w, ModelSpec spec, ModelPlan plan)
    {
        w.WriteLine();
        w.WriteLine($"// ---- frozen weights: {spec.WeightsFile}, {plan.ParameterCount} floats ----");
        w.WriteLine();
        w.WriteLine($"/// <summary>Weights frozen from <c>{Escape(spec.WeightsFile!)}</c>, in <see cref=\"Parameters\"/> layout; static data in the assembly.</summary>");
        w.WriteLine("private static global::System.ReadOnlySpan<float> FrozenParameters => new float[]");
        using (w.Block(suffix: ";"))
        {
            foreach (LayerPlan layer in plan.Layers)
            {
                foreach (var (name, shape, offset, length) in SummaryTable.Tensors(layer))
                {
                    w.WriteLine($"// {layer.Name}/{name} [{string.Join(", ", shape)}], Parameters[{offset}..{offset + length}]");
                    for (int start = 0; start < length; start += PerLine)
                    {
                        var line = new StringBuilder();
                        for (int i = start; i < start + PerLine && i < length; i++)
                        {
                            line.Append(ModelEmitter.FloatLiteral(spec.FrozenParameters[offset + i])).Append(',');
                            if (i + 1 < start + PerLine && i + 1 < length) line.Append(' ');
                        }

                        w.WriteLine(line.ToString());
                    }
                }
            }
        }
    }


    private static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
