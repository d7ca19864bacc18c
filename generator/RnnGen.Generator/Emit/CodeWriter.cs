using System;
using System.Text;

namespace RnnGen.Generator.Emit;

/// <summary>A small indented writer: <c>WriteLine</c>, and <c>Block()</c> / <c>Indent()</c> scopes. Always LF line endings.</summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder _builder = new();
    private int _depth;

    public CodeWriter WriteLine(string line = "")
    {
        if (line.Length > 0)
        {
            _builder.Append(' ', _depth * 4).Append(line);
        }

        _builder.Append('\n');
        return this;
    }

    /// <summary>Writes <c>{</c>, indents, and writes <c>}</c> (plus <paramref name="suffix"/>) when disposed.</summary>
    public Scope Block(string? header = null, string suffix = "")
    {
        if (header is not null)
        {
            WriteLine(header);
        }

        WriteLine("{");
        _depth++;
        return new Scope(this, "}" + suffix);
    }

    /// <summary>Indents until disposed, without braces.</summary>
    public Scope Indent()
    {
        _depth++;
        return new Scope(this, null);
    }

    /// <summary>
    /// Writes <c>head</c> followed by the terms joined with <c> + </c>. A long sum is wrapped every <paramref name="perLine"/>
    /// terms and each line is parenthesized: the lines are independent add chains the CPU overlaps, instead of one chain
    /// as long as the sum (floating-point addition is not reassociated by the JIT, so the grouping is ours to choose).
    /// </summary>
    public void WriteSum(string head, System.Collections.Generic.IReadOnlyList<string> terms, string tail, int perLine = 6)
    {
        if (terms.Count <= perLine)
        {
            WriteLine(head + (terms.Count == 0 ? "0f" : string.Join(" + ", terms)) + tail);
            return;
        }

        WriteLine(head + "(" + string.Join(" + ", Slice(terms, 0, perLine)) + ")");
        _depth++;
        for (int i = perLine; i < terms.Count; i += perLine)
        {
            bool last = i + perLine >= terms.Count;
            int count = Math.Min(perLine, terms.Count - i);
            string line = string.Join(" + ", Slice(terms, i, count));
            WriteLine("+ " + (count > 1 ? "(" + line + ")" : line) + (last ? tail : ""));
        }

        _depth--;
    }

    private static string[] Slice(System.Collections.Generic.IReadOnlyList<string> items, int start, int count)
    {
        var slice = new string[count];
        for (int i = 0; i < count; i++) slice[i] = items[start + i];
        return slice;
    }

    public override string ToString() => _builder.ToString();

    internal readonly struct Scope : IDisposable
    {
        private readonly CodeWriter _writer;
        private readonly string? _closing;

        public Scope(CodeWriter writer, string? closing)
        {
            _writer = writer;
            _closing = closing;
        }

        public void Dispose()
        {
            _writer._depth--;
            if (_closing is not null)
            {
                _writer.WriteLine(_closing);
            }
        }
    }
}
