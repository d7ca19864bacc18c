using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis.Text;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Parsing;

/// <summary>
/// Reads the text form of a <c>&lt;RnnGenWeights&gt;</c> item. A generator only sees additional files as text, and a
/// safetensors file is binary, so <c>build/RnnGen.targets</c> converts each item at build time into
/// <c>obj/.../rnngen/&lt;name&gt;.rnngenweights</c>: a first line <c>rnngen-weights 1 &lt;Include&gt;</c>, then the
/// file's bytes in base64. This class decodes that and parses the safetensors inside: an 8-byte little-endian header
/// length, a JSON header <c>{"name": {"dtype", "shape", "data_offsets"}}</c>, then the data.
/// </summary>
internal static class WeightsFileReader
{
    /// <summary>Extension of the converted files that the generator reads.</summary>
    public const string Extension = ".rnngenweights";

    /// <summary>First word of a converted file, followed by the format version.</summary>
    public const string Magic = "rnngen-weights 1 ";

    public static bool IsWeightsFile(string path) => path.EndsWith(Extension, StringComparison.OrdinalIgnoreCase);

    public static WeightsFile Read(string path, SourceText? text, CancellationToken cancellationToken)
    {
        string fallbackInclude = System.IO.Path.GetFileNameWithoutExtension(path);
        if (text is null)
        {
            return new WeightsFile(fallbackInclude, "the converted file could not be read", EquatableArray<WeightsTensor>.Empty);
        }

        string content = text.ToString();
        int newline = content.IndexOf('\n');
        string firstLine = (newline < 0 ? content : content.Substring(0, newline)).TrimEnd('\r');
        if (!firstLine.StartsWith(Magic, StringComparison.Ordinal))
        {
            return new WeightsFile(fallbackInclude, $"'{path}' does not start with '{Magic.TrimEnd()}'; it must be written by RnnGen.targets", EquatableArray<WeightsTensor>.Empty);
        }

        string include = firstLine.Substring(Magic.Length).Trim().Replace('\\', '/');
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(newline < 0 ? "" : content.Substring(newline + 1));
        }
        catch (FormatException)
        {
            return new WeightsFile(include, "its converted form is not valid base64; rebuild to regenerate it", EquatableArray<WeightsTensor>.Empty);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return Parse(include, bytes);
    }

    /// <summary>Parses safetensors bytes. Never throws: a malformed file becomes <see cref="WeightsFile.Error"/>.</summary>
    public static WeightsFile Parse(string include, byte[] bytes)
    {
        WeightsFile Fail(string error) => new(include, error, EquatableArray<WeightsTensor>.Empty);

        if (bytes.Length < 8)
        {
            return Fail($"it has {bytes.Length} bytes, fewer than the 8 of a safetensors header length");
        }

        ulong headerLength = 0;
        for (int i = 7; i >= 0; i--)
        {
            headerLength = (headerLength << 8) | bytes[i];
        }

        if (headerLength > (ulong)(bytes.Length - 8))
        {
            return Fail($"its header length is {headerLength} bytes, but only {bytes.Length - 8} bytes follow");
        }

        string json = Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
        object? root;
        try
        {
            root = new JsonReader(json).ReadDocument();
        }
        catch (FormatException e)
        {
            return Fail($"its header is not valid JSON ({e.Message})");
        }

        if (root is not List<KeyValuePair<string, object?>> entries)
        {
            return Fail("its header is not a JSON object");
        }

        long dataStart = 8 + (long)headerLength;
        long dataLength = bytes.Length - dataStart;
        var tensors = new List<WeightsTensor>();
        foreach (KeyValuePair<string, object?> entry in entries)
        {
            if (entry.Key == "__metadata__")
            {
                continue;
            }

            if (entry.Value is not List<KeyValuePair<string, object?>> fields
                || Field(fields, "dtype") is not string dtype
                || Field(fields, "shape") is not List<object?> shapeList
                || Field(fields, "data_offsets") is not List<object?> offsets || offsets.Count != 2
                || offsets[0] is not double begin || offsets[1] is not double end)
            {
                return Fail($"tensor '{entry.Key}' is not an object with dtype, shape and data_offsets [begin, end]");
            }

            var shape = new int[shapeList.Count];
            long elements = 1;
            for (int i = 0; i < shape.Length; i++)
            {
                if (shapeList[i] is not double d || d < 0 || d > int.MaxValue || d != Math.Floor(d))
                {
                    return Fail($"tensor '{entry.Key}' has a shape entry that is not a non-negative integer");
                }

                shape[i] = (int)d;
                elements *= shape[i];
            }

            if (begin < 0 || end < begin || end > dataLength)
            {
                return Fail($"tensor '{entry.Key}' has data_offsets [{begin}, {end}] outside the {dataLength} data bytes");
            }

            float[] values = Array.Empty<float>();
            if (dtype == "F32")
            {
                if ((long)(end - begin) != elements * 4)
                {
                    return Fail($"tensor '{entry.Key}' has {(long)(end - begin)} data bytes, but shape [{string.Join(", ", shape)}] of F32 needs {elements * 4}");
                }

                values = new float[elements];
                byte[] scratch = new byte[4];
                for (long i = 0; i < elements; i++)
                {
                    int at = (int)(dataStart + (long)begin + 4 * i);
                    Array.Copy(bytes, at, scratch, 0, 4);
                    if (!BitConverter.IsLittleEndian) Array.Reverse(scratch);
                    values[i] = BitConverter.ToSingle(scratch, 0);
                }
            }

            tensors.Add(new WeightsTensor(entry.Key, dtype, shape.ToEquatableArray(), new EquatableArray<float>(values)));
        }

        return new WeightsFile(include, null, tensors.ToEquatableArray());
    }

    private static object? Field(List<KeyValuePair<string, object?>> fields, string name)
    {
        foreach (KeyValuePair<string, object?> field in fields)
        {
            if (field.Key == name) return field.Value;
        }

        return null;
    }

    /// <summary>
    /// Just enough JSON for a safetensors header: objects (as ordered key/value lists), arrays, strings, numbers
    /// (as double), true, false and null. Throws <see cref="FormatException"/>, which <see cref="Parse"/> catches.
    /// </summary>
    private sealed class JsonReader(string text)
    {
        private int _at;

        public object? ReadDocument()
        {
            object? value = ReadValue(0);
            SkipWhitespace();
            if (_at != text.Length) throw new FormatException($"unexpected '{text[_at]}' at {_at}");
            return value;
        }

        private object? ReadValue(int depth)
        {
            if (depth > 64) throw new FormatException("nested too deeply");
            SkipWhitespace();
            if (_at >= text.Length) throw new FormatException("unexpected end");
            char c = text[_at];
            switch (c)
            {
                case '{':
                    _at++;
                    var fields = new List<KeyValuePair<string, object?>>();
                    SkipWhitespace();
                    if (Peek('}')) return fields;
                    do
                    {
                        SkipWhitespace();
                        string key = ReadString();
                        SkipWhitespace();
                        Expect(':');
                        fields.Add(new KeyValuePair<string, object?>(key, ReadValue(depth + 1)));
                        SkipWhitespace();
                    }
                    while (Peek(','));
                    Expect('}');
                    return fields;
                case '[':
                    _at++;
                    var items = new List<object?>();
                    SkipWhitespace();
                    if (Peek(']')) return items;
                    do
                    {
                        items.Add(ReadValue(depth + 1));
                        SkipWhitespace();
                    }
                    while (Peek(','));
                    Expect(']');
                    return items;
                case '"':
                    return ReadString();
                case 't': return Literal("true", true);
                case 'f': return Literal("false", false);
                case 'n': return Literal("null", null);
                default:
                    int start = _at;
                    while (_at < text.Length && "+-0123456789.eE".IndexOf(text[_at]) >= 0) _at++;
                    if (start == _at || !double.TryParse(text.Substring(start, _at - start), NumberStyles.Float, CultureInfo.InvariantCulture, out double number))
                    {
                        throw new FormatException($"unexpected '{c}' at {start}");
                    }

                    return number;
            }
        }

        private string ReadString()
        {
            Expect('"');
            var sb = new StringBuilder();
            while (true)
            {
                if (_at >= text.Length) throw new FormatException("unterminated string");
                char c = text[_at++];
                if (c == '"') return sb.ToString();
                if (c != '\\')
                {
                    sb.Append(c);
                    continue;
                }

                if (_at >= text.Length) throw new FormatException("unterminated string");
                char e = text[_at++];
                switch (e)
                {
                    case 'n': sb.Append('\n'); break;
                    case 't': sb.Append('\t'); break;
                    case 'r': sb.Append('\r'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'u':
                        if (_at + 4 > text.Length || !int.TryParse(text.Substring(_at, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int code))
                        {
                            throw new FormatException($"bad \\u escape at {_at}");
                        }

                        sb.Append((char)code);
                        _at += 4;
                        break;
                    default: sb.Append(e); break;
                }
            }
        }

        private object? Literal(string word, object? value)
        {
            if (string.CompareOrdinal(text, _at, word, 0, word.Length) != 0) throw new FormatException($"unexpected '{text[_at]}' at {_at}");
            _at += word.Length;
            return value;
        }

        private bool Peek(char c)
        {
            if (_at < text.Length && text[_at] == c)
            {
                _at++;
                return true;
            }

            return false;
        }

        private void Expect(char c)
        {
            if (!Peek(c)) throw new FormatException(_at < text.Length ? $"expected '{c}' at {_at}, found '{text[_at]}'" : $"expected '{c}' at the end");
        }

        private void SkipWhitespace()
        {
            while (_at < text.Length && char.IsWhiteSpace(text[_at])) _at++;
        }
    }
}
