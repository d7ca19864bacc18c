namespace RnnGen.Tests.Reference;

/// <summary>
/// Generated bidirectional layers against TensorFlow.js 4.22 (every merge mode, each recurrent kind, hardSigmoid gates,
/// stacked) and PyTorch 1.13 (<c>nn.RNN/LSTM/GRU(bidirectional=True)</c>, autograd in float64), in every tier and in the
/// batched tier: the same weights and input give the frameworks' output, parameter gradient and input gradient.
/// </summary>
public class BidirectionalVsFrameworksTests
{
    private const double OutputTolerance = 1e-5;
    private const double GradientTolerance = 2e-5;

    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (string file in Fixtures.BidirectionalCaseFiles)
        {
            foreach (LayerCase c in Fixtures.LayerCases(file))
            {
                foreach (string mode in BidirectionalReferenceModels.Modes) data.Add(file, c.Name, mode);
            }
        }

        return data;
    }

    private static IBatchModel Load(LayerCase c, string mode)
    {
        IBatchModel model = BidirectionalReferenceModels.Create(c.Name, mode);
        Assert.Equal(c.Parameters.Length, model.ParameterCount);
        Fixtures.ToSingle(c.Parameters).CopyTo(model.Parameters);
        return model;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_and_backward_match_the_framework(string file, string name, string mode)
    {
        LayerCase c = Fixtures.LayerCase(file, name);
        IBatchModel model = Load(c, mode);
        var predicted = new float[model.OutputSize];
        var output = new float[model.OutputSize];
        var inputGradient = new float[model.InputSize];

        model.Predict(Fixtures.ToSingle(c.Input), predicted);
        model.Forward(Fixtures.ToSingle(c.Input), output);
        model.Backward(Fixtures.ToSingle(c.OutputGradient), inputGradient);

        GeneratedVsFrameworksTests.AssertClose(c.Output, predicted, OutputTolerance, "output (Predict)");
        GeneratedVsFrameworksTests.AssertClose(c.Output, output, OutputTolerance, "output (Forward)");
        GeneratedVsFrameworksTests.AssertClose(c.ParameterGradient!, model.Gradients.ToArray(), GradientTolerance, "parameter gradient");
        GeneratedVsFrameworksTests.AssertClose(c.InputGradient!, inputGradient, GradientTolerance, "input gradient");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_batched_tier_matches_the_framework(string file, string name, string mode)
    {
        // The case three times in one lane group: each output is the framework's, the gradient three times its.
        const int n = 3;
        LayerCase c = Fixtures.LayerCase(file, name);
        IBatchModel model = Load(c, mode);
        float[] input = Fixtures.ToSingle(c.Input), dOut = Fixtures.ToSingle(c.OutputGradient);
        var inputs = new float[n * input.Length];
        var dOuts = new float[n * dOut.Length];
        for (int s = 0; s < n; s++)
        {
            input.CopyTo(inputs, s * input.Length);
            dOut.CopyTo(dOuts, s * dOut.Length);
        }

        var outputs = new float[n * model.OutputSize];
        model.ForwardBatch(inputs, outputs);
        model.BackwardBatch(dOuts);
        for (int s = 0; s < n; s++)
        {
            GeneratedVsFrameworksTests.AssertClose(c.Output, outputs.AsSpan(s * model.OutputSize, model.OutputSize).ToArray(), OutputTolerance, $"batched output of sample {s}");
        }

        GeneratedVsFrameworksTests.AssertClose(c.ParameterGradient!.Select(v => n * v).ToArray(), model.Gradients.ToArray(), n * GradientTolerance, "batched parameter gradient");
    }
}
