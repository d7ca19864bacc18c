using RnnGen.Samples.Seq2Seq;
using Xunit.Abstractions;

namespace RnnGen.Tests.Samples;

public sealed class Seq2SeqSampleTests(ITestOutputHelper log)
{
    // weights/ (encoder.pt, decoder.pt, heldout.json) is copied next to the test assembly by the sample's project
    private static readonly string Weights = Path.Combine(AppContext.BaseDirectory, "weights");

    private static readonly HeldOutSet HeldOut = HeldOutSet.Load(Path.Combine(Weights, "heldout.json"));

    [Fact]
    public void Greedy_decoding_reproduces_pytorch_on_every_held_out_pair()
    {
        DigitReverser reverser = DigitReverser.FromPyTorch(Weights);
        Span<int> buffer = stackalloc int[Tokens.DecodeSteps];
        var differ = new List<string>();
        foreach (HeldOutPair pair in HeldOut.Pairs)
        {
            int[] decoded = buffer[..reverser.Decode(pair.Source, buffer)].ToArray();
            if (!decoded.AsSpan().SequenceEqual(pair.PyTorch))
            {
                differ.Add($"{Tokens.Text(pair.Source)}: RnnGen {Tokens.Text(decoded)}, PyTorch {Tokens.Text(pair.PyTorch)}");
            }
        }

        Assert.Equal(1000, HeldOut.Pairs.Count);
        Assert.True(differ.Count == 0, $"{differ.Count} of {HeldOut.Pairs.Count} decodes differ from PyTorch's:\n{string.Join("\n", differ.Take(20))}");
    }

    [Fact]
    public void Encoder_state_and_teacher_forced_softmax_match_pytorch()
    {
        DigitReverser reverser = DigitReverser.FromPyTorch(Weights);
        var probabilities = new float[DigitDecoderSequence.OutputSize];
        HeldOutPair[] detailed = [.. HeldOut.Pairs.Where(p => p.EncoderState is not null)];
        Assert.NotEmpty(detailed);
        foreach (HeldOutPair pair in detailed)
        {
            reverser.TeacherForce(pair.Source, probabilities);
            Assert.Equal(DigitEncoder.StateSize, pair.EncoderState!.Length);
            for (int i = 0; i < DigitEncoder.StateSize; i++)
            {
                Assert.True(Math.Abs(reverser.EncoderState[i] - pair.EncoderState[i]) < 1e-5f, $"{Tokens.Text(pair.Source)}: state[{i}] {reverser.EncoderState[i]} vs PyTorch {pair.EncoderState[i]}");
            }

            Assert.Equal(probabilities.Length, pair.TeacherForced!.Length);
            for (int i = 0; i < probabilities.Length; i++)
            {
                Assert.True(Math.Abs(probabilities[i] - pair.TeacherForced[i]) < 1e-5f, $"{Tokens.Text(pair.Source)}: softmax[{i}] {probabilities[i]} vs PyTorch {pair.TeacherForced[i]}");
            }
        }
    }

    [Fact]
    public void Stepping_the_decoder_gives_the_teacher_forced_predict_row_by_row()
    {
        // the one-timestep decoder's Step from WriteState(encoder state), fed the same tokens, is the whole-sequence
        // decoder's Predict(input, output, initialState, finalState)
        DigitReverser reverser = DigitReverser.FromPyTorch(Weights);
        HeldOutPair pair = HeldOut.Pairs[0];
        var forced = new float[DigitDecoderSequence.OutputSize];
        reverser.TeacherForce(pair.Source, forced);

        var y = new float[DigitDecoder.StepOutputSize];
        reverser.Decoder.WriteState(reverser.EncoderState);
        int[] inputs = [Tokens.Start, .. pair.Reversed.Select(d => Tokens.Digit0 + d)];
        for (int t = 0; t < inputs.Length; t++)
        {
            reverser.Decoder.Step(inputs[t], y);
            for (int k = 0; k < y.Length; k++)
            {
                Assert.Equal(forced[t * Tokens.Vocabulary + k], y[k], 1e-6f);
            }
        }
    }

    [Fact]
    public void Greedy_decode_loop_does_not_allocate()
    {
        DigitReverser reverser = DigitReverser.FromPyTorch(Weights);
        int[][] sources = [.. HeldOut.Pairs.Select(p => p.Source)];
        Span<int> buffer = stackalloc int[Tokens.DecodeSteps];
        int total = reverser.Decode(sources[0], buffer); // warm-up: JIT and any first-use buffers

        long before = GC.GetAllocatedBytesForCurrentThread();
        foreach (int[] source in sources)
        {
            total += reverser.Decode(source, buffer);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(total > 0);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Seq2seq_sample_agrees_with_pytorch_and_round_trips_its_weights()
    {
        using var directory = new SampleOutputDirectory("seq2seq");
        var output = new StringWriter();

        Seq2SeqResult result = Seq2SeqSample.Run(output, new Seq2SeqOptions(Examples: 3, Inputs: ["31415926", "2718"], OutputDirectory: directory.Path));
        log.WriteLine(output.ToString());

        Assert.Equal(1000, result.HeldOut);
        Assert.Equal(result.HeldOut, result.AgreeWithPyTorch);
        Assert.Equal(result.HeldOut, result.ReloadedAgree);
        Assert.Equal(HeldOut.PyTorchAccuracy, result.Accuracy, 1e-9);
        Assert.True(result.Accuracy >= 0.95, $"held-out accuracy {result.Accuracy:0.000}");
        Assert.True(result.TeacherForcedTokenAccuracy >= 0.99, $"teacher-forced token accuracy {result.TeacherForcedTokenAccuracy:0.0000}");
        Assert.InRange(result.MaxStateError, 0f, 1e-5f);
        Assert.InRange(result.MaxTeacherForcedError, 0f, 1e-5f);
        Assert.Contains(result.Examples, e => e.Source == "31415926" && e.Decoded == "62951413");
        Assert.True(File.Exists(directory.File("encoder.safetensors")));
        Assert.True(File.Exists(directory.File("decoder.safetensors")));
    }
}
