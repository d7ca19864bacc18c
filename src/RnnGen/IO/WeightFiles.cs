using System.Buffers;
using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace RnnGen;

/// <summary>
/// Saves and loads a model's <see cref="IRnnModel.Parameters"/> as a safetensors file with Keras tensor names.
/// </summary>
/// <remarks>
/// <para>Layout (<see href="https://github.com/huggingface/safetensors">safetensors</see>): an 8-byte little-endian
/// unsigned header length <c>N</c>; <c>N</c> bytes of UTF-8 JSON, padded with spaces to a multiple of 8; then the
/// tensors' raw little-endian float32 data, in layer order. The header maps each tensor name (<c>simple_rnn/kernel</c>,
/// <c>dense/bias</c>, ...) to <c>{"dtype":"F32","shape":[...],"data_offsets":[begin,end]}</c>, offsets relative to the
/// data section, plus <c>"__metadata__":{"format":"rnngen"}</c>. Python reads it with
/// <c>safetensors.numpy.load_file(path)</c>; the arrays are Keras's <c>get_weights()</c>.</para>
/// </remarks>
public static class WeightFiles
{
    /// <summary>Largest header accepted when loading: 100 MB.</summary>
    public const long MaxHeaderLength = 100_000_000;

    private const string DType = "F32";

    /// <summary>
    /// Writes the weights to <paramref name="path"/> atomically: the file is written to <c>path + ".tmp-&lt;guid&gt;"</c> in the
    /// same directory, flushed to disk, then renamed over <paramref name="path"/>. If anything fails, the temporary file is
    /// deleted and an existing file at <paramref name="path"/> is left as it was.
    /// </summary>
    /// <remarks>
    /// A save holds an exclusive lock on its temporary file until the rename. A process killed mid-save leaves its
    /// temporary file behind unlocked, and the next save to the same path deletes every such orphan first, so a crash
    /// loop cannot fill the disk; temporary files of saves still running (locked) are left alone.
    /// </remarks>
    /// <param name="model">The model.</param>
    /// <param name="path">Destination file.</param>
    public static void SaveWeights(this IRnnModel model, string path) => SaveWeights(model, path, static s => s);

    /// <summary>Writes the weights file format to <paramref name="stream"/> (not atomic; the stream is left open).</summary>
    /// <param name="model">The model.</param>
    /// <param name="stream">A writable stream.</param>
    public static void SaveWeights(this IRnnModel model, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        Write(model, stream);
    }

    /// <summary>
    /// Loads weights saved by <see cref="SaveWeights(IRnnModel, string)"/> (or any safetensors file with the model's
    /// Keras tensor names, F32 data and Keras shapes). Everything is validated before <see cref="IRnnModel.Parameters"/>
    /// is touched: a bad file never half-loads.
    /// </summary>
    /// <param name="model">The model to load into.</param>
    /// <param name="path">Source file.</param>
    /// <exception cref="WeightFileException">The file is malformed or does not match the model; the message says what and where.</exception>
    public static void LoadWeights(this IRnnModel model, string path) => LoadWeights(model, path, allowNonFinite: false);

    /// <summary>
    /// Loads weights as <see cref="LoadWeights(IRnnModel, string)"/> does. A NaN or infinite weight is refused (naming the
    /// tensor and the index) unless <paramref name="allowNonFinite"/> is true.
    /// </summary>
    /// <param name="model">The model to load into.</param>
    /// <param name="path">Source file.</param>
    /// <param name="allowNonFinite">Load NaN and infinite values instead of refusing the file.</param>
    /// <exception cref="WeightFileException">The file cannot be read, is malformed or does not match the model.</exception>
    public static void LoadWeights(this IRnnModel model, string path, bool allowNonFinite)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            throw new WeightFileException($"{path}: is a directory, expected a safetensors file.");
        }

        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new WeightFileException($"{path}: cannot be opened ({e.Message}).", e);
        }

        using (stream)
        {
            Read(model, stream, path, allowNonFinite);
        }
    }

    /// <summary>Loads weights from a seekable stream positioned at the start of the file; see <see cref="LoadWeights(IRnnModel, string)"/>.</summary>
    /// <param name="model">The model to load into.</param>
    /// <param name="stream">A readable, seekable stream.</param>
    /// <exception cref="WeightFileException">The data is malformed or does not match the model.</exception>
    public static void LoadWeights(this IRnnModel model, Stream stream) => LoadWeights(model, stream, allowNonFinite: false);

    /// <summary>Loads weights from a seekable stream; see <see cref="LoadWeights(IRnnModel, string, bool)"/>.</summary>
    /// <param name="model">The model to load into.</param>
    /// <param name="stream">A readable, seekable stream.</param>
    /// <param name="allowNonFinite">Load NaN and infinite values instead of refusing the data.</param>
    /// <exception cref="WeightFileException">The data is malformed or does not match the model.</exception>
    public static void LoadWeights(this IRnnModel model, Stream stream, bool allowNonFinite)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            throw new ArgumentException("Expected a seekable stream (its length is checked against the header).", nameof(stream));
        }

        Read(model, stream, "weights", allowNonFinite);
    }

    /// <summary>Atomic save with a seam: <paramref name="wrap"/> may wrap the file stream (tests inject a crashing stream).</summary>
    internal static void SaveWeights(IRnnModel model, string path, Func<Stream, Stream> wrap)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(path);
        string full = Path.GetFullPath(path);
        RemoveOrphanedTemporaries(full);
        string temp = full + TemporaryMarker + Guid.NewGuid().ToString("N");
        FileStream? file = null;
        try
        {
            // FileShare.None is an exclusive lock (flock on Unix) that marks this temporary file as in use.
            file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            Stream target = wrap(file);
            Write(model, target);
            target.Flush();
            file.Flush(flushToDisk: true);
            if (OperatingSystem.IsWindows())
            {
                file.Dispose(); // Windows cannot rename a file open without FILE_SHARE_DELETE
                File.Move(temp, full, overwrite: true);
            }
            else
            {
                File.Move(temp, full, overwrite: true); // renamed while still locked: no other save can take it for an orphan
                file.Dispose();
            }
        }
        catch
        {
            file?.Dispose();
            try
            {
                File.Delete(temp);
            }
            catch (IOException)
            {
                // Best effort: the original exception matters more.
            }
            catch (UnauthorizedAccessException)
            {
            }

            throw;
        }
    }

    private const string TemporaryMarker = ".tmp-";

    /// <summary>
    /// Deletes <c>path.tmp-&lt;guid&gt;</c> files that no save holds: each one that can be opened exclusively belongs to a
    /// process that died before its rename.
    /// </summary>
    private static void RemoveOrphanedTemporaries(string full)
    {
        string? directory = Path.GetDirectoryName(full);
        if (directory is null || !Directory.Exists(directory))
        {
            return;
        }

        string prefix = Path.GetFileName(full) + TemporaryMarker;
        foreach (string candidate in Directory.EnumerateFiles(directory, "*" + TemporaryMarker + "*"))
        {
            string name = Path.GetFileName(candidate);
            if (!name.StartsWith(prefix, StringComparison.Ordinal) || name.Length != prefix.Length + 32 || !IsHex(name.AsSpan(prefix.Length)))
            {
                continue;
            }

            try
            {
                using var orphan = new FileStream(candidate, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Locked by a save that is still running, or not ours to delete.
            }
        }
    }

    private static bool IsHex(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (!char.IsAsciiHexDigitLower(c)) return false;
        }

        return true;
    }

    private static void Write(IRnnModel model, Stream stream)
    {
        List<TensorInfo> tensors = TensorsOf(model);
        byte[] header = BuildHeader(tensors);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);

        ReadOnlySpan<float> parameters = model.Parameters;
        Span<byte> four = stackalloc byte[4];
        foreach (TensorInfo t in tensors)
        {
            ReadOnlySpan<float> data = parameters.Slice(t.Offset, t.Length);
            if (BitConverter.IsLittleEndian)
            {
                stream.Write(MemoryMarshal.AsBytes(data));
            }
            else
            {
                foreach (float v in data)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(four, v);
                    stream.Write(four);
                }
            }
        }
    }

    private static byte[] BuildHeader(List<TensorInfo> tensors)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("__metadata__");
            json.WriteString("format", "rnngen");
            json.WriteEndObject();
            long offset = 0;
            foreach (TensorInfo t in tensors)
            {
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", DType);
                json.WriteStartArray("shape");
                foreach (int d in t.Shape)
                {
                    json.WriteNumberValue(d);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += 4L * t.Length;
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        int padded = (buffer.WrittenCount + 7) / 8 * 8;
        var header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        return header;
    }

    /// <summary>Every failure while reading becomes a <see cref="WeightFileException"/> that names the file.</summary>
    private static void Read(IRnnModel model, Stream stream, string source, bool allowNonFinite)
    {
        try
        {
            ReadValidated(model, stream, source, allowNonFinite);
        }
        catch (Exception e) when (e is not WeightFileException and (IOException or InvalidOperationException or ArgumentException or FormatException or OverflowException or JsonException or NotSupportedException or UnauthorizedAccessException))
        {
            throw new WeightFileException($"{source}: cannot be read ({e.Message}).", e);
        }
    }

    private static void ReadValidated(IRnnModel model, Stream stream, string source, bool allowNonFinite)
    {
        List<TensorInfo> tensors = TensorsOf(model);
        long fileLength = stream.Length - stream.Position;
        if (fileLength < 8)
        {
            throw Fail(source, $"the file is {fileLength} bytes long; a safetensors file starts with an 8-byte header length.");
        }

        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > MaxHeaderLength)
        {
            throw Fail(source, $"the header claims {headerLength} bytes, more than the {MaxHeaderLength}-byte limit; the file is corrupt or not a safetensors file.");
        }

        if ((long)headerLength > fileLength - 8)
        {
            throw Fail(source, $"the header claims {headerLength} bytes, but only {fileLength - 8} bytes follow the length field; the file is truncated or corrupt.");
        }

        var header = new byte[headerLength];
        stream.ReadExactly(header);
        long dataLength = fileLength - 8 - (long)headerLength;

        var expected = new Dictionary<string, TensorInfo>(StringComparer.Ordinal);
        foreach (TensorInfo t in tensors)
        {
            expected.Add(t.Name, t);
        }

        var found = new List<(long Begin, long End, TensorInfo Tensor)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw new WeightFileException($"{source}: the header is not valid JSON ({e.Message}).", e);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Fail(source, $"the header is a JSON {root.ValueKind}, expected an object.");
            }

            foreach (JsonProperty property in root.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    continue;
                }

                if (!expected.TryGetValue(property.Name, out TensorInfo? tensor))
                {
                    throw Fail(source, $"unknown tensor '{property.Name}'; the model's tensors are {string.Join(", ", expected.Keys)}.");
                }

                if (!seen.Add(property.Name))
                {
                    throw Fail(source, $"tensor '{property.Name}' appears twice in the header.");
                }

                found.Add(ReadEntry(property, tensor, dataLength, source));
            }
        }

        foreach (TensorInfo t in tensors)
        {
            if (!seen.Contains(t.Name))
            {
                throw Fail(source, $"missing tensor '{t.Name}' (shape {FormatShape(t.Shape)}).");
            }
        }

        // The tensors must tile the data section exactly: no gap, no overlap, nothing left over.
        found.Sort(static (a, b) => a.Begin.CompareTo(b.Begin));
        long expectedBegin = 0;
        foreach ((long begin, long end, TensorInfo t) in found)
        {
            if (begin != expectedBegin)
            {
                throw Fail(source, $"tensor '{t.Name}' starts at byte {begin} of the data section, expected {expectedBegin} (tensors must be contiguous and not overlap).");
            }

            expectedBegin = end;
        }

        if (expectedBegin != dataLength)
        {
            throw Fail(source, $"the data section is {dataLength} bytes, but the tensors cover {expectedBegin}; the file is truncated or has trailing bytes.");
        }

        var buffer = new float[model.ParameterCount];
        foreach ((_, _, TensorInfo t) in found)
        {
            Span<float> target = buffer.AsSpan(t.Offset, t.Length);
            try
            {
                stream.ReadExactly(MemoryMarshal.AsBytes(target));
            }
            catch (EndOfStreamException e)
            {
                throw new WeightFileException($"{source}: the file ended inside tensor '{t.Name}'.", e);
            }

            if (!BitConverter.IsLittleEndian)
            {
                Span<int> bits = MemoryMarshal.Cast<float, int>(target);
                BinaryPrimitives.ReverseEndianness(bits, bits);
            }
        }

        if (!allowNonFinite)
        {
            foreach (TensorInfo t in tensors)
            {
                ReadOnlySpan<float> values = buffer.AsSpan(t.Offset, t.Length);
                if (!TensorPrimitives.IsFiniteAll(values))
                {
                    int index = 0;
                    while (float.IsFinite(values[index])) index++;
                    throw Fail(source, $"tensor '{t.Name}' holds {(float.IsNaN(values[index]) ? "NaN" : values[index] > 0 ? "+Infinity" : "-Infinity")} at index {index} (shape {FormatShape(t.Shape)}); NaN and infinite weights are refused unless loaded with allowNonFinite: true.");
                }
            }
        }

        Span<float> parameters = model.Parameters;
        foreach (TensorInfo t in tensors)
        {
            buffer.AsSpan(t.Offset, t.Length).CopyTo(parameters.Slice(t.Offset, t.Length));
        }
    }

    private static (long Begin, long End, TensorInfo Tensor) ReadEntry(JsonProperty property, TensorInfo tensor, long dataLength, string source)
    {
        string name = property.Name;
        JsonElement entry = property.Value;
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw Fail(source, $"tensor '{name}' is a JSON {entry.ValueKind}, expected an object with dtype, shape and data_offsets.");
        }

        if (!entry.TryGetProperty("dtype", out JsonElement dtype) || dtype.ValueKind != JsonValueKind.String)
        {
            throw Fail(source, $"tensor '{name}' has no dtype string.");
        }

        if (dtype.GetString() != DType)
        {
            throw Fail(source, $"tensor '{name}' has dtype '{dtype.GetString()}', expected '{DType}' (float32).");
        }

        if (!entry.TryGetProperty("shape", out JsonElement shape) || shape.ValueKind != JsonValueKind.Array)
        {
            throw Fail(source, $"tensor '{name}' has no shape array.");
        }

        var actual = new List<long>();
        foreach (JsonElement d in shape.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long dim) || dim < 0)
            {
                throw Fail(source, $"tensor '{name}' has a shape entry '{d.GetRawText()}' that is not a non-negative integer.");
            }

            actual.Add(dim);
        }

        bool sameShape = actual.Count == tensor.Shape.Count;
        for (int i = 0; sameShape && i < actual.Count; i++)
        {
            sameShape = actual[i] == tensor.Shape[i];
        }

        if (!sameShape)
        {
            throw Fail(source, $"tensor '{name}' has shape [{string.Join(", ", actual)}], expected {FormatShape(tensor.Shape)}.");
        }

        if (!entry.TryGetProperty("data_offsets", out JsonElement offsets) || offsets.ValueKind != JsonValueKind.Array
            || offsets.GetArrayLength() != 2
            || offsets[0].ValueKind != JsonValueKind.Number || offsets[1].ValueKind != JsonValueKind.Number
            || !offsets[0].TryGetInt64(out long begin) || !offsets[1].TryGetInt64(out long end))
        {
            string given = entry.TryGetProperty("data_offsets", out JsonElement raw) ? raw.GetRawText() : "nothing";
            throw Fail(source, $"tensor '{name}' needs data_offsets [begin, end] as two integers, but has {given}.");
        }

        if (begin < 0 || end < begin || end > dataLength)
        {
            throw Fail(source, $"tensor '{name}' has data_offsets [{begin}, {end}] outside the {dataLength}-byte data section; the file is truncated or corrupt.");
        }

        if (end - begin != 4L * tensor.Length)
        {
            throw Fail(source, $"tensor '{name}' has {end - begin} bytes of data, expected {4L * tensor.Length} (4 x {tensor.Length} floats).");
        }

        return (begin, end, tensor);
    }

    private static List<TensorInfo> TensorsOf(IRnnModel model)
    {
        var tensors = new List<TensorInfo>();
        foreach (LayerInfo layer in model.Layers)
        {
            tensors.AddRange(layer.Tensors);
        }

        return tensors;
    }

    private static string FormatShape(IReadOnlyList<int> shape) => "[" + string.Join(", ", shape) + "]";

    private static WeightFileException Fail(string source, string message) => new($"{source}: {message}");
}
