namespace RnnGen.Interop.PyTorch;

/// <summary>
/// Maps a PyTorch <c>state_dict</c> onto a model's layers, in module order:
/// <list type="bullet">
/// <item><c>nn.RNN</c> / <c>nn.LSTM</c> / <c>nn.GRU</c> with <c>num_layers = n</c> fill the next n recurrent layers:
/// <c>kernel = weight_ih_lk.T</c>, <c>recurrent_kernel = weight_hh_lk.T</c>, bias <c>bias_ih_lk + bias_hh_lk</c>
/// (GRU: gates r, z, n reordered to z, r, h, and the two biases kept as rows <c>[input; recurrent]</c>, Keras's
/// <c>reset_after</c> layout);</item>
/// <item><c>bidirectional=True</c>: each sub-layer fills one Bidirectional layer, the <c>*_lk</c> tensors its forward
/// half and the <c>*_lk_reverse</c> tensors its backward half (Keras's <c>get_weights()</c> order). A stacked module
/// feeds its next layer both directions side by side, so every layer but its last must merge by concatenation.</item>
/// <item><c>nn.Linear</c> fills a Dense layer (<c>kernel = weight.T</c>), <c>nn.Embedding</c> an Embedding layer.</item>
/// </list>
/// The shapes reveal the layer kind (gate count), units, input width and bias; each is checked against the model.
/// Bidirectionality (the <c>*_reverse</c> tensors) is checked too. Activations, <c>go_backwards</c> and a Bidirectional
/// layer's merge (which the module's <c>forward</c> applies) are not in a state_dict and cannot be checked.
/// </summary>
internal static class TorchMapper
{
    public static void Map(IRnnModel model, IReadOnlyList<SourceTensor> tensors, ParameterBuffer buffer)
    {
        string modelName = InteropText.ModelName(model);
        var modules = new List<(string Name, Dictionary<string, SourceTensor> Params)>();
        foreach (SourceTensor t in tensors)
        {
            int dot = t.Name.LastIndexOf('.');
            string module = dot < 0 ? "" : t.Name[..dot], param = t.Name[(dot + 1)..];
            int i = modules.FindIndex(m => m.Name == module);
            if (i < 0)
            {
                modules.Add((module, new Dictionary<string, SourceTensor>(StringComparer.Ordinal)));
                i = modules.Count - 1;
            }

            modules[i].Params[param] = t;
        }

        // Modules are taken in file order (a state_dict lists them in registration order). A file whose keys are
        // sorted (safetensors writers sort them) is still mapped: at each layer the first unused module whose shapes
        // fit that layer is taken, and a module that fits nowhere reports its own mismatch.
        IReadOnlyList<LayerInfo> layers = model.Layers;
        var done = new bool[modules.Count];
        int next = 0;
        while (next < layers.Count)
        {
            int pick = -1;
            for (int m = 0; m < modules.Count && pick < 0; m++)
            {
                if (!done[m] && Fits(modules[m].Params, layers[next])) pick = m;
            }

            if (pick < 0)
            {
                // Nothing fits: the first unused module of the layer's sort (recurrent or not) reports the mismatch.
                bool recurrent = layers[next].Kind is LayerKind.SimpleRnn or LayerKind.Lstm or LayerKind.Gru;
                for (int m = 0; m < modules.Count && pick < 0; m++)
                {
                    if (!done[m] && IsRecurrent(modules[m].Params) == recurrent) pick = m;
                }
            }

            if (pick < 0) pick = Array.IndexOf(done, false);
            if (pick < 0)
            {
                throw buffer.Fail($"the state_dict has weights for {next} layer(s), but {modelName} has {layers.Count}: nothing fills '{layers[next].Name}' ({layers[next].Kind} {InteropText.Shape(layers[next].OutputShape)}).");
            }

            done[pick] = true;
            MapModule(modules[pick].Name, modules[pick].Params, layers, ref next, modelName, buffer);
        }

        int extra = Array.IndexOf(done, false);
        if (extra >= 0)
        {
            (string module, Dictionary<string, SourceTensor> ps) = modules[extra];
            throw buffer.Fail($"module '{module}' ({string.Join(", ", ps.Values.Select(t => $"{t.Name} {t.ShapeText}"))}) is extra: every one of the {layers.Count} layers of {modelName} is already filled.");
        }
    }

    /// <summary>Whether a module's first (sub)layer has the kind and shapes of <paramref name="layer"/>.</summary>
    private static bool Fits(Dictionary<string, SourceTensor> ps, LayerInfo layer)
    {
        int inWidth = layer.InputShape[^1];
        if (ps.TryGetValue("weight_ih_l0", out SourceTensor? wi) && ps.TryGetValue("weight_hh_l0", out SourceTensor? wh))
        {
            int gates = layer.Kind switch { LayerKind.SimpleRnn => 1, LayerKind.Gru => 3, LayerKind.Lstm => 4, _ => 0 };
            return gates > 0 && wh.Shape is [_, int u] && u == layer.Units && wi.Shape is [int g, int i] && g == gates * u && i == inWidth
                && HasReverse(ps, "_l0") == layer.Bidirectional;
        }

        if (ps.TryGetValue("weight", out SourceTensor? w))
        {
            return layer.Kind switch
            {
                LayerKind.Dense => w.Shape is [int o, int i] && o == layer.Units && i == inWidth,
                LayerKind.Embedding => InteropText.SameShape(w.Shape, layer.Tensors[0].Shape),
                _ => false,
            };
        }

        return false;
    }

    private static bool IsRecurrent(Dictionary<string, SourceTensor> ps) => ps.Keys.Any(p => p.StartsWith("weight_ih_l", StringComparison.Ordinal) || p.StartsWith("weight_hh_l", StringComparison.Ordinal));

    /// <summary>The first <c>*{sfx}_reverse</c> tensor of a module (the reverse direction of sub-layer <c>sfx</c>), or null.</summary>
    private static string? Reverse(Dictionary<string, SourceTensor> ps, string sfx) => ps.Keys.FirstOrDefault(p => p.EndsWith(sfx + "_reverse", StringComparison.Ordinal));

    private static bool HasReverse(Dictionary<string, SourceTensor> ps, string sfx) => Reverse(ps, sfx) is not null;

    private static void MapModule(string module, Dictionary<string, SourceTensor> ps, IReadOnlyList<LayerInfo> layers, ref int next, string modelName, ParameterBuffer buffer)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        if (ps.ContainsKey("weight_ih_l0"))
        {
            int count = 0;
            while (ps.ContainsKey($"weight_ih_l{count}") || ps.ContainsKey($"weight_hh_l{count}")) count++;
            for (int k = 0; k < count; k++)
            {
                LayerInfo layer = NextLayer(layers, ref next, module, $"layer {k} of an RNN module", buffer);
                MapRecurrent(module, k, k == count - 1, ps, used, layer, modelName, buffer);
            }
        }
        else if (ps.TryGetValue("weight", out SourceTensor? weight))
        {
            LayerInfo layer = NextLayer(layers, ref next, module, $"an nn.Linear or nn.Embedding (weight {weight.ShapeText})", buffer);
            used.Add("weight");
            if (layer.Kind == LayerKind.Embedding)
            {
                buffer.Fill(layer.Tensors[0], weight.Shape, weight.Data, $"'{weight.Name}'");
            }
            else if (layer.Kind == LayerKind.Dense)
            {
                if (weight.Shape.Length != 2) throw buffer.Fail($"'{weight.Name}' has shape {weight.ShapeText}; an nn.Linear weight is [out, in].");
                if (weight.Shape[0] != layer.Units) throw buffer.Fail($"layer '{layer.Name}': units is {weight.Shape[0]} in the file ('{weight.Name}' {weight.ShapeText}) but {layer.Units} in {modelName}.");
                buffer.Fill(layer.Tensors[0], [weight.Shape[1], weight.Shape[0]], Transpose(weight.Data, weight.Shape[0], weight.Shape[1]), $"'{weight.Name}' (transposed)");
                bool hasBias = ps.TryGetValue("bias", out SourceTensor? bias);
                CheckBias(layer, hasBias, module, "bias", modelName, buffer);
                if (bias is not null)
                {
                    used.Add("bias");
                    buffer.Fill(layer.Tensors[1], bias.Shape, bias.Data, $"'{bias.Name}'");
                }
            }
            else
            {
                throw buffer.Fail($"layer '{layer.Name}': layer kind is nn.Linear or nn.Embedding in the file (module '{module}', weight {weight.ShapeText}) but {layer.Kind} in {modelName}.");
            }
        }
        else
        {
            next++;
        }

        foreach (string p in ps.Keys)
        {
            if (!used.Contains(p))
            {
                throw buffer.Fail($"tensor '{Join(module, p)}' {ps[p].ShapeText} has no place in {modelName} ({Hint(p)}).");
            }
        }
    }

    private static LayerInfo NextLayer(IReadOnlyList<LayerInfo> layers, ref int next, string module, string what, ParameterBuffer buffer)
    {
        if (next >= layers.Count)
        {
            throw buffer.Fail($"module '{module}' ({what}) is extra: every one of the model's {layers.Count} layers is already filled.");
        }

        return layers[next++];
    }

    private static void MapRecurrent(string module, int k, bool lastOfModule, Dictionary<string, SourceTensor> ps, HashSet<string> used, LayerInfo layer, string modelName, ParameterBuffer buffer)
    {
        string sfx = $"_l{k}";
        if (!ps.ContainsKey($"weight_ih{sfx}")) throw buffer.Fail($"module '{module}' has no 'weight_ih{sfx}' beside its other layer-{k} tensors.");

        // The architecture a state_dict reveals is checked before any shape: bidirectional is the presence of the
        // *_reverse tensors, proj_size that of weight_hr_l*.
        string? reverse = Reverse(ps, sfx);
        bool fileBidirectional = reverse is not null;
        if (fileBidirectional != layer.Bidirectional)
        {
            throw fileBidirectional
                ? buffer.Fail($"layer '{layer.Name}': bidirectional is true in the file (module '{module}' has {reverse}) but false in {modelName}; declare the layer Bidirectional.")
                : buffer.Fail($"layer '{layer.Name}': bidirectional is false in the file (module '{module}' has no weight_ih{sfx}_reverse: nn.{TorchKind(layer.Kind)} without bidirectional=True) but true in {modelName}.");
        }

        if (ps.ContainsKey($"weight_hr{sfx}") || ps.ContainsKey($"weight_hr{sfx}_reverse"))
        {
            throw buffer.Fail($"layer '{layer.Name}': module '{module}' has proj_size (weight_hr{sfx}), which Keras layers cannot express.");
        }

        if (layer.Bidirectional && !lastOfModule && layer.Merge != MergeMode.Concat)
        {
            throw buffer.Fail($"layer '{layer.Name}': merge is concat in the file (module '{module}' is a bidirectional nn.{TorchKind(layer.Kind)} with num_layers > 1, which feeds layer {k + 1} both directions side by side) but {layer.Merge} in {modelName}; declare Merge = MergeMode.Concat.");
        }

        int perDirection = layer.Bidirectional ? layer.Tensors.Count / 2 : layer.Tensors.Count;
        MapDirection(module, sfx, "", ps, used, layer, 0, modelName, buffer);
        if (layer.Bidirectional)
        {
            // The reverse direction's tensors fill the backward layer's half (Keras get_weights(): forward, then backward).
            MapDirection(module, sfx + "_reverse", " (the backward layer)", ps, used, layer, perDirection, modelName, buffer);
        }
    }

    /// <summary>One direction of one (sub)layer: <c>weight_ih{sfx}</c>, <c>weight_hh{sfx}</c>, <c>bias_*{sfx}</c> into <c>layer.Tensors[first..]</c>.</summary>
    private static void MapDirection(string module, string sfx, string half, Dictionary<string, SourceTensor> ps, HashSet<string> used, LayerInfo layer, int first, string modelName, ParameterBuffer buffer)
    {
        if (!ps.TryGetValue($"weight_ih{sfx}", out SourceTensor? wi))
        {
            throw buffer.Fail($"layer '{layer.Name}'{half}: the file has no '{Join(module, "weight_ih" + sfx)}'; module '{module}' has {string.Join(", ", ps.Keys.Where(p => p.EndsWith(sfx, StringComparison.Ordinal)))} for that direction.");
        }

        if (!ps.TryGetValue($"weight_hh{sfx}", out SourceTensor? wh)) throw buffer.Fail($"layer '{layer.Name}'{half}: '{Join(module, "weight_ih" + sfx)}' has no 'weight_hh{sfx}' beside it.");
        if (wi.Shape.Length != 2 || wh.Shape.Length != 2) throw buffer.Fail($"'{wi.Name}' and '{wh.Name}' must be matrices.");
        int units = wh.Shape[1], inWidth = wi.Shape[1];
        int gates = units == 0 ? 0 : wi.Shape[0] / units;
        LayerKind kind = gates switch
        {
            1 => LayerKind.SimpleRnn,
            3 => LayerKind.Gru,
            4 => LayerKind.Lstm,
            _ => throw buffer.Fail($"'{wi.Name}' {wi.ShapeText} with units {units} has {gates} gates; nn.RNN has 1, nn.GRU 3, nn.LSTM 4."),
        };
        if (kind != layer.Kind)
        {
            throw buffer.Fail($"layer '{layer.Name}': layer kind is {kind} in the file (module '{module}' is an nn.{TorchKind(kind)}) but {layer.Kind} in {modelName}.");
        }

        if (units != layer.Units)
        {
            throw buffer.Fail($"layer '{layer.Name}': units is {units} in the file ('{wh.Name}' {wh.ShapeText}) but {layer.Units} in {modelName}.");
        }

        if (wi.Shape[0] != gates * units || wh.Shape[0] != gates * units) throw buffer.Fail($"'{wi.Name}' {wi.ShapeText} and '{wh.Name}' {wh.ShapeText} disagree on the gate size.");
        bool hasIh = ps.TryGetValue($"bias_ih{sfx}", out SourceTensor? bi), hasHh = ps.TryGetValue($"bias_hh{sfx}", out SourceTensor? bh);
        if (hasIh != hasHh)
        {
            throw buffer.Fail($"layer '{layer.Name}'{half}: module '{module}' has '{(hasIh ? "bias_ih" : "bias_hh")}{sfx}' but no '{(hasIh ? "bias_hh" : "bias_ih")}{sfx}'; PyTorch writes both biases or neither.");
        }

        if (half.Length > 0 && hasIh != layer.UseBias)
        {
            throw buffer.Fail($"layer '{layer.Name}'{half}: the file {(hasIh ? "has" : "has no")} 'bias_ih{sfx}' and 'bias_hh{sfx}', but the forward direction {(layer.UseBias ? "has" : "has no")} biases; both directions of a PyTorch module have the same bias setting.");
        }

        CheckBias(layer, hasIh, module, $"bias_ih{sfx}", modelName, buffer);
        if (kind == LayerKind.Gru && !layer.ResetAfter)
        {
            throw buffer.Fail($"layer '{layer.Name}': reset_after is true in the file (nn.GRU always applies the reset gate after the recurrent product) but false in {modelName}; declare ResetAfter = true.");
        }

        used.Add($"weight_ih{sfx}");
        used.Add($"weight_hh{sfx}");
        int g = gates * units;
        float[] wiData = wi.Data, whData = wh.Data;
        float[]? biData = bi?.Data, bhData = bh?.Data;
        if (kind == LayerKind.Gru)
        {
            // PyTorch gate blocks are r, z, n; Keras's are z, r, h.
            int[] order = [1, 0, 2];
            wiData = ReorderRows(wiData, order, units, inWidth);
            whData = ReorderRows(whData, order, units, units);
            if (biData is not null) biData = ReorderRows(biData, order, units, 1);
            if (bhData is not null) bhData = ReorderRows(bhData, order, units, 1);
        }

        buffer.Fill(layer.Tensors[first], [inWidth, g], Transpose(wiData, g, inWidth), $"'{wi.Name}' (transposed)");
        buffer.Fill(layer.Tensors[first + 1], [units, g], Transpose(whData, g, units), $"'{wh.Name}' (transposed)");
        if (biData is not null && bhData is not null)
        {
            used.Add($"bias_ih{sfx}");
            used.Add($"bias_hh{sfx}");
            if (biData.Length != g || bhData.Length != g) throw buffer.Fail($"'{bi!.Name}' {bi.ShapeText} and '{bh!.Name}' {bh.ShapeText} should both be [{g}].");
            if (kind == LayerKind.Gru)
            {
                buffer.Fill(layer.Tensors[first + 2], [2, g], [.. biData, .. bhData], $"'{bi!.Name}' and '{bh!.Name}' (rows input, recurrent)");
            }
            else
            {
                var sum = new float[g];
                for (int i = 0; i < g; i++) sum[i] = biData[i] + bhData[i];
                buffer.Fill(layer.Tensors[first + 2], [g], sum, $"'{bi!.Name}' + '{bh!.Name}'");
            }
        }
    }

    private static string TorchKind(LayerKind kind) => kind switch { LayerKind.SimpleRnn => "RNN", LayerKind.Gru => "GRU", LayerKind.Lstm => "LSTM", _ => kind.ToString() };

    private static void CheckBias(LayerInfo layer, bool fileHasBias, string module, string tensor, string modelName, ParameterBuffer buffer)
    {
        if (fileHasBias != layer.UseBias)
        {
            throw buffer.Fail($"layer '{layer.Name}': use_bias is {(fileHasBias ? "true" : "false")} in the file (module '{module}' {(fileHasBias ? "has" : "has no")} {tensor}) but {(layer.UseBias ? "true" : "false")} in {modelName}.");
        }
    }

    private static float[] Transpose(float[] data, int rows, int cols)
    {
        var t = new float[data.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++) t[c * rows + r] = data[r * cols + c];
        }

        return t;
    }

    /// <summary>Reorders blocks of <paramref name="units"/> rows (of <paramref name="cols"/> values each).</summary>
    private static float[] ReorderRows(float[] data, int[] order, int units, int cols)
    {
        var result = new float[data.Length];
        int block = units * cols;
        for (int b = 0; b < order.Length; b++) Array.Copy(data, order[b] * block, result, b * block, block);
        return result;
    }

    private static string Join(string module, string p) => module.Length == 0 ? p : module + "." + p;

    private static string Hint(string p) =>
        p.StartsWith("weight_", StringComparison.Ordinal) || p.StartsWith("bias_", StringComparison.Ordinal)
            ? "a recurrent module with more layers than the model, or a missing partner tensor"
            : "RnnGen maps nn.RNN, nn.LSTM, nn.GRU, nn.Linear and nn.Embedding parameters only";
}
