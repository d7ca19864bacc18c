using System.Text;

namespace RnnGen.Samples.CharRnn;

/// <summary>
/// The fixed character set of <see cref="CharModel"/>. Its size is a compile-time constant because the model's
/// embedding and softmax widths are: text is lower-cased, every character outside the alphabet becomes a space,
/// and runs of spaces collapse to one.
/// </summary>
public static class CharVocabulary
{
    /// <summary>Space (id 0), a–z (ids 1–26) and nine punctuation marks.</summary>
    public const string Alphabet = " abcdefghijklmnopqrstuvwxyz.,;:'\"()-";

    /// <summary>The number of characters, <c>Alphabet.Length</c> (checked by <see cref="Id"/>'s table).</summary>
    public const int Size = 36;

    private static readonly sbyte[] Ids = BuildIds();

    /// <summary>The id of <paramref name="c"/> after lower-casing, or -1 if it is outside the alphabet.</summary>
    public static int Id(char c)
    {
        c = char.ToLowerInvariant(c);
        return c < Ids.Length ? Ids[c] : -1;
    }

    /// <summary>The character with id <paramref name="id"/>.</summary>
    public static char Char(int id) => Alphabet[id];

    /// <summary>
    /// Lower-cases <paramref name="text"/>, maps characters outside the alphabet to spaces, collapses runs of spaces
    /// and trims, so every character of the result has an id.
    /// </summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new StringBuilder(text.Length);
        foreach (char raw in text)
        {
            int id = Id(raw);
            char c = id < 0 ? ' ' : Alphabet[id];
            if (c == ' ' && (result.Length == 0 || result[^1] == ' '))
            {
                continue;
            }

            result.Append(c);
        }

        return result.ToString().TrimEnd();
    }

    /// <summary>The ids of a normalized text, as floats (the form <see cref="Dataset"/> stores token ids in).</summary>
    public static float[] Encode(string normalized)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        var ids = new float[normalized.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            int id = Id(normalized[i]);
            if (id < 0)
            {
                throw new ArgumentException($"Character {i} ('{normalized[i]}') is not in the alphabet; normalize the text first.", nameof(normalized));
            }

            ids[i] = id;
        }

        return ids;
    }

    private static sbyte[] BuildIds()
    {
        if (Alphabet.Length != Size)
        {
            throw new InvalidOperationException($"The alphabet has {Alphabet.Length} characters, but Size is {Size}.");
        }

        var ids = new sbyte[128];
        Array.Fill(ids, (sbyte)-1);
        for (int i = 0; i < Alphabet.Length; i++)
        {
            ids[Alphabet[i]] = (sbyte)i;
        }

        return ids;
    }
}
