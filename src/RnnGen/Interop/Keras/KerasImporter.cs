namespace RnnGen.Interop.Keras;

/// <summary>How a file's weight groups are matched to the model's layers.</summary>
internal enum KerasPairing
{
    /// <summary>The n-th group holding weights fills the n-th layer (Keras 2 <c>save_weights</c> without a config).</summary>
    ByOrder,
    /// <summary>Each config layer's weights are the group of the same name (Keras 2 whole-model files, tfjs).</summary>
    ByConfigName,
    /// <summary>
    /// Keras 3: groups are named by snake_case class name, numbered per class within the model (<c>lstm</c>,
    /// <c>lstm_1</c>, <c>bidirectional</c>: <c>saving_lib._save_container_state</c>); see <see cref="KerasImporter.Keras3Paths"/>.
    /// </summary>
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
        string[] keras3Paths = Keras3Paths(layers, toggle: -1);
        string modelName = InteropText.ModelName(model);
        for (int i = 0; i < layers.Count; i++)
        {
            LayerInfo layer = layers[i];
            KerasLayerWeights? g = pairing switch
            {
                KerasPairing.ByOrder => i < ordered.Count ? ordered[i] : null,
                KerasPairing.ByConfigName => byKey.GetValueOrDefault(matched![i].Name),
                _ => byKey.GetValueOrDefault(keras3Paths[i]),
            };
            if (g is null || g.Weights.Count == 0)
            {
                if (pairing == KerasPairing.ByModelName && layer.Kind is LayerKind.SimpleRnn or LayerKind.Lstm or LayerKind.Gru
                    && byKey.TryGetValue(Keras3Paths(layers, toggle: i)[i], out KerasLayerWeights? other) && other.Weights.Count > 0)
                {
                    // The file has this layer's other form: 'lstm' where the model has 'bidirectional', or the reverse.
                    throw buffer.Fail($"layer '{layer.Name}': bidirectional is {Text(!layer.Bidirectional)} in the file (it holds 'layers/{other.Key}', not 'layers/{keras3Paths[i]}') but {Text(layer.Bidirectional)} in {modelName}.");
                }

                string where = pairing switch
                {
                    KerasPairing.ByConfigName => $"file layer '{matched![i].Name}'",
                    KerasPairing.ByModelName when keras3Paths[i] != layer.Name => $"layer '{layer.Name}' (file path 'layers/{keras3Paths[i]}')",
                    _ => $"layer '{layer.Name}'",
                };
                throw buffer.Fail($"the file has no weights for {where}; '{layer.Name}' in {modelName} needs {string.Join(", ", layer.Tensors.Select(t => $"{t.Name} {InteropText.Shape(t.Shape)}"))}.");
            }

            used.Add(g.Key);
            CheckDirections(layer, g, modelName, buffer);
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

    /// <summary>
    /// Keras 3's path of each model layer in a Sequential's weights: the snake_case class name, numbered per class in
    /// order (<c>saving_lib._save_container_state</c>: <c>lstm</c>, <c>lstm_1</c>, <c>bidirectional</c>,
    /// <c>bidirectional_1</c>). A Bidirectional layer is one <c>bidirectional</c> entry whatever it wraps, so an LSTM after
    /// one is <c>lstm</c> in Keras 3 even where Keras 2's counters call it <c>lstm_1</c>.
    /// </summary>
    /// <param name="layers">The model's layers.</param>
    /// <param name="toggle">The index of a layer to name as if its bidirectionality were the opposite (-1: none).</param>
    internal static string[] Keras3Paths(IReadOnlyList<LayerInfo> layers, int toggle)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var paths = new string[layers.Count];
        for (int i = 0; i < layers.Count; i++)
        {
            bool bidirectional = layers[i].Bidirectional != (i == toggle);
            string name = bidirectional ? "bidirectional" : layers[i].Kind switch
            {
                LayerKind.SimpleRnn => "simple_rnn",
                LayerKind.Lstm => "lstm",
                LayerKind.Gru => "gru",
                LayerKind.Dense => "dense",
                LayerKind.Embedding => "embedding",
                _ => layers[i].Kind.ToString().ToLowerInvariant(),
            };
            int n = counts.GetValueOrDefault(name);
            counts[name] = n + 1;
            paths[i] = n == 0 ? name : $"{name}_{n}";
        }

        return paths;
    }

    /// <summary>
    /// For a Bidirectional layer, the file's weights must be its forward layer's, then its backward layer's; a plain
    /// layer's weights must not come from one. The names say which: Keras 2 <c>bidirectional/forward_lstm/lstm_cell_1/kernel:0</c>,
    /// Keras 3 <c>layers/bidirectional/forward_layer/cell/vars/0</c>, tfjs <c>bidirectional_Bidirectional1/forward_lstm_LSTM1/kernel</c>.
    /// Checked before any count or shape.
    /// </summary>
    private static void CheckDirections(LayerInfo layer, KerasLayerWeights g, string modelName, ParameterBuffer buffer)
    {
        int[] directions = [.. g.Weights.Select(w => Direction(w.Name, g.Key))];
        bool fileBidirectional = directions.Any(d => d != 0);
        if (fileBidirectional != layer.Bidirectional)
        {
            string sample = g.Weights[Math.Max(0, Array.FindIndex(directions, d => d != 0))].Name;
            throw fileBidirectional
                ? buffer.Fail($"layer '{layer.Name}': bidirectional is true in the file ('{g.Key}' holds a forward and a backward layer: '{sample}') but false in {modelName}; declare Bidirectional = true.")
                : buffer.Fail($"layer '{layer.Name}': bidirectional is false in the file ('{g.Key}' holds one direction: {string.Join(", ", g.Weights.Select(w => $"'{w.Name}'"))}) but true in {modelName}.");
        }

        if (!fileBidirectional)
        {
            return;
        }

        int half = g.Weights.Count / 2;
        for (int k = 0; k < g.Weights.Count; k++)
        {
            int expected = g.Weights.Count % 2 == 0 && k < half ? 1 : -1;
            if (g.Weights.Count % 2 != 0 || directions[k] != expected)
            {
                int forward = directions.Count(d => d == 1), backward = directions.Count(d => d == -1);
                throw buffer.Fail($"layer '{layer.Name}': the file's '{g.Key}' holds {forward} forward and {backward} backward weights ({string.Join(", ", g.Weights.Select(w => $"'{w.Name}'"))}); a Bidirectional layer holds its forward layer's weights, then as many of its backward layer's ({layer.Tensors.Count / 2} each in {modelName}).");
            }
        }
    }

    /// <summary>+1 for a forward layer's weight, -1 for a backward layer's, 0 for neither. The group's own name is skipped.</summary>
    private static int Direction(string name, string key)
    {
        foreach (string segment in name.Split('/'))
        {
            if (segment == key) continue;
            if (segment == "forward_layer" || segment.StartsWith("forward_", StringComparison.Ordinal)) return 1;
            if (segment == "backward_layer" || segment.StartsWith("backward_", StringComparison.Ordinal)) return -1;
        }

        return 0;
    }

    private static string Text(bool b) => b ? "true" : "false";

    /// <summary><c>lstm/lstm_cell/kernel:0</c> → <c>kernel</c>.</summary>
    private static string Suffix(string name)
    {
        string last = name[(name.LastIndexOf('/') + 1)..];
        int colon = last.IndexOf(':');
        return colon < 0 ? last : last[..colon];
    }
}
