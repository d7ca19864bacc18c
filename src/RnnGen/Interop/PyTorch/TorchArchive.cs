using System.Buffers.Binary;
using System.IO.Compression;

namespace RnnGen.Interop.PyTorch;

/// <summary>
/// Reads a <c>torch.save(state_dict)</c> file (the zip format of PyTorch 1.6 and later): <c>&lt;name&gt;/data.pkl</c>
/// is the pickled <c>OrderedDict</c> of tensors, read with <see cref="PickleReader"/>; <c>&lt;name&gt;/data/&lt;key&gt;</c>
/// holds each storage's raw little-endian bytes (<c>&lt;name&gt;/byteorder</c>, when present, says otherwise).
/// </summary>
internal static class TorchArchive
{
    private const long MaxPickleBytes = 64L << 20;
    private const long MaxStorageBytes = 1L << 30;

    /// <summary>The state_dict's tensors, in the file's order.</summary>
    public static List<SourceTensor> Read(ZipArchive zip, string source)
    {
        ZipArchiveEntry? pickle = null;
        foreach (ZipArchiveEntry e in zip.Entries)
        {
            if (e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) || e.FullName == "data.pkl")
            {
                if (pickle is not null) throw new WeightFileException($"{source}: the zip holds two pickles ('{pickle.FullName}', '{e.FullName}'); a torch.save file has one.");
                pickle = e;
            }
        }

        if (pickle is null) throw new WeightFileException($"{source}: the zip holds no data.pkl, so it is not a torch.save file.");
        string prefix = pickle.FullName[..^"data.pkl".Length];
        bool bigEndian = zip.GetEntry(prefix + "byteorder") is { } order && ReadAll(order, 16, source).AsSpan().SequenceEqual("big"u8);

        object? root = PickleReader.Read(ReadAll(pickle, MaxPickleBytes, source), source);
        if (root is not PickleDict dict)
        {
            throw new WeightFileException($"{source}: the pickle holds a {root?.GetType().Name ?? "None"}, expected a state_dict (an OrderedDict of tensors); save model.state_dict(), not the model.");
        }

        var storages = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var tensors = new List<SourceTensor>();
        foreach ((object? key, object? value) in dict.Items)
        {
            if (key is not string name) throw new WeightFileException($"{source}: a state_dict key is not a string.");
            if (value is not TensorRef t) throw new WeightFileException($"{source}: state_dict entry '{name}' is not a tensor.");
            if (!storages.TryGetValue(t.Storage.Key, out byte[]? bytes))
            {
                ZipArchiveEntry entry = zip.GetEntry(prefix + "data/" + t.Storage.Key)
                    ?? throw new WeightFileException($"{source}: tensor '{name}' refers to storage '{t.Storage.Key}', which the zip lacks; the file is truncated or corrupt.");
                bytes = ReadAll(entry, MaxStorageBytes, source);
                storages.Add(t.Storage.Key, bytes);
            }

            tensors.Add(ToTensor(name, t, bytes, bigEndian, source));
        }

        return tensors;
    }

    private static SourceTensor ToTensor(string name, TensorRef t, byte[] bytes, bool bigEndian, string source)
    {
        int itemSize = t.Storage.Type switch
        {
            "FloatStorage" => 4,
            "DoubleStorage" => 8,
            "HalfStorage" or "BFloat16Storage" => 2,
            _ => throw new WeightFileException($"{source}: tensor '{name}' is stored as {t.Storage.Type}; weights must be floating point (float32, float64, float16 or bfloat16)."),
        };
        if (bytes.LongLength != t.Storage.Elements * itemSize)
        {
            throw new WeightFileException($"{source}: storage '{t.Storage.Key}' of tensor '{name}' has {bytes.LongLength} bytes, expected {t.Storage.Elements} x {itemSize}; the file is truncated or corrupt.");
        }

        var shape = new int[t.Size.Length];
        long count = 1, last = t.Offset;
        for (int d = 0; d < shape.Length; d++)
        {
            if (t.Size[d] < 0 || t.Size[d] > int.MaxValue || t.Stride[d] < 0) throw new WeightFileException($"{source}: tensor '{name}' has an invalid size or stride.");
            shape[d] = (int)t.Size[d];
            count *= t.Size[d];
            last += (t.Size[d] - 1) * t.Stride[d];
        }

        if (count > 0 && (t.Offset < 0 || last >= t.Storage.Elements))
        {
            throw new WeightFileException($"{source}: tensor '{name}' reaches element {last} of a {t.Storage.Elements}-element storage.");
        }

        var data = new float[count];
        var index = new long[shape.Length];
        for (long i = 0; i < count; i++)
        {
            long at = t.Offset;
            for (int d = 0; d < shape.Length; d++) at += index[d] * t.Stride[d];
            data[i] = Element(bytes.AsSpan((int)(at * itemSize), itemSize), t.Storage.Type, bigEndian);
            for (int d = shape.Length - 1; d >= 0 && ++index[d] == shape[d]; d--) index[d] = 0;
        }

        return new SourceTensor(name, shape, data);
    }

    private static float Element(ReadOnlySpan<byte> b, string type, bool bigEndian) => type switch
    {
        "FloatStorage" => bigEndian ? BinaryPrimitives.ReadSingleBigEndian(b) : BinaryPrimitives.ReadSingleLittleEndian(b),
        "DoubleStorage" => (float)(bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(b) : BinaryPrimitives.ReadDoubleLittleEndian(b)),
        "HalfStorage" => (float)(bigEndian ? BinaryPrimitives.ReadHalfBigEndian(b) : BinaryPrimitives.ReadHalfLittleEndian(b)),
        _ => BitConverter.Int32BitsToSingle((bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b)) << 16),
    };

    /// <summary>Reads a whole zip entry, refusing one larger than <paramref name="limit"/> or shorter than it claims.</summary>
    internal static byte[] ReadAll(ZipArchiveEntry entry, long limit, string source)
    {
        if (entry.Length > limit) throw new WeightFileException($"{source}: '{entry.FullName}' is {entry.Length} bytes, more than the {limit}-byte limit.");
        var bytes = new byte[entry.Length];
        try
        {
            using Stream s = entry.Open();
            s.ReadExactly(bytes);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException and not WeightFileException)
        {
            throw new WeightFileException($"{source}: '{entry.FullName}' cannot be read ({e.Message}); the file is truncated or corrupt.", e);
        }

        return bytes;
    }
}
