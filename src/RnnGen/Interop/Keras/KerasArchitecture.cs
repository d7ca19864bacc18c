namespace RnnGen.Interop.Keras;

/// <summary>
/// Checks a Keras / TensorFlow.js model config against a model, layer by layer, before any weight is looked at:
/// layer kind, units, activation, recurrent activation, <c>reset_after</c>, <c>use_bias</c>, <c>go_backwards</c>,
/// <c>return_sequences</c>, Embedding dimensions and <c>mask_zero</c>; for a <c>Bidirectional</c> wrapper also
/// bidirectionality, <c>merge_mode</c> and the wrapped and backward layers' settings. <c>Dropout</c> layers and dropout
/// rates are not compared (no weights, no effect on inference); layers RnnGen does not have are refused by name.
/// </summary>
internal static class KerasArchitecture
{
    /// <summary>The config layers that correspond to the model's layers, in order.</summary>
    /// <remarks>
    /// <c>keras3</c>: Keras 3 wrote the file. Its <c>hard_sigmoid</c> is <c>relu6(x + 3) / 6</c>, not the <c>clip(0.2 x + 0.5, 0, 1)</c>
    /// of Keras 2 and TensorFlow.js that <see cref="Activation.HardSigmoid"/> is, so it is refused rather than loaded into the wrong function.
    /// </remarks>
    public static List<KerasLayerConfig> Check(IRnnModel model, List<KerasLayerConfig> config, ParameterBuffer buffer, bool keras3 = false)
    {
        string modelName = InteropText.ModelName(model);
        IReadOnlyList<LayerInfo> layers = model.Layers;
        var matched = new List<KerasLayerConfig>();
        bool sawMasking = false;
        foreach (KerasLayerConfig c in config)
        {
            if (c.ClassName == "InputLayer")
            {
                continue;
            }

            // Dropout has no weights and does nothing in inference: a file's Dropout layers import into a model with or
            // without them (training with dropout and deploying without is the common case), as do recurrent layers'
            // dropout and recurrent_dropout.
            if (c.ClassName == "Dropout")
            {
                continue;
            }

            int i = matched.Count;
            string layerName = i < layers.Count ? layers[i].Name : "(none)";
            if (c.ClassName == "Masking")
            {
                // A weightless first layer: the model's first LayerInfo carries its value.
                bool hasValue = c.Config.TryGetProperty("mask_value", out var value) && value.ValueKind == System.Text.Json.JsonValueKind.Number;
                double fileValue = hasValue ? value.GetDouble() : 0;
                if (i != 0 || layers.Count == 0 || layers[0].MaskValue is not { } modelValue)
                {
                    throw buffer.Fail($"layer '{c.Name}': the file has a Masking layer (mask_value {(hasValue ? value.GetRawText() : "0.0")}), but {modelName} has no masking (layer {i} is '{layerName}'); declare [Masking({((float)fileValue).ToString(System.Globalization.CultureInfo.InvariantCulture)}f)] first.");
                }

                if ((float)fileValue != modelValue)
                {
                    throw buffer.Fail($"layer '{c.Name}': mask_value is {(float)fileValue} in the file but {modelValue} in {modelName}.");
                }

                sawMasking = true;
                continue;
            }

            // A Bidirectional wrapper is one model layer: its settings are the wrapped layer's ("layer": the original in
            // Keras 2 and tfjs, the forward layer in Keras 3), plus merge_mode and, when present, backward_layer.
            bool fileBidirectional = c.ClassName == "Bidirectional";
            KerasLayerConfig inner = c;
            if (fileBidirectional)
            {
                inner = c.Nested("layer") ?? throw buffer.Fail($"layer '{c.Name}': the Bidirectional config has no wrapped 'layer'.");
            }

            LayerKind? kind = KindOf(inner.ClassName);
            if (kind is null)
            {
                throw fileBidirectional
                    ? buffer.Fail($"layer '{c.Name}': the Bidirectional layer wraps a {inner.ClassName} in the file, which RnnGen does not support (SimpleRNN, LSTM, GRU).")
                    : buffer.Fail($"layer '{c.Name}': layer kind is {c.ClassName} in the file, which RnnGen does not support (SimpleRNN, LSTM, GRU, Dense, Embedding, Bidirectional).");
            }

            if (i >= layers.Count)
            {
                throw buffer.Fail($"layer '{c.Name}' ({c.ClassName}) is extra: {modelName} has {layers.Count} layers.");
            }

            LayerInfo layer = layers[i];
            string where = c.Name == layer.Name ? $"layer '{c.Name}'" : $"layer '{c.Name}' (model layer '{layer.Name}')";
            if (fileBidirectional != layer.Bidirectional)
            {
                throw fileBidirectional
                    ? buffer.Fail($"layer '{c.Name}': bidirectional is true in the file (merge_mode {MergeText(c)}) but false in {modelName} (layer '{layer.Name}'); declare Bidirectional = true.")
                    : buffer.Fail($"layer '{c.Name}': bidirectional is false in the file (a {c.ClassName} without a Bidirectional wrapper) but true in {modelName} (layer '{layer.Name}'); declare Bidirectional = false.");
            }

            if (fileBidirectional)
            {
                if (c.IsNull("merge_mode"))
                {
                    throw buffer.Fail($"{where}: merge_mode is None in the file, so Keras returns the two directions' outputs as a list of two tensors; an RnnGen layer has one output (merge Concat, Sum, Multiply or Average). Re-save the model with merge_mode 'concat', 'sum', 'mul' or 'ave'.");
                }

                string mode = c.String("merge_mode") ?? "concat";
                MergeMode fileMerge = mode switch
                {
                    "concat" => MergeMode.Concat,
                    "sum" => MergeMode.Sum,
                    "mul" => MergeMode.Multiply,
                    "ave" => MergeMode.Average,
                    _ => throw buffer.Fail($"{where}: merge_mode is {mode} in the file, which Keras does not define (concat, sum, mul, ave)."),
                };
                if (fileMerge != layer.Merge)
                {
                    throw buffer.Fail($"{where}: merge_mode is {mode} in the file but {layer.Merge} in {modelName}; declare Merge = MergeMode.{fileMerge}.");
                }
            }

            if (kind != layer.Kind)
            {
                throw buffer.Fail($"{where}: layer kind is {inner.ClassName} in the file but {layer.Kind} in {modelName}.");
            }

            CheckSettings(where, inner, layer, layer.GoBackwards, modelName, buffer, keras3);
            if (fileBidirectional && c.Nested("backward_layer") is { } backward)
            {
                // Keras 3 always writes the backward layer; Keras 2 only when one was passed. RnnGen's backward layer is
                // the forward one's copy going the other way, so every setting but go_backwards must be the same.
                string backWhere = $"{where}, backward_layer '{backward.Name}'";
                if (KindOf(backward.ClassName) != layer.Kind)
                {
                    throw buffer.Fail($"{backWhere}: layer kind is {backward.ClassName} in the file but {layer.Kind} in {modelName} (its backward layer is a copy of the forward {layer.Kind}).");
                }

                CheckSettings(backWhere, backward, layer, !layer.GoBackwards, modelName, buffer, keras3);
            }

            matched.Add(c);
        }

        if (!sawMasking && layers.Count > 0 && layers[0].MaskValue is { } declared && matched.Count > 0)
        {
            throw buffer.Fail($"the file's model has no Masking layer, but {modelName} declares [Masking({declared})] in front of '{layers[0].Name}'.");
        }

        if (matched.Count != layers.Count)
        {
            throw buffer.Fail($"the file's model has {matched.Count} layers (besides InputLayer), but {modelName} has {layers.Count}; the first missing one is '{layers[matched.Count].Name}' ({layers[matched.Count].Kind}).");
        }

        return matched;
    }

    /// <summary>The settings of one layer config (for a Bidirectional layer: its wrapped or backward layer's).</summary>
    private static void CheckSettings(string where, KerasLayerConfig c, LayerInfo layer, bool expectBackwards, string modelName, ParameterBuffer buffer, bool keras3)
    {
        if (layer.Kind == LayerKind.Embedding)
        {
            Same(where, "output_dim", c.Int("output_dim"), layer.Units, modelName, buffer);
            Same(where, "input_dim", c.Int("input_dim"), layer.Tensors[0].Shape[0], modelName, buffer);
            bool fileMask = c.Bool("mask_zero") == true;
            if (fileMask != layer.MaskZero)
            {
                throw buffer.Fail($"{where}: mask_zero is {(fileMask ? "true" : "false")} in the file but MaskZero is {(layer.MaskZero ? "true" : "false")} in {modelName}"
                    + (fileMask ? " — declare [Embedding(..., MaskZero = true)]." : "."));
            }

            return;
        }

        Same(where, "units", c.Int("units"), layer.Units, modelName, buffer);
        Activation fileActivation = ParseActivation(c.String("activation") ?? "linear", where, "activation", buffer);
        if (keras3 && fileActivation == Activation.HardSigmoid) throw Keras3HardSigmoid(where, "activation", buffer);
        if (fileActivation != layer.Activation)
        {
            throw buffer.Fail($"{where}: activation is {c.String("activation")} in the file but {layer.Activation} in {modelName}.");
        }

        bool useBias = c.Bool("use_bias") ?? true;
        if (useBias != layer.UseBias)
        {
            throw buffer.Fail($"{where}: use_bias is {Text(useBias)} in the file but {Text(layer.UseBias)} in {modelName}.");
        }

        if (layer.Kind is LayerKind.SimpleRnn or LayerKind.Lstm or LayerKind.Gru)
        {
            if (layer.Kind != LayerKind.SimpleRnn)
            {
                // Keras's default is sigmoid (Keras 1 and TensorFlow.js: hard_sigmoid, always written in their configs).
                string recurrent = c.String("recurrent_activation") ?? "sigmoid";
                Activation fileRecurrent = ParseActivation(recurrent, where, "recurrent_activation", buffer);
                if (keras3 && fileRecurrent == Activation.HardSigmoid) throw Keras3HardSigmoid(where, "recurrent_activation", buffer);
                if (fileRecurrent != layer.RecurrentActivation)
                {
                    throw buffer.Fail($"{where}: recurrent_activation is {recurrent} in the file but {layer.RecurrentActivation} in {modelName} — declare RecurrentActivation = Activation.{fileRecurrent}.");
                }
            }

            if (layer.Kind == LayerKind.Gru)
            {
                bool resetAfter = c.Bool("reset_after") ?? true;
                if (resetAfter != layer.ResetAfter)
                {
                    throw buffer.Fail($"{where}: reset_after is {Text(resetAfter)} in the file but {Text(layer.ResetAfter)} in {modelName}; declare ResetAfter = {Text(resetAfter)}.");
                }
            }

            bool backwards = c.Bool("go_backwards") ?? false;
            if (backwards != expectBackwards)
            {
                throw buffer.Fail($"{where}: go_backwards is {Text(backwards)} in the file but {Text(expectBackwards)} in {modelName}.");
            }

            bool sequences = c.Bool("return_sequences") ?? false;
            if (sequences != layer.ReturnSequences)
            {
                throw buffer.Fail($"{where}: return_sequences is {Text(sequences)} in the file but {Text(layer.ReturnSequences)} in {modelName}.");
            }
        }
    }

    private static string MergeText(KerasLayerConfig c) => c.IsNull("merge_mode") ? "None" : c.String("merge_mode") ?? "concat";

    private static WeightFileException Keras3HardSigmoid(string where, string setting, ParameterBuffer buffer) =>
        buffer.Fail($"{where}: {setting} is hard_sigmoid in a Keras 3 file, which is relu6(x + 3) / 6; RnnGen's HardSigmoid is the clip(0.2 x + 0.5, 0, 1) of Keras 2 and TensorFlow.js, so the model cannot reproduce this file.");

    private static void Same(string where, string setting, int? file, int model, string modelName, ParameterBuffer buffer)
    {
        if (file is int f && f != model)
        {
            throw buffer.Fail($"{where}: {setting} is {f} in the file but {model} in {modelName}.");
        }
    }

    internal static LayerKind? KindOf(string className) => className switch
    {
        "SimpleRNN" => LayerKind.SimpleRnn,
        "LSTM" => LayerKind.Lstm,
        "GRU" => LayerKind.Gru,
        "Dense" => LayerKind.Dense,
        "Embedding" => LayerKind.Embedding,
        _ => null,
    };

    private static Activation ParseActivation(string name, string where, string setting, ParameterBuffer buffer) => Normalize(name) switch
    {
        "linear" => Activation.Linear,
        "tanh" => Activation.Tanh,
        "sigmoid" => Activation.Sigmoid,
        "relu" => Activation.Relu,
        "softmax" => Activation.Softmax,
        "hardsigmoid" => Activation.HardSigmoid,
        _ => throw buffer.Fail($"{where}: {setting} is {name} in the file, which RnnGen does not support (linear, tanh, sigmoid, relu, softmax, hard_sigmoid)."),
    };

    /// <summary><c>hard_sigmoid</c>, <c>hardSigmoid</c> → <c>hardsigmoid</c>.</summary>
    private static string Normalize(string name) => name.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();

    private static string Text(bool b) => b ? "true" : "false";
}
