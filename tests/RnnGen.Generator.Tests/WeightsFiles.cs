using System.Buffers.Binary;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace RnnGen.Generator.Tests;

/// <summary>
/// Builds safetensors bytes and the text form <c>RnnGen.targets</c> hands the generator
/// (<c>rnngen-weights 1 &lt;Include&gt;</c>, then base64), as in-memory additional files.
/// </summary>
internal static class WeightsFiles
{
    public sealed record Tensor(string Name, int[] Shape, float[] Values, string Dtype = "F32");

    /// <summary>A safetensors file: 8-byte header length, JSON header, then the tensors' bytes in order.</summary>
    public static byte[] Safetensors(params Tensor[] tensors)
    {
        var header = new StringBuilder("{");
        long offset = 0;
        foreach (Tensor t in tensors)
        {
            long length = t.Values.Length * 4L;
            if (header.Length > 1) header.Append(',');
            header.Append($"\"{t.Name}\":{{\"dtype\":\"{t.Dtype}\",\"shape\":[{string.Join(",", t.Shape)}],\"data_offsets\":[{offset},{offset + length}]}}");
            offset += length;
        }

        header.Append('}');
        byte[] json = Encoding.UTF8.GetBytes(header.ToString());
        var bytes = new byte[8 + json.Length + offset];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        int at = 8 + json.Length;
        foreach (Tensor t in tensors)
        {
            foreach (float v in t.Values)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(at), v);
                at += 4;
            }
        }

        return bytes;
    }

    /// <summary>The tensors a model declares (from its generated <c>Layers</c>), filled with values from <paramref name="seed"/>.</summary>
    public static Tensor[] RandomFor(IRnnModel model, int seed)
    {
        var random = new Random(seed);
        return model.Layers
            .SelectMany(l => l.Tensors)
            .Select(t => new Tensor(t.Name, t.Shape.ToArray(), Enumerable.Range(0, t.Length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()))
            .ToArray();
    }

    public static AdditionalText Converted(string include, byte[] safetensors) =>
        new InMemoryText($"/obj/rnngen/{Path.GetFileName(include)}.rnngenweights", "rnngen-weights 1 " + include + "\n" + Convert.ToBase64String(safetensors, Base64FormattingOptions.InsertLineBreaks) + "\n");

    public sealed class InMemoryText(string path, string text) : AdditionalText
    {
        private readonly SourceText _text = SourceText.From(text, Encoding.UTF8);

        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }
}
