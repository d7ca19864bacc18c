namespace RnnGen.Samples.Seq2Seq;

/// <summary>The vocabulary and shapes <c>train_pytorch.py</c> trained with: 13 tokens, sources of 5-8 digits.</summary>
public static class Tokens
{
    /// <summary>Left padding of a source shorter than <see cref="SourceLength"/>; ignored by PyTorch's loss after a target.</summary>
    public const int Pad = 0;

    /// <summary><c>&lt;s&gt;</c>: the decoder's first input.</summary>
    public const int Start = 1;

    /// <summary><c>&lt;/s&gt;</c>: the decoder's last output.</summary>
    public const int End = 2;

    /// <summary>The token of digit 0; digit <c>d</c> is <c>Digit0 + d</c>.</summary>
    public const int Digit0 = 3;

    /// <summary>Pad, start, end and ten digits.</summary>
    public const int Vocabulary = 13;

    /// <summary>Shortest source the model was trained on.</summary>
    public const int MinLength = 5;

    /// <summary>Longest source, and the encoder's timesteps.</summary>
    public const int SourceLength = 8;

    /// <summary>Most tokens a decode produces: the digits and <c>&lt;/s&gt;</c>.</summary>
    public const int DecodeSteps = SourceLength + 1;

    /// <summary>Embedding width of the encoder and the decoder.</summary>
    public const int EmbeddingWidth = 16;

    /// <summary>LSTM units of the encoder and the decoder.</summary>
    public const int Units = 64;

    /// <summary>Writes the source as token ids (floats, as the Embedding models read them), left-padded to <see cref="SourceLength"/>.</summary>
    public static void EncodeSource(ReadOnlySpan<int> digits, Span<float> ids)
    {
        if (digits.Length is 0 or > SourceLength)
        {
            throw new ArgumentException($"a source has 1 to {SourceLength} digits, not {digits.Length}.", nameof(digits));
        }

        int pad = SourceLength - digits.Length;
        ids[..pad].Fill(Pad);
        for (int i = 0; i < digits.Length; i++)
        {
            if ((uint)digits[i] > 9)
            {
                throw new ArgumentException($"digit {i} is {digits[i]}, not 0-9.", nameof(digits));
            }

            ids[pad + i] = Digit0 + digits[i];
        }
    }

    /// <summary>The digits of a string such as <c>"31415"</c>, or null if it is not 1 to <see cref="SourceLength"/> digits.</summary>
    public static int[]? ParseDigits(string text) =>
        text.Length is >= 1 and <= SourceLength && text.All(char.IsAsciiDigit) ? [.. text.Select(c => c - '0')] : null;

    /// <summary><c>[3, 1, 4]</c> → <c>"314"</c>.</summary>
    public static string Text(ReadOnlySpan<int> digits)
    {
        var chars = new char[digits.Length];
        for (int i = 0; i < digits.Length; i++)
        {
            chars[i] = (char)('0' + digits[i]);
        }

        return new string(chars);
    }
}
