namespace RnnGen.Samples.Seq2Seq;

/// <summary>
/// Greedy encoder-decoder inference with two generated models: <see cref="DigitEncoder"/> turns the source into a
/// state, <see cref="DigitDecoder"/> starts from it and feeds its own argmax back one <c>Step</c> at a time. Every
/// buffer is allocated here, so <see cref="Decode"/> allocates nothing. Not thread-safe (the decoder's streaming
/// state and the buffers are per instance).
/// </summary>
public sealed class DigitReverser
{
    private readonly float[] _source = new float[DigitEncoder.InputSize];
    private readonly float[] _encoderOutput = new float[DigitEncoder.OutputSize];
    private readonly float[] _zeroState = new float[DigitEncoder.StateSize];
    private readonly float[] _state = new float[DigitEncoder.StateSize];
    private readonly float[] _probabilities = new float[DigitDecoder.StepOutputSize];
    private readonly float[] _targetInput = new float[DigitDecoderSequence.InputSize];
    private readonly float[] _finalState = new float[DigitDecoderSequence.StateSize];

    /// <summary>Uses the given models (their weights as they are).</summary>
    public DigitReverser(DigitEncoder encoder, DigitDecoder decoder, DigitDecoderSequence sequenceDecoder)
    {
        Encoder = encoder ?? throw new ArgumentNullException(nameof(encoder));
        Decoder = decoder ?? throw new ArgumentNullException(nameof(decoder));
        SequenceDecoder = sequenceDecoder ?? throw new ArgumentNullException(nameof(sequenceDecoder));
    }

    /// <summary>The encoder.</summary>
    public DigitEncoder Encoder { get; }

    /// <summary>The one-timestep decoder that <see cref="Decode"/> steps.</summary>
    public DigitDecoder Decoder { get; }

    /// <summary>The whole-sequence decoder that <see cref="TeacherForce"/> runs (the same weights as <see cref="Decoder"/>).</summary>
    public DigitDecoderSequence SequenceDecoder { get; }

    /// <summary>The encoder's final state after the last <see cref="Encode"/>: h (64 floats), then c (64).</summary>
    public ReadOnlySpan<float> EncoderState => _state;

    /// <summary>
    /// Loads PyTorch's <c>encoder.pt</c> and <c>decoder.pt</c> (<c>torch.save(state_dict)</c>) from
    /// <paramref name="directory"/> with <c>ImportWeights</c>: <c>embedding</c> → Embedding, <c>lstm</c> → Lstm
    /// (gates i, f, g, o as Keras's i, f, c, o; the two biases summed), <c>fc</c> → Dense (weight transposed).
    /// <c>decoder.pt</c> goes into both decoders.
    /// </summary>
    public static DigitReverser FromPyTorch(string directory)
    {
        var encoder = new DigitEncoder();
        var decoder = new DigitDecoder();
        var sequenceDecoder = new DigitDecoderSequence();
        encoder.ImportWeights(Path.Combine(directory, "encoder.pt"));
        decoder.ImportWeights(Path.Combine(directory, "decoder.pt"));
        sequenceDecoder.ImportWeights(Path.Combine(directory, "decoder.pt"));
        return new DigitReverser(encoder, decoder, sequenceDecoder);
    }

    /// <summary>
    /// Runs the encoder over the (left-padded) source from a zero state; its final state lands in
    /// <see cref="EncoderState"/>: <c>Predict(input, output, initialState, finalState)</c>.
    /// </summary>
    public void Encode(ReadOnlySpan<int> digits)
    {
        Tokens.EncodeSource(digits, _source);
        Encoder.Predict(_source, _encoderOutput, _zeroState, _state);
    }

    /// <summary>
    /// Greedy decode: the encoder's state goes into the decoder (<c>WriteState</c>), then from <c>&lt;s&gt;</c> each
    /// <c>Step(token, probabilities)</c>'s argmax is the next output and the next input, until a token that is not a
    /// digit (<c>&lt;/s&gt;</c>) or <see cref="Tokens.DecodeSteps"/> tokens. Allocation-free.
    /// </summary>
    /// <param name="digits">The source: 1 to 8 digits (trained on 5 to 8).</param>
    /// <param name="output">Receives the decoded digits; at least <see cref="Tokens.DecodeSteps"/> long.</param>
    /// <returns>How many digits were written to <paramref name="output"/>.</returns>
    public int Decode(ReadOnlySpan<int> digits, Span<int> output)
    {
        Encode(digits);
        Decoder.WriteState(_state);
        int token = Tokens.Start, count = 0;
        for (int step = 0; step < Tokens.DecodeSteps; step++)
        {
            Decoder.Step(token, _probabilities);
            token = ArgMax(_probabilities);
            if (token < Tokens.Digit0)
            {
                break; // </s> (or, never seen after training, <pad> / <s>) ends the output, as in train_pytorch.py
            }

            output[count++] = token - Tokens.Digit0;
        }

        return count;
    }

    /// <summary>
    /// Teacher forcing in one call: the source is encoded, and the whole-sequence decoder reads <c>&lt;s&gt;</c> and the
    /// correct reversed digits (padded with <see cref="Tokens.Pad"/>) starting from the encoder's state,
    /// <c>SequenceDecoder.Predict(input, probabilities, EncoderState, finalState)</c>: row <c>t</c> of
    /// <paramref name="probabilities"/> is the softmax over the token after the first <c>t</c> correct ones.
    /// </summary>
    /// <returns>How many of the target tokens (the reversed digits, then <c>&lt;/s&gt;</c>) are each row's argmax.</returns>
    public int TeacherForce(ReadOnlySpan<int> digits, Span<float> probabilities)
    {
        Encode(digits);
        _targetInput.AsSpan().Fill(Tokens.Pad);
        _targetInput[0] = Tokens.Start;
        for (int i = 0; i < digits.Length; i++)
        {
            _targetInput[1 + i] = Tokens.Digit0 + digits[digits.Length - 1 - i];
        }

        SequenceDecoder.Predict(_targetInput, probabilities, _state, _finalState);
        int right = 0;
        for (int t = 0; t <= digits.Length; t++)
        {
            int target = t < digits.Length ? Tokens.Digit0 + digits[digits.Length - 1 - t] : Tokens.End;
            right += ArgMax(probabilities.Slice(t * Tokens.Vocabulary, Tokens.Vocabulary)) == target ? 1 : 0;
        }

        return right;
    }

    /// <summary>The index of the largest value, the first one on a tie (as <c>torch.argmax</c>).</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
