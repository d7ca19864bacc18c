using System.Collections.Generic;
using System.Globalization;
using System.Text;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit;

/// <summary>Keras's <c>model.summary()</c> table and the Keras tensor list of each layer.</summary>
internal static class SummaryTable
{
    private const int Width = 65;
    private static readonly int[] Columns = { 29, 55, 65 };

    public static string[] Build(string modelName, ModelPlan plan)
    {
        var lines = new List<string>
        {
            $"Model: \"{modelName}\"",
            new string('_', Width),
            Row("Layer (type)", "Output Shape", "Param #"),
            new string('=', Width),
        };
        if (plan.Spec.MaskValue is not null)
        {
            // Keras lists the weightless Masking layer first; it is not one of Layers (it has no LayerKind and no weights).
            lines.Add(Row("masking (Masking)", $"(None, {plan.Timesteps}, {plan.Features})", "0"));
            lines.Add("");
        }

        // Keras lists the weightless Dropout layers where they stand, named dropout, dropout_1, ...; they are not in Layers.
        int dropouts = 0;
        string DropoutName() => dropouts++ == 0 ? "dropout" : $"dropout_{dropouts - 1}";
        if (plan.Spec.InputDropout > 0f)
        {
            lines.Add(Row($"{DropoutName()} (Dropout)", $"(None, {plan.Timesteps}, {plan.Features})", "0"));
            lines.Add("");
        }

        for (int i = 0; i < plan.Layers.Count; i++)
        {
            LayerPlan layer = plan.Layers[i];
            string shape = layer.OutputIsSequence ? $"(None, {layer.Timesteps}, {layer.OutputWidth})" : $"(None, {layer.OutputWidth})";
            lines.Add(Row($"{layer.Name} ({(layer.IsBidirectional ? "Bidirectional" : TypeName(layer.Kind))})", shape, layer.ParameterCount.ToString(CultureInfo.InvariantCulture)));
            if (layer.Spec.OutputDropout > 0f)
            {
                lines.Add("");
                lines.Add(Row($"{DropoutName()} (Dropout)", shape, "0"));
            }

            lines.Add(i == plan.Layers.Count - 1 ? new string('=', Width) : "");
        }

        lines.Add($"Total params: {plan.ParameterCount.ToString(CultureInfo.InvariantCulture)}");
        lines.Add($"Trainable params: {plan.ParameterCount.ToString(CultureInfo.InvariantCulture)}");
        lines.Add("Non-trainable params: 0");
        lines.Add(new string('_', Width));
        return lines.ToArray();
    }

    /// <summary>The layer's weights in Keras <c>get_weights()</c> order: name, shape, offset, length.</summary>
    public static IEnumerable<(string Name, int[] Shape, int Offset, int Length)> Tensors(LayerPlan layer)
    {
        if (layer.IsBidirectional)
        {
            // Keras Bidirectional.get_weights(): the forward layer's, then the backward layer's, under their own names.
            foreach (LayerPlan direction in layer.Cells)
            {
                foreach (var (name, shape, offset, length) in Tensors(direction))
                {
                    yield return ($"{direction.Name}/{name}", shape, offset, length);
                }
            }

            yield break;
        }

        int u = layer.Units;
        int gates = layer.Gates;
        switch (layer.Kind)
        {
            case LayerKind.Embedding:
                yield return ("embeddings", new[] { layer.Spec.InputDim, u }, layer.KernelOffset, layer.KernelLength);
                break;
            case LayerKind.Dense:
                yield return ("kernel", new[] { layer.InputWidth, u }, layer.KernelOffset, layer.KernelLength);
                if (layer.HasBias) yield return ("bias", new[] { u }, layer.BiasOffset, layer.BiasLength);
                break;
            default:
                yield return ("kernel", new[] { layer.InputWidth, gates * u }, layer.KernelOffset, layer.KernelLength);
                yield return ("recurrent_kernel", new[] { u, gates * u }, layer.RecurrentOffset, layer.RecurrentLength);
                if (layer.HasBias)
                {
                    bool twoRows = layer.Kind == LayerKind.Gru && layer.Spec.ResetAfter;
                    yield return ("bias", twoRows ? new[] { 2, gates * u } : new[] { gates * u }, layer.BiasOffset, layer.BiasLength);
                }

                break;
        }
    }

    private static string TypeName(LayerKind kind) => kind switch
    {
        LayerKind.SimpleRnn => "SimpleRNN",
        LayerKind.Lstm => "LSTM",
        LayerKind.Gru => "GRU",
        LayerKind.Dense => "Dense",
        _ => "Embedding",
    };

    private static string Row(string a, string b, string c)
    {
        var line = new StringBuilder(" ").Append(a);
        Pad(line, Columns[0]);
        line.Append(b);
        Pad(line, Columns[1]);
        line.Append(c);
        return line.ToString().TrimEnd();
    }

    private static void Pad(StringBuilder line, int column)
    {
        line.Append(' ', line.Length < column ? column - line.Length : 1);
    }
}
