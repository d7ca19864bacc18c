namespace RnnGen.Interop.Keras;

/// <summary>
/// Checks a Keras / TensorFlow.js model config against a model, layer by layer, before any weight is looked at:
/// layer kind, units, activation, recurrent activation, <c>reset_after</c>, <c>use_bias</c>, <c>go_backwards</c>,
/// <c>return_sequences</c>, Embedding dimensions and <c>mask_zero</c>. Wrappers and layers RnnGen does not have yet
/// (<c>Bidirectional</c>, <c>Masking</c>, ...) are refused by name.
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
        foreach (KerasLayerConfig c in config)
        {
            if (c.ClassName == "InputLayer")
            {
                continue;
            }

            int i = matched.Count;
            string layerName = i < layers.Count ? layers[i].Name : "(none)";
            switch (c.ClassName)
            {
                case "Bidirectional":
                    throw buffer.Fail($"layer '{c.Name}': bidirectional is true in the file (merge_mode {c.String("merge_mode") ?? "concat"}) but false in {modelName} (layer '{layerName}'); declare Bidirectional = true.");
                case "Masking":
                    throw buffer.Fail($"layer '{c.Name}': the file has a Masking layer (mask_value {c.Config.GetProperty("mask_value").GetRawText()}), but {modelName} has no masking (layer {i} is '{layerName}').");
            }

            LayerKind? kind = KindOf(c.ClassName);
            if (kind is null)
            {
                throw buffer.Fail($"layer '{c.Name}': layer kind is {c.ClassName} in the file, which RnnGen does not support (SimpleRNN, LSTM, GRU, Dense, Embedding).");
            }

            if (i >= layers.Count)
            {
                throw buffer.Fail($"layer '{c.Name}' ({c.ClassName}) is extra: {modelName} has {layers.Count} layers.");
            }

            LayerInfo layer = layers[i];
            string where = c.Name == layer.Name ? $"layer '{c.Name}'" : $"layer '{c.Name}' (model layer '{layer.Name}')";
            if (kind != layer.Kind)
            {
                throw buffer.Fail($"{where}: layer kind is {c.ClassName} in the file but {layer.Kind} in {modelName}.");
            }

            if (layer.Kind == LayerKind.Embedding)
            {
                Same(where, "output_dim", c.Int("output_dim"), layer.Units, modelName, buffer);
                Same(where, "input_dim", c.Int("input_dim"), layer.Tensors[0].Shape[0], modelName, buffer);
                if (c.Bool("mask_zero") == true)
                {
                    throw buffer.Fail($"{where}: mask_zero is true in the file but false in {modelName}; masking is not supported yet.");
                }
            }
            else
            {
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
                if (backwards != layer.GoBackwards)
                {
                    throw buffer.Fail($"{where}: go_backwards is {Text(backwards)} in the file but {Text(layer.GoBackwards)} in {modelName}.");
                }

                bool sequences = c.Bool("return_sequences") ?? false;
                if (sequences != layer.ReturnSequences)
                {
                    throw buffer.Fail($"{where}: return_sequences is {Text(sequences)} in the file but {Text(layer.ReturnSequences)} in {modelName}.");
                }
            }

            matched.Add(c);
        }

        if (matched.Count != layers.Count)
        {
            throw buffer.Fail($"the file's model has {matched.Count} layers (besides InputLayer), but {modelName} has {layers.Count}; the first missing one is '{layers[matched.Count].Name}' ({layers[matched.Count].Kind}).");
        }

        return matched;
    }

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
