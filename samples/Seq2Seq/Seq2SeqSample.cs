using System.Diagnostics;

namespace RnnGen.Samples.Seq2Seq;

/// <summary>
/// A sequence-to-sequence model trained in PyTorch (<c>train_pytorch.py</c>: reverse 5-8 digits) and run with two
/// generated models: the encoder's final state, from <c>Predict(input, output, initialState, finalState)</c>, is
/// written into the decoder with <c>WriteState</c>, and the decoder is stepped greedily with <c>Step(token, y)</c>.
/// Compares the decodes with the reversal and with PyTorch's own greedy decodes of the same 1,000 held-out sources.
/// </summary>
public static class Seq2SeqSample
{
    /// <summary>
    /// Imports <c>encoder.pt</c> and <c>decoder.pt</c>, prints a few decodes, the held-out accuracy, the agreement with
    /// PyTorch, the numerical differences, the teacher-forced token accuracy, and decodes <see cref="Seq2SeqOptions.Inputs"/>;
    /// then saves both models with <c>SaveWeights</c>, reads them back with <c>LoadWeights</c> and decodes again.
    /// </summary>
    public static Seq2SeqResult Run(TextWriter output, Seq2SeqOptions options)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);

        string weights = options.WeightsDirectory ?? Path.Combine(AppContext.BaseDirectory, "weights");
        HeldOutSet heldOut = HeldOutSet.Load(Path.Combine(weights, "heldout.json"));
        DigitReverser reverser = DigitReverser.FromPyTorch(weights);
        output.WriteLine($"reverse 5-8 digits: PyTorch {heldOut.TorchVersion} encoder-decoder (LSTM {Tokens.Units}), imported from encoder.pt and decoder.pt");
        output.WriteLine($"  {nameof(DigitEncoder)}: Embedding({Tokens.Vocabulary}, {Tokens.EmbeddingWidth}) -> Lstm({Tokens.Units}), {DigitEncoder.Timesteps} timesteps, {DigitEncoder.ParameterCount} parameters, StateSize {DigitEncoder.StateSize} (h, c)");
        output.WriteLine($"  {nameof(DigitDecoder)}: Embedding({Tokens.Vocabulary}, {Tokens.EmbeddingWidth}) -> Lstm({Tokens.Units}) -> Dense({Tokens.Vocabulary}, softmax), 1 timestep, stepped; {DigitDecoder.ParameterCount} parameters");
        output.WriteLine();

        // every held-out source, greedy-decoded
        var decodes = new int[heldOut.Pairs.Count][];
        Span<int> buffer = stackalloc int[Tokens.DecodeSteps];
        int correct = 0, agree = 0;
        for (int i = 0; i < decodes.Length; i++)
        {
            decodes[i] = buffer[..reverser.Decode(heldOut.Pairs[i].Source, buffer)].ToArray();
        }

        var clock = Stopwatch.StartNew(); // a second pass, timed: the first one also JIT-compiled the code
        foreach (HeldOutPair pair in heldOut.Pairs)
        {
            reverser.Decode(pair.Source, buffer);
        }

        double microseconds = clock.Elapsed.TotalMicroseconds / decodes.Length;
        var mistakes = new List<int>();
        for (int i = 0; i < decodes.Length; i++)
        {
            HeldOutPair pair = heldOut.Pairs[i];
            bool right = decodes[i].AsSpan().SequenceEqual(pair.Reversed);
            correct += right ? 1 : 0;
            agree += decodes[i].AsSpan().SequenceEqual(pair.PyTorch) ? 1 : 0;
            if (!right) mistakes.Add(i);
        }

        var examples = new List<(string Source, string Decoded, string? PyTorch)>();
        var random = new Random(options.Seed);
        IEnumerable<int> shown = Enumerable.Range(0, decodes.Length).OrderBy(_ => random.Next()).Take(options.Examples).Concat(mistakes.Take(5)).Distinct();
        output.WriteLine($"{"source",-10} {"RnnGen",-10} {"PyTorch",-10}");
        foreach (int i in shown)
        {
            HeldOutPair pair = heldOut.Pairs[i];
            (string source, string decoded, string pytorch) = (Tokens.Text(pair.Source), Tokens.Text(decodes[i]), Tokens.Text(pair.PyTorch));
            examples.Add((source, decoded, pytorch));
            output.WriteLine($"{source,-10} {decoded,-10} {pytorch,-10} {(mistakes.Contains(i) ? "wrong: " + Tokens.Text(pair.Reversed) : "")}");
        }

        output.WriteLine();
        output.WriteLine(FormattableString.Invariant($"held-out sequence accuracy: {(double)correct / decodes.Length:0.000} ({correct}/{decodes.Length}); PyTorch's: {heldOut.PyTorchAccuracy:0.000}"));
        output.WriteLine(FormattableString.Invariant($"agreement with PyTorch's greedy decodes: {(double)agree / decodes.Length:0.000} ({agree}/{decodes.Length})"));
        output.WriteLine(FormattableString.Invariant($"greedy decode: {microseconds:0.0} µs per sequence (encoder Predict, WriteState, up to {Tokens.DecodeSteps} Steps)"));

        // the numbers behind the decodes: encoder state and teacher-forced softmax against PyTorch's
        float stateError = 0, forcedError = 0;
        var probabilities = new float[DigitDecoderSequence.OutputSize];
        foreach (HeldOutPair pair in heldOut.Pairs.Where(p => p.EncoderState is not null && p.TeacherForced is not null))
        {
            reverser.TeacherForce(pair.Source, probabilities);
            stateError = Math.Max(stateError, MaxDifference(reverser.EncoderState, pair.EncoderState));
            forcedError = Math.Max(forcedError, MaxDifference(probabilities, pair.TeacherForced));
        }

        int tokens = 0, rightTokens = 0;
        foreach (HeldOutPair pair in heldOut.Pairs)
        {
            rightTokens += reverser.TeacherForce(pair.Source, probabilities);
            tokens += pair.Source.Length + 1;
        }

        double tokenAccuracy = (double)rightTokens / tokens;
        output.WriteLine(FormattableString.Invariant($"largest difference from PyTorch: encoder (h, c) {stateError:0.0e+0}, teacher-forced softmax {forcedError:0.0e+0}"));
        output.WriteLine(FormattableString.Invariant($"teacher-forced token accuracy ({nameof(DigitDecoderSequence)}.Predict from the encoder's state, {Tokens.DecodeSteps} steps in one call): {tokenAccuracy:0.0000} ({rightTokens}/{tokens})"));

        if (options.Inputs is { Count: > 0 } inputs)
        {
            output.WriteLine();
            foreach (string text in inputs)
            {
                int[] digits = Tokens.ParseDigits(text) ?? throw new ArgumentException($"'{text}' is not 1 to {Tokens.SourceLength} digits.", nameof(options));
                string decoded = Tokens.Text(buffer[..reverser.Decode(digits, buffer)]);
                examples.Add((text, decoded, null));
                string note = digits.Length < Tokens.MinLength ? $" (trained on {Tokens.MinLength}-{Tokens.SourceLength} digits)" : "";
                output.WriteLine($"{text} -> {decoded}{(decoded == new string(text.Reverse().ToArray()) ? "" : "  (not the reversal)")}{note}");
            }
        }

        // the same models through RnnGen's own weight files (safetensors, Keras names)
        Directory.CreateDirectory(options.OutputDirectory);
        string encoderPath = Path.Combine(options.OutputDirectory, "encoder.safetensors");
        string decoderPath = Path.Combine(options.OutputDirectory, "decoder.safetensors");
        reverser.Encoder.SaveWeights(encoderPath);
        reverser.Decoder.SaveWeights(decoderPath);
        var encoder = new DigitEncoder();
        var decoder = new DigitDecoder();
        var sequenceDecoder = new DigitDecoderSequence();
        encoder.LoadWeights(encoderPath);
        decoder.LoadWeights(decoderPath);
        sequenceDecoder.LoadWeights(decoderPath);
        var reloaded = new DigitReverser(encoder, decoder, sequenceDecoder);
        int reloadedAgree = 0;
        for (int i = 0; i < decodes.Length; i++)
        {
            reloadedAgree += buffer[..reloaded.Decode(heldOut.Pairs[i].Source, buffer)].SequenceEqual(decodes[i]) ? 1 : 0;
        }

        output.WriteLine();
        output.WriteLine($"saved {encoderPath} and {decoderPath}; read back with LoadWeights, {reloadedAgree}/{decodes.Length} decodes are the same");

        return new Seq2SeqResult(decodes.Length, correct, agree, heldOut.PyTorchAccuracy, tokenAccuracy, stateError, forcedError, microseconds, reloadedAgree, examples);
    }

    private static float MaxDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new InvalidDataException($"PyTorch's values have {b.Length} floats, RnnGen's {a.Length}.");
        }

        float max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs(a[i] - b[i]));
        }

        return max;
    }
}
