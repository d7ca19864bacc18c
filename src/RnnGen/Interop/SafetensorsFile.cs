using System.Buffers.Binary;
using System.Text.Json;

namespace RnnGen.Interop;

/// <summary>
/// Reads any safetensors file (8-byte little-endian header length, a JSON header of
/// <c>{name: {dtype, shape, data_offsets}}</c>, then the data) into float32 tensors, in the header's order. F32, F64,
/// F16 and BF16 are accepted.
/// </summary>
internal static class SafetensorsFile
{
    public static List<SourceTensor> Read(byte[] file, string source)
    {
        if (file.Length < 8) throw new WeightFileException($"{source}: the file is {file.Length} bytes; a safetensors file starts with an 8-byte header length.");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength > (ulong)(file.Length - 8)) throw new WeightFileException($"{source}: the header claims {headerLength} bytes, but only {file.Length - 8} follow; the file is truncated.");
        int dataStart = 8 + (int)headerLength;
        long dataLength = file.Length - dataStart;
        var tensors = new List<SourceTensor>();
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(file.AsMemory(8, (int)headerLength));
        }
        catch (JsonException e)
        {
            throw new WeightFileException($"{source}: the safetensors header is not valid JSON ({e.Message}).", e);
        }

        using (doc)
        {
            var spans = new List<(long Begin, long End, string Name)>();
            foreach (JsonProperty p in doc.RootElement.EnumerateObject())
            {
                if (p.Name == "__metadata__") continue;
                string dtype = p.Value.GetProperty("dtype").GetString() ?? "";
                int size = dtype switch
                {
                    "F32" => 4,
                    "F64" => 8,
                    "F16" or "BF16" => 2,
                    _ => throw new WeightFileException($"{source}: tensor '{p.Name}' has dtype {dtype}; weights must be F32, F64, F16 or BF16."),
                };
                int[] shape = [.. p.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32())];
                long count = 1;
                foreach (int s in shape) count *= s;
                JsonElement offsets = p.Value.GetProperty("data_offsets");
                long begin = offsets[0].GetInt64(), end = offsets[1].GetInt64();
                if (begin < 0 || end < begin || end > dataLength || end - begin != count * size)
                {
                    throw new WeightFileException($"{source}: tensor '{p.Name}' {InteropText.Shape(shape)} {dtype} has data_offsets [{begin}, {end}], which do not fit {count * size} bytes inside the {dataLength}-byte data section; the file is truncated or corrupt.");
                }

                var data = new float[count];
                ReadOnlySpan<byte> bytes = file.AsSpan(dataStart + (int)begin, (int)(end - begin));
                for (int i = 0; i < count; i++)
                {
                    ReadOnlySpan<byte> b = bytes.Slice(i * size, size);
                    data[i] = dtype switch
                    {
                        "F32" => BinaryPrimitives.ReadSingleLittleEndian(b),
                        "F64" => (float)BinaryPrimitives.ReadDoubleLittleEndian(b),
                        "F16" => (float)BinaryPrimitives.ReadHalfLittleEndian(b),
                        _ => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(b) << 16),
                    };
                }

                spans.Add((begin, end, p.Name));
                tensors.Add(new SourceTensor(p.Name, shape, data));
            }

            spans.Sort((a, b) => a.Begin.CompareTo(b.Begin));
            for (int i = 1; i < spans.Count; i++)
            {
                if (spans[i].Begin < spans[i - 1].End) throw new WeightFileException($"{source}: tensors '{spans[i - 1].Name}' and '{spans[i].Name}' overlap.");
            }
        }

        return tensors;
    }
}
