using System.IO.Compression;
using System.Text.Json;
using RnnGen.Interop;
using RnnGen.Interop.Keras;
using RnnGen.Interop.Onnx;
using RnnGen.Interop.PyTorch;

namespace RnnGen;

/// <summary>
/// Moves a model's weights in from PyTorch, Keras and TensorFlow.js files, and the whole model out to ONNX.
/// </summary>
public static class ModelInterop
{
    /// <summary>Largest file <see cref="ImportWeights"/> reads: 1 GB.</summary>
    public const long MaxFileBytes = 1L << 30;

    /// <summary>
    /// Loads weights written by another framework into <see cref="IRnnModel.Parameters"/>. The format is detected from
    /// the content, not the file name:
    /// <list type="bullet">
    /// <item>a PyTorch <c>torch.save(model.state_dict(), path)</c> zip, read by an allow-list unpickler that never
    /// executes code;</item>
    /// <item>safetensors with PyTorch names (<c>rnn.weight_ih_l0</c>, ...) or RnnGen's Keras names;</item>
    /// <item>a Keras 2 <c>.h5</c> (<c>save_weights</c> or whole-model <c>save</c>), a Keras 3 <c>.weights.h5</c> or
    /// <c>.keras</c>;</item>
    /// <item>a TensorFlow.js <c>model.json</c>, with its <c>.bin</c> shards beside it.</item>
    /// </list>
    /// PyTorch tensors are transposed, biases summed (GRU: kept as rows and gates reordered r,z,n → z,r,h), as
    /// <c>docs/interop.md</c> tabulates. A Bidirectional layer takes the forward layer's weights, then the backward
    /// layer's: PyTorch's <c>*_lk</c> and <c>*_lk_reverse</c> tensors, Keras's <c>forward_*</c> / <c>backward_*</c>
    /// weights. Where the file carries the architecture (Keras config, tfjs topology), it is
    /// checked layer by layer before any shape. Every tensor in the file must be used and every parameter filled;
    /// otherwise nothing is loaded.
    /// </summary>
    /// <param name="model">The model to fill.</param>
    /// <param name="path">The file (for tfjs, the <c>model.json</c>).</param>
    /// <exception cref="WeightFileException">The file is malformed, hostile or does not match the model; the message
    /// names the layer, the setting or tensor and both values. The model is unchanged.</exception>
    public static void ImportWeights(this IRnnModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(path);
        string source = Path.GetFileName(path);
        var buffer = new ParameterBuffer(model, source);
        byte[] bytes = ReadFile(path, source);
        if (IsSafetensorsWithModelNames(model, bytes))
        {
            // RnnGen's own names: the safetensors loader checks names, shapes and offsets and never half-loads.
            using var stream = new MemoryStream(bytes, writable: false);
            model.LoadWeights(stream);
            return;
        }

        Import(model, bytes, path, buffer);
        buffer.CommitTo();
    }

    /// <summary>
    /// Writes the model as an ONNX file (opset <see cref="OnnxExporter.Opset"/>) built from ONNX's <c>RNN</c>,
    /// <c>LSTM</c>, <c>GRU</c>, <c>Gemm</c>/<c>MatMul</c>, <c>Gather</c> and activation operators, with Keras's gate
    /// order mapped to ONNX's; a Bidirectional layer is one such operator with <c>direction = "bidirectional"</c>, its
    /// two directions merged with <c>Split</c> and <c>Concat</c>/<c>Add</c>/<c>Mul</c>. The one input <c>input</c> is <c>[1, Timesteps, Features]</c> float (an Embedding model:
    /// <c>[1, Timesteps]</c> token ids as float); the one output <c>output</c> holds <see cref="IRnnModel.Predict"/>'s
    /// values (<c>[1, OutputSize]</c>, or <c>[1, Timesteps, units]</c> when the last layer returns sequences). The file
    /// is written atomically.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="path">Destination file.</param>
    /// <exception cref="NotSupportedException">A layer uses an option ONNX cannot express; the message names it.</exception>
    public static void ExportOnnx(this IRnnModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes = OnnxExporter.Export(model);
        string full = Path.GetFullPath(path);
        string temp = full + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static void Import(IRnnModel model, byte[] bytes, string path, ParameterBuffer buffer)
    {
        ReadOnlySpan<byte> head = bytes;
        if (head.StartsWith("PK\u0003\u0004"u8) || head.StartsWith("PK\u0005\u0006"u8))
        {
            ImportZip(model, bytes, buffer);
        }
        else if (head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'H', (byte)'D', (byte)'F', 0x0d, 0x0a, 0x1a, 0x0a]))
        {
            using var stream = new MemoryStream(bytes, writable: false);
            KerasHdf5.Import(model, stream, null, buffer);
        }
        else if (IsSafetensors(bytes))
        {
            TorchMapper.Map(model, Guarded(() => SafetensorsFile.Read(bytes, buffer.Source), "safetensors header", buffer), buffer);
        }
        else if (FirstNonSpace(head) == (byte)'{')
        {
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(bytes);
            }
            catch (JsonException e)
            {
                throw buffer.Fail($"the file starts like JSON but is not valid JSON ({e.Message}).", e);
            }

            using (doc)
            {
                Guarded(() => { TfjsModel.Import(model, doc.RootElement, path, buffer); return 0; }, "model.json", buffer);
            }
        }
        else if (head.Length >= 2 && head[0] == 0x80 && head[1] <= 5)
        {
            throw buffer.Fail("this is a bare pickle stream: PyTorch's legacy torch.save format (before 1.6, or _use_new_zipfile_serialization=False), which RnnGen does not read. Re-save it with torch.save(model.state_dict(), path) in PyTorch 1.6 or later, or use tools/export_pytorch.py.");
        }
        else
        {
            throw buffer.Fail("the format is not recognized: expected a PyTorch torch.save zip, safetensors, a Keras .h5 / .weights.h5 / .keras file or a TensorFlow.js model.json.");
        }
    }

    private static void ImportZip(IRnnModel model, byte[] bytes, ParameterBuffer buffer)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read);
        }
        catch (InvalidDataException e)
        {
            throw buffer.Fail($"the zip cannot be read ({e.Message}); the file is truncated or corrupt.", e);
        }

        using (zip)
        {
            try
            {
                ImportZipEntries(model, zip, buffer);
            }
            catch (InvalidDataException e)
            {
                // ZipArchive reads its central directory and entry headers lazily.
                throw buffer.Fail($"the zip cannot be read ({e.Message}); the file is truncated or corrupt.", e);
            }
        }
    }

    private static void ImportZipEntries(IRnnModel model, ZipArchive zip, ParameterBuffer buffer)
    {
        if (zip.GetEntry("config.json") is { } configEntry && zip.GetEntry("model.weights.h5") is { } weightsEntry)
        {
            // Keras 3 .keras: config.json (the architecture) and model.weights.h5.
            using JsonDocument doc = KerasHdf5.ParseJson(System.Text.Encoding.UTF8.GetString(TorchArchive.ReadAll(configEntry, 64L << 20, buffer.Source)), buffer.Source);
            List<KerasLayerConfig> config = KerasLayerConfig.Parse(doc.RootElement, buffer.Source);
            using var h5 = new MemoryStream(TorchArchive.ReadAll(weightsEntry, MaxFileBytes, buffer.Source), writable: false);
            KerasHdf5.Import(model, h5, config, buffer);
            return;
        }

        TorchMapper.Map(model, TorchArchive.Read(zip, buffer.Source), buffer);
    }

    /// <summary>Turns a JSON document of the wrong shape (a missing key, a string where a number belongs) into a <see cref="WeightFileException"/>.</summary>
    private static T Guarded<T>(Func<T> read, string what, ParameterBuffer buffer)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or IndexOutOfRangeException)
        {
            throw buffer.Fail($"the {what} is malformed ({e.Message}).", e);
        }
    }

    private static bool IsSafetensors(byte[] bytes) =>
        bytes.Length >= 9 && bytes[8] == (byte)'{' && BitConverter.ToUInt64(bytes, 0) <= (ulong)(bytes.Length - 8);

    /// <summary>Safetensors whose first tensor has one of the model's Keras names (<c>lstm/kernel</c>).</summary>
    private static bool IsSafetensorsWithModelNames(IRnnModel model, byte[] bytes)
    {
        if (!IsSafetensors(bytes)) return false;
        try
        {
            using JsonDocument doc = JsonDocument.Parse(bytes.AsMemory(8, (int)BitConverter.ToUInt64(bytes, 0)));
            foreach (JsonProperty p in doc.RootElement.EnumerateObject())
            {
                if (p.Name == "__metadata__") continue;
                foreach (LayerInfo layer in model.Layers)
                {
                    if (p.Name.StartsWith(layer.Name + "/", StringComparison.Ordinal)) return true;
                }

                return false;
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Not valid JSON, or a name that is not valid UTF-8: the safetensors reader reports it.
        }

        return false;
    }

    private static byte FirstNonSpace(ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF)) return b;
        }

        return 0;
    }

    private static byte[] ReadFile(string path, string source)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new WeightFileException($"{source}: the file does not exist (full path {info.FullName}).", new FileNotFoundException(null, path));
        if (info.Length > MaxFileBytes) throw new WeightFileException($"{source}: the file is {info.Length} bytes, more than the {MaxFileBytes}-byte limit.");
        return File.ReadAllBytes(path);
    }
}
