namespace RnnGen;

/// <summary>
/// Turns texts into sequences of word indices, as Keras's <c>keras.preprocessing.text.Tokenizer</c>
/// (<c>keras_preprocessing/text.py</c>) with its default <c>filters</c>, <c>lower=True</c>, <c>split=" "</c> and
/// <c>char_level=False</c>.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>A text becomes words by lower-casing it, replacing every character of <see cref="DefaultFilters"/> with a
/// space, splitting on the space character and dropping empty pieces (Keras <c>text_to_word_sequence</c>). Other
/// whitespace, such as <c>\r</c>, stays inside words, as in Keras.</item>
/// <item><see cref="FitOnTexts"/> counts every word; <see cref="WordIndex"/> ranks them by count, most frequent first,
/// ties in order of first appearance. Index 0 is never assigned (it is padding); with an
/// <see cref="OovToken"/> that token takes index 1 and the words start at 2.</item>
/// <item><see cref="TextsToSequences"/> keeps a word whose index is below <see cref="NumWords"/> (when it is
/// positive), so <c>NumWords - 1</c> indices are in use; a word that is unknown or ranked too low becomes the
/// <see cref="OovToken"/>'s index, or is dropped when there is none.</item>
/// </list>
/// Lower-casing uses <see cref="string.ToLowerInvariant()"/>, which agrees with Python's <c>str.lower</c> except for
/// a few characters whose lower case is longer than one character (such as U+0130).
/// </remarks>
public sealed class Tokenizer
{
    /// <summary>Keras's default <c>filters</c>: ASCII punctuation except the apostrophe, plus tab and newline.</summary>
    public const string DefaultFilters = "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n";

    private static readonly bool[] Filtered = BuildFilter();

    // Keras word_counts: an OrderedDict, so the insertion order breaks ties in the stable sort
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly List<string> _firstSeen = [];
    private Dictionary<string, int> _wordIndex = new(StringComparer.Ordinal);

    /// <summary>Creates an empty tokenizer.</summary>
    /// <param name="numWords">Keep words with index below this; 0 or less keeps every word (Keras <c>num_words=None</c>).</param>
    /// <param name="oovToken">Token that replaces out-of-vocabulary words, at index 1; <c>null</c> drops them.</param>
    public Tokenizer(int numWords = 0, string? oovToken = null)
    {
        NumWords = numWords;
        OovToken = oovToken;
    }

    /// <summary>Indices at or above this are out of vocabulary in <see cref="TextsToSequences"/>; 0 or less: no limit.</summary>
    public int NumWords { get; }

    /// <summary>The out-of-vocabulary token, or <c>null</c>.</summary>
    public string? OovToken { get; }

    /// <summary>Texts seen by <see cref="FitOnTexts"/> (Keras <c>document_count</c>).</summary>
    public int DocumentCount { get; private set; }

    /// <summary>Every word seen (and the <see cref="OovToken"/>) mapped to its 1-based rank (Keras <c>word_index</c>).</summary>
    public IReadOnlyDictionary<string, int> WordIndex => _wordIndex;

    /// <summary>How often each word occurred in the texts given to <see cref="FitOnTexts"/> (Keras <c>word_counts</c>).</summary>
    public IReadOnlyDictionary<string, int> WordCounts => _counts;

    /// <summary>
    /// Splits a text into words as Keras's <c>text_to_word_sequence</c> does with the default arguments.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <returns>The words, lower-cased, without filtered characters.</returns>
    public static string[] TextToWordSequence(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string lower = text.ToLowerInvariant();
        return string.Create(lower.Length, lower, static (chars, source) =>
        {
            for (int i = 0; i < chars.Length; i++)
            {
                char c = source[i];
                chars[i] = c < Filtered.Length && Filtered[c] ? ' ' : c;
            }
        }).Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Counts the words of <paramref name="texts"/> and rebuilds <see cref="WordIndex"/> (Keras <c>fit_on_texts</c>).</summary>
    /// <param name="texts">The texts; may be called again to add more.</param>
    public void FitOnTexts(IEnumerable<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        int position = 0;
        foreach (string text in texts)
        {
            if (text is null)
            {
                throw new ArgumentException($"Text {position} is null; expected a string.", nameof(texts));
            }

            DocumentCount++;
            position++;
            foreach (string word in TextToWordSequence(text))
            {
                if (_counts.TryGetValue(word, out int count))
                {
                    _counts[word] = count + 1;
                }
                else
                {
                    _counts.Add(word, 1);
                    _firstSeen.Add(word);
                }
            }
        }

        // stable sort by count, descending (List.Sort is not stable: break ties by first appearance)
        var order = new int[_firstSeen.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) =>
        {
            int byCount = _counts[_firstSeen[b]].CompareTo(_counts[_firstSeen[a]]);
            return byCount != 0 ? byCount : a.CompareTo(b);
        });

        // Keras: dict(zip([oov] + sorted_words, range(1, ...))); a later duplicate key overwrites an earlier one
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        int next = 1;
        if (OovToken is not null)
        {
            index[OovToken] = next++;
        }

        foreach (int i in order)
        {
            index[_firstSeen[i]] = next++;
        }

        _wordIndex = index;
    }

    /// <summary>Converts each text into word indices (Keras <c>texts_to_sequences</c>).</summary>
    /// <param name="texts">The texts.</param>
    /// <returns>One array of indices per text; 0 never occurs.</returns>
    public int[][] TextsToSequences(IEnumerable<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        int? oovIndex = OovToken is not null && _wordIndex.TryGetValue(OovToken, out int o) ? o : null;
        var result = new List<int[]>();
        var sequence = new List<int>();
        foreach (string text in texts)
        {
            if (text is null)
            {
                throw new ArgumentException($"Text {result.Count} is null; expected a string.", nameof(texts));
            }

            sequence.Clear();
            foreach (string word in TextToWordSequence(text))
            {
                if (_wordIndex.TryGetValue(word, out int i))
                {
                    if (NumWords > 0 && i >= NumWords)
                    {
                        if (oovIndex is { } oov)
                        {
                            sequence.Add(oov);
                        }
                    }
                    else
                    {
                        sequence.Add(i);
                    }
                }
                else if (OovToken is not null && oovIndex is { } oov)
                {
                    sequence.Add(oov);
                }
            }

            result.Add([.. sequence]);
        }

        return [.. result];
    }

    private static bool[] BuildFilter()
    {
        var filtered = new bool[128];
        foreach (char c in DefaultFilters)
        {
            filtered[c] = true;
        }

        return filtered;
    }
}
