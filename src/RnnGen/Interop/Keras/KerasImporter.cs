namespace RnnGen.Interop.Keras;

/// <summary>How a file's weight groups are matched to the model's layers.</summary>
internal enum KerasPairing
{
    /// <summary>The n-th group holding weights fills the n-th layer (Keras 2 <c>save_weights</c> without a config).</summary>
    ByOrder,
    /// <summary>Each config layer's weights are the group of the same name (Keras 2 whole-model files, tfjs).</summary>
    ByConfigName,
    /// <summary>Keras 3: groups are named by snake_case class name (<c>lstm</c>, <c>lstm_1</c>), as RnnGen names layers.</summary>
    ByModelName,
}

/// <summary>One layer's weights in a Keras-family file, in <c>get_weights()</c> order.</summary>
internal sealed record KerasLayerWeights(string Key, List<SourceTensor> Weights);

/// <summary>
/// The common back end of the Keras 2, Keras 3 and TensorFlow.js importers: checks the architecture (when the file
/// carries one) before any shape, then fills every model tensor from the file's Keras-layout weights.
/// </summary>
internal static class KerasImporter
{
    /// <remarks><c>keras3</c>: the file was written by Keras 3, whose <c>hard_sigmoid</c> is not Keras 2's (see <see cref="KerasArchitecture.Check"/>).</remarks>
    public static void Apply(IRnnModel model, List<KerasLayerConfig>? config, List<KerasLayerWeights> groups, KerasPairing pairing, ParameterBuffer buffer, bool keras3 = false)
    {
        IReadOnlyList<LayerInfo> layers = model.Layers;
        List<KerasLayerConfig>? matched = config is null ? null : KerasArchitecture.Check(model, config, buffer, keras3);
        var byKey = new Dictionary<string, KerasLayerWeights>(StringComparer.Ordinal);
        foreach (KerasLayerWeights g in groups)
        {
            if (!byKey.TryAdd(g.Key, g)) throw buffer.Fail($"two weight groups are named '{g.Key}'.");
        }

        var used = new HashSet<string>(StringComparer.Ordinal);
        List<KerasLayerWeights> ordered = groups.FindAll(g => g.Weights.Count > 0);
        for (int i = 0; i < layers.Count; i++)
        {
            LayerInfo layer = layers[i];
            KerasLayerWeights? g = pairing switch
            {
                KerasPairing.ByOrder => i < ordered.Count ? ordered[i] : null,
                KerasPairing.ByConfigName => byKey.GetValueOrDefault(matched![i].Name),
                _ => byKey.GetValueOrDefault(layer.Name),
            };
            if (g is null || g.Weights.Count == 0)
            {
                string where = pairing == KerasPairing.ByConfigName ? $"file layer '{matched![i].Name}'" : $"layer '{layer.Name}'";
                throw buffer.Fail($"the file has no weights for {where}; '{layer.Name}' in {InteropText.ModelName(model)} needs {string.Join(", ", layer.Tensors.Select(t => $"{t.Name} {InteropText.Shape(t.Shape)}"))}.");
            }

            used.Add(g.Key);
            if (g.Weights.Count != layer.Tensors.Count)
            {
                throw buffer.Fail($"layer '{layer.Name}': the file's '{g.Key}' has {g.Weights.Count} weights ({string.Join(", ", g.Weights.Select(w => $"{w.Name} {w.ShapeText}"))}), but {InteropText.ModelName(model)} expects {layer.Tensors.Count} ({string.Join(", ", layer.Tensors.Select(t => t.Name))}).");
            }

            for (int k = 0; k < layer.Tensors.Count; k++)
            {
                SourceTensor w = g.Weights[k];
                TensorInfo t = layer.Tensors[k];
                string expected = t.Name[(t.Name.LastIndexOf('/') + 1)..];
                string actual = Suffix(w.Name);
                if (actual is "kernel" or "recurrent_kernel" or "bias" or "embeddings" && actual != expected)
                {
                    throw buffer.Fail($"layer '{layer.Name}': weight {k} is '{w.Name}', expected its {expected}.");
                }

                buffer.Fill(t, w.Shape, w.Data, $"'{w.Name}'");
            }
        }

        foreach (KerasLayerWeights g in groups)
        {
            if (g.Weights.Count > 0 && !used.Contains(g.Key))
            {
                throw buffer.Fail($"the file's '{g.Key}' holds {g.Weights.Count} weights ({string.Join(", ", g.Weights.Select(w => w.Name))}) that no layer of {InteropText.ModelName(model)} takes.");
            }
        }
    }

    /// <summary><c>lstm/lstm_cell/kernel:0</c> → <c>kernel</c>.</summary>
    private static string Suffix(string name)
    {
        string last = name[(name.LastIndexOf('/') + 1)..];
        int colon = last.IndexOf(':');
        return colon < 0 ? last : last[..colon];
    }
}
