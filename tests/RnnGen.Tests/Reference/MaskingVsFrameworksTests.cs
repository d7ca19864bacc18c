namespace RnnGen.Tests.Reference;

/// <summary>
/// Masked models against TensorFlow.js 4.22 (and Python Keras's <c>zero_output_for_mask</c> inside a Bidirectional that
/// returns sequences): Embedding <c>MaskZero</c> with pre- and post-padding, <c>[Masking]</c> with leading, middle and
/// trailing masked steps, ReturnSequences, GoBackwards, stacked and bidirectional layers. Every sample's output, input
/// gradient and parameter gradient per sample and in a batch, and masked steps contribute nothing.
/// </summary>
public class MaskingVsFrameworksTests
{
    private const double OutputTolerance = 1e-5;
    private const double GradientTolerance = 2e-5;

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (MaskCase c in Fixtures.MaskCases())
        {
            foreach (string mode in MaskedReferenceModels.Modes) data.Add(c.Name, mode);
        }

        return data;
    }

    private static (MaskCase Case, IBatchModel Model) Load(string name, string mode)
    {
        MaskCase c = Fixtures.MaskCases().Single(m => m.Name == name);
        IBatchModel model = MaskedReferenceModels.Create(name, mode);
        Assert.Equal(c.Parameters.Length, model.ParameterCount);
        Fixtures.ToSingle(c.Parameters).CopyTo(model.Parameters);
        return (c, model);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_sample_matches_the_framework(string name, string mode)
    {
        var (c, model) = Load(name, mode);
        AssertEachSample(c, model);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_batch_matches_the_framework(string name, string mode)
    {
        var (c, model) = Load(name, mode);
        AssertBatch(c, model);
    }

    /// <summary>Every sample alone: Predict, Forward and Backward against the case's outputs and per-sample gradients.</summary>
    internal static void AssertEachSample(MaskCase c, IBatchModel model)
    {
        var output = new float[model.OutputSize];
        var inputGradient = new float[model.InputSize];
        for (int s = 0; s < c.Inputs.Count; s++)
        {
            float[] input = Fixtures.ToSingle(c.Inputs[s]);
            model.Predict(input, output);
            GeneratedVsFrameworksTests.AssertClose(c.Outputs[s], output, OutputTolerance, $"sample {s}: output (Predict)");

            model.Gradients.Clear();
            model.Forward(input, output);
            model.Backward(Fixtures.ToSingle(c.OutputGradients[s]), inputGradient);
            GeneratedVsFrameworksTests.AssertClose(c.Outputs[s], output, OutputTolerance, $"sample {s}: output (Forward)");
            GeneratedVsFrameworksTests.AssertClose(c.ParameterGradients[s], model.Gradients.ToArray(), GradientTolerance, $"sample {s}: parameter gradient");
            if (c.InputGradients is not null) GeneratedVsFrameworksTests.AssertClose(c.InputGradients[s], inputGradient, GradientTolerance, $"sample {s}: input gradient");
        }
    }

    /// <summary>The whole batch: PredictBatch, ForwardBatch and BackwardBatch (the summed gradient), allocation-free.</summary>
    internal static void AssertBatch(MaskCase c, IBatchModel model)
    {
        int n = c.Inputs.Count;
        float[] inputs = c.Inputs.SelectMany(Fixtures.ToSingle).ToArray();
        float[] dOut = c.OutputGradients.SelectMany(Fixtures.ToSingle).ToArray();
        var outputs = new float[n * model.OutputSize];
        var predicted = new float[n * model.OutputSize];

        model.PredictBatch(inputs, predicted);
        model.ForwardBatch(inputs, outputs);
        model.BackwardBatch(dOut);

        double[] expected = c.Outputs.SelectMany(o => o).ToArray();
        GeneratedVsFrameworksTests.AssertClose(expected, predicted, OutputTolerance, "PredictBatch outputs");
        GeneratedVsFrameworksTests.AssertClose(expected, outputs, OutputTolerance, "ForwardBatch outputs");
        GeneratedVsFrameworksTests.AssertClose(c.ParameterGradientSum, model.Gradients.ToArray(), n * GradientTolerance, "parameter gradient summed over the batch");

        long before = GC.GetAllocatedBytesForCurrentThread();
        model.PredictBatch(inputs, predicted);
        model.ForwardBatch(inputs, outputs);
        model.BackwardBatch(dOut);
        model.Forward(inputs.AsSpan(0, model.InputSize), outputs.AsSpan(0, model.OutputSize));
        model.Backward(dOut.AsSpan(0, model.OutputSize));
        model.Predict(inputs.AsSpan(0, model.InputSize), outputs.AsSpan(0, model.OutputSize));
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Predict_from_a_zero_state_matches_Predict(string name, string mode)
    {
        var (c, model) = Load(name, mode);
        var (_, predict, stateSize) = StateReferenceModels.With(model);
        var output = new float[model.OutputSize];
        for (int s = 0; s < c.Inputs.Count; s++)
        {
            predict(Fixtures.ToSingle(c.Inputs[s]), output, new float[stateSize], new float[stateSize]);
            GeneratedVsFrameworksTests.AssertClose(c.Outputs[s], output, OutputTolerance, $"sample {s}: output from a zero state");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Step_over_a_sample_gives_its_outputs(string name, string mode)
    {
        var (c, model) = Load(name, mode);
        if (c.Layers.Any(l => l.GoBackwards || l.Bidirectional))
        {
            Assert.Throws<NotSupportedException>(() => model.Step(new float[model.Features == c.Features && c.Mask.Kind == MaskKind.MaskZero ? 1 : c.Features], new float[model.StepOutputSize]));
            return;
        }

        bool tokens = c.Mask.Kind == MaskKind.MaskZero;
        int perStep = tokens ? 1 : c.Features;
        bool sequences = model.OutputSize == c.Timesteps * model.StepOutputSize;
        var y = new float[model.StepOutputSize];
        for (int s = 0; s < c.Inputs.Count; s++)
        {
            float[] input = Fixtures.ToSingle(c.Inputs[s]);
            model.ResetState();
            for (int t = 0; t < c.Timesteps; t++)
            {
                model.Step(input.AsSpan(t * perStep, perStep), y);
                if (sequences) GeneratedVsFrameworksTests.AssertClose(c.Outputs[s].AsSpan(t * y.Length, y.Length).ToArray(), y, OutputTolerance, $"sample {s}, step {t}");
            }

            if (!sequences) GeneratedVsFrameworksTests.AssertClose(c.Outputs[s], y, OutputTolerance, $"sample {s}: the last step");
        }
    }
}
