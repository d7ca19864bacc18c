using System.Text.Json;

namespace RnnGen.Interop.Keras;

/// <summary>One layer of a Keras (or TensorFlow.js) model config: <c>{"class_name": ..., "config": {...}}</c>.</summary>
/// <param name="Name">The layer's name (<c>config.name</c>).</param>
/// <param name="ClassName">Keras class name: <c>LSTM</c>, <c>Dense</c>, <c>Bidirectional</c>, ...</param>
/// <param name="Config">The layer's <c>config</c> object (cloned; independent of the parsed document).</param>
internal sealed record KerasLayerConfig(string Name, string ClassName, JsonElement Config)
{
    /// <summary>
    /// The layers of a <c>Sequential</c> or linear <c>Functional</c> model config (Keras 2, Keras 3 or tfjs
    /// <c>modelTopology</c>), in order. Accepts the config itself or an object holding it under <c>model_config</c>.
    /// </summary>
    public static List<KerasLayerConfig> Parse(JsonElement root, string source)
    {
        if (root.TryGetProperty("model_config", out JsonElement inner))
        {
            root = inner;
        }

        if (!root.TryGetProperty("config", out JsonElement config) || config.ValueKind != JsonValueKind.Object
            || !config.TryGetProperty("layers", out JsonElement layers) || layers.ValueKind != JsonValueKind.Array)
        {
            throw new WeightFileException($"{source}: the model config has no config.layers list; expected a Sequential or Functional model.");
        }

        var result = new List<KerasLayerConfig>();
        foreach (JsonElement layer in layers.EnumerateArray())
        {
            string className = layer.TryGetProperty("class_name", out JsonElement c) ? c.GetString() ?? "" : "";
            JsonElement cfg = layer.TryGetProperty("config", out JsonElement lc) ? lc.Clone() : default;
            string name = cfg.ValueKind == JsonValueKind.Object && cfg.TryGetProperty("name", out JsonElement n) ? n.GetString() ?? "" : "";
            result.Add(new KerasLayerConfig(name, className, cfg));
        }

        return result;
    }

    /// <summary>Whether the config has <paramref name="key"/> with the JSON value <c>null</c> (Python <c>None</c>).</summary>
    public bool IsNull(string key) =>
        Config.ValueKind == JsonValueKind.Object && Config.TryGetProperty(key, out JsonElement v) && v.ValueKind == JsonValueKind.Null;

    /// <summary>
    /// A layer serialized inside this one's config (a <c>Bidirectional</c>'s <c>layer</c> and <c>backward_layer</c>):
    /// <c>{"class_name": ..., "config": {...}}</c>, or <see langword="null"/> when absent.
    /// </summary>
    public KerasLayerConfig? Nested(string key)
    {
        if (Config.ValueKind != JsonValueKind.Object || !Config.TryGetProperty(key, out JsonElement v) || v.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        string className = v.TryGetProperty("class_name", out JsonElement c) && c.ValueKind == JsonValueKind.String ? c.GetString() ?? "" : "";
        JsonElement cfg = v.TryGetProperty("config", out JsonElement lc) && lc.ValueKind == JsonValueKind.Object ? lc.Clone() : default;
        string name = cfg.ValueKind == JsonValueKind.Object && cfg.TryGetProperty("name", out JsonElement n) && n.ValueKind == JsonValueKind.String ? n.GetString() ?? "" : "";
        return new KerasLayerConfig(name, className, cfg);
    }

    public string? String(string key) =>
        Config.ValueKind == JsonValueKind.Object && Config.TryGetProperty(key, out JsonElement v) ? ActivationName(v) : null;

    public bool? Bool(string key) =>
        Config.ValueKind == JsonValueKind.Object && Config.TryGetProperty(key, out JsonElement v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? v.GetBoolean()
            : null;

    public int? Int(string key) =>
        Config.ValueKind == JsonValueKind.Object && Config.TryGetProperty(key, out JsonElement v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i)
            ? i
            : null;

    /// <summary>A string, or the name inside a serialized object (Keras 3 may write <c>{"class_name": ..., "config": {"name": ...}}</c>).</summary>
    private static string? ActivationName(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Null => null,
        JsonValueKind.Object when v.TryGetProperty("config", out JsonElement c) && c.TryGetProperty("name", out JsonElement n) => n.GetString(),
        JsonValueKind.Object when v.TryGetProperty("class_name", out JsonElement cn) => cn.GetString(),
        _ => v.GetRawText(),
    };
}
