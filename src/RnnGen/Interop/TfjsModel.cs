using System.Buffers.Binary;
using System.Text.Json;
using RnnGen.Interop.Keras;

namespace RnnGen.Interop;

/// <summary>
/// Reads a TensorFlow.js <c>model.json</c>: <c>modelTopology</c> (a Keras model config, checked against the model) and
/// <c>weightsManifest</c> (groups of <c>{paths, weights: [{name, shape, dtype}]}</c>; each group's weights are stored
/// back to back in the concatenation of its <c>.bin</c> shards, which sit beside <c>model.json</c>). Weight names are
/// <c>&lt;layer name&gt;/&lt;weight&gt;</c>, for example <c>gru_GRU1/kernel</c>; a Bidirectional layer's are
/// <c>bidirectional_Bidirectional1/forward_lstm_LSTM1/kernel</c>, ..., <c>.../backward_lstm_LSTM1/bias</c>.
/// </summary>
internal static class TfjsModel
{
    private const long MaxShardBytes = 1L << 30;

    public static void Import(IRnnModel model, JsonElement root, string path, ParameterBuffer buffer)
    {
        if (!root.TryGetProperty("weightsManifest", out JsonElement manifest) || manifest.ValueKind != JsonValueKind.Array)
        {
            throw buffer.Fail("the JSON file has no weightsManifest array, so it is not a TensorFlow.js model.json.");
        }

        List<KerasLayerConfig>? config = null;
        if (root.TryGetProperty("modelTopology", out JsonElement topology) && topology.ValueKind == JsonValueKind.Object)
        {
            config = KerasLayerConfig.Parse(topology, buffer.Source);
        }

        string directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        var groups = new List<KerasLayerWeights>();
        foreach (JsonElement group in manifest.EnumerateArray())
        {
            byte[] data = ReadShards(group, directory, buffer);
            long offset = 0;
            foreach (JsonElement w in group.GetProperty("weights").EnumerateArray())
            {
                string name = w.GetProperty("name").GetString() ?? "";
                string dtype = w.TryGetProperty("dtype", out JsonElement d) ? d.GetString() ?? "float32" : "float32";
                if (dtype != "float32") throw buffer.Fail($"weight '{name}' is {dtype}; expected float32.");
                if (w.TryGetProperty("quantization", out _)) throw buffer.Fail($"weight '{name}' is quantized; re-save without quantization.");
                int[] shape = [.. w.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32())];
                long count = 1;
                foreach (int s in shape) count *= s;
                if (offset + 4 * count > data.LongLength)
                {
                    throw buffer.Fail($"weight '{name}' {InteropText.Shape(shape)} ends at byte {offset + 4 * count}, but the shards hold {data.LongLength} bytes; a .bin file is truncated.");
                }

                var values = new float[count];
                for (long i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan((int)(offset + 4 * i), 4));
                offset += 4 * count;
                // The layer is the first segment: gru_GRU1/kernel, and for a Bidirectional layer
                // bidirectional_Bidirectional1/forward_lstm_LSTM1/kernel (both directions in one group).
                int slash = name.IndexOf('/');
                string layer = slash < 0 ? name : name[..slash];
                KerasLayerWeights? g = groups.Find(x => x.Key == layer);
                if (g is null)
                {
                    g = new KerasLayerWeights(layer, []);
                    groups.Add(g);
                }

                g.Weights.Add(new SourceTensor(name, shape, values));
            }

            if (offset != data.LongLength) throw buffer.Fail($"the shards hold {data.LongLength} bytes, but the manifest describes {offset}.");
        }

        KerasImporter.Apply(model, config, groups, config is null ? KerasPairing.ByOrder : KerasPairing.ByConfigName, buffer);
    }

    private static byte[] ReadShards(JsonElement group, string directory, ParameterBuffer buffer)
    {
        using var all = new MemoryStream();
        foreach (JsonElement p in group.GetProperty("paths").EnumerateArray())
        {
            string shard = p.GetString() ?? "";
            if (shard.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(shard))
            {
                throw buffer.Fail($"shard path '{shard}' leaves the model's folder.");
            }

            string full = Path.Combine(directory, shard);
            if (!File.Exists(full)) throw buffer.Fail($"weight shard '{shard}' is missing (looked in {directory}).");
            if (new FileInfo(full).Length + all.Length > MaxShardBytes) throw buffer.Fail($"the shards exceed {MaxShardBytes} bytes.");
            using FileStream f = File.OpenRead(full);
            f.CopyTo(all);
        }

        return all.ToArray();
    }
}
