namespace RnnGen.Tests.Reference;

/// <summary>
/// Dropout in the generated models against tests/reference/fixtures/dropout.json: PyTorch float64 autograd on Python
/// Keras 3's training-mode formulas (one input mask for every gate with dropout alone; a mask per gate, for the input
/// and the state, with recurrent dropout; a reset-before GRU's <c>r (h m_h)</c>, the undropped h in its update) and
/// TensorFlow.js 4.22 where its cells mean the same (SimpleRNN, and LSTM and GRU with dropout alone), with the masks
/// <c>CompilerServices.Dropout</c> draws for the case's seed and sequence. Training outputs, parameter and input
/// gradients, and inference outputs (no dropout), per sample and in a batch.
/// </summary>
public class DropoutVsFrameworksTests
{
    private const double OutputTolerance = 1e-5;
    private const double GradientTolerance = 2e-5;

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (DropoutCase c in Fixtures.DropoutCases())
        {
            foreach (string mode in DropoutReferenceModels.Modes) data.Add(c.Name, mode);
        }

        return data;
    }

    private static (DropoutCase Case, IBatchModel Model) Load(string name, string mode)
    {
        DropoutCase c = Fixtures.DropoutCases().Single(m => m.Name == name);
        IBatchModel model = DropoutReferenceModels.Create(name, mode);
        Assert.Equal(c.Parameters.Length, model.ParameterCount);
        Fixtures.ToSingle(c.Parameters).CopyTo(model.Parameters);
        return (c, model);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_batch_matches_the_framework(string name, string mode)
    {
        var (c, model) = Load(name, mode);
        int n = c.Inputs.Count;
        float[] inputs = Fixtures.Flatten(c.Inputs), outputs = new float[n * model.OutputSize];
        ((IDropoutModel)model).SeedDropout((ulong)c.Seed, c.Sequence);
        model.ForwardBatch(inputs, outputs);
        for (int s = 0; s < n; s++)
        {
            GeneratedVsFrameworksTests.AssertClose(c.Outputs[s], outputs.AsSpan(s * model.OutputSize, model.OutputSize).ToArray(), OutputTolerance, $"sample {s}: training output (ForwardBatch)");
        }

        model.Gradients.Clear();
        model.BackwardBatch(Fixtures.Flatten(c.OutputGradients));
        GeneratedVsFrameworksTests.AssertClose(c.ParameterGradientSum, model.Gradients.ToArray(), GradientTolerance, "parameter gradient (BackwardBatch)");

        model.PredictBatch(inputs, outputs);
        for (int s = 0; s < n; s++)
        {
            GeneratedVsFrameworksTests.AssertClose(c.InferenceOutputs[s], outputs.AsSpan(s * model.OutputSize, model.OutputSize).ToArray(), OutputTolerance, $"sample {s}: inference output (PredictBatch)");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_sample_matches_the_framework(string name, string mode)
    {
        var (c, model) = Load(name, mode);
        var output = new float[model.OutputSize];
        var inputGradient = new float[model.InputSize];
        model.Gradients.Clear();
        for (int s = 0; s < c.Inputs.Count; s++)
        {
            float[] input = Fixtures.ToSingle(c.Inputs[s]);
            model.Predict(input, output);
            GeneratedVsFrameworksTests.AssertClose(c.InferenceOutputs[s], output, OutputTolerance, $"sample {s}: inference output (Predict)");

            // sample s of the batch drew sequence + s
            ((IDropoutModel)model).SeedDropout((ulong)c.Seed, c.Sequence + s);
            model.Forward(input, output);
            GeneratedVsFrameworksTests.AssertClose(c.Outputs[s], output, OutputTolerance, $"sample {s}: training output (Forward)");
            model.Backward(Fixtures.ToSingle(c.OutputGradients[s]), inputGradient);
            if (c.InputGradients is { } expected) GeneratedVsFrameworksTests.AssertClose(expected[s], inputGradient, GradientTolerance, $"sample {s}: input gradient");
        }

        GeneratedVsFrameworksTests.AssertClose(c.ParameterGradientSum, model.Gradients.ToArray(), GradientTolerance, "parameter gradient (the samples' Backward summed)");
    }
}
