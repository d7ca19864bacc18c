namespace RnnGen.Tests.Reference;

/// <summary>
/// Generated models against real PyTorch 1.13 (autograd) and real Keras semantics (TensorFlow.js 4.22.0 layers, with
/// Keras's sigmoid gates in layers_keras.json and tfjs's own hardSigmoid defaults in layers_tfjs_defaults.json):
/// the same weights and input must give the same output, parameter gradient and input gradient.
/// Values come from tests/reference/*.py|js; nothing here is computed by RnnGen itself.
/// </summary>
public class GeneratedVsFrameworksTests
{
    private const double OutputTolerance = 1e-5;
    private const double GradientTolerance = 2e-5;

    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (string file in new[] { "layers_pytorch.json", "layers_keras.json", "layers_tfjs_defaults.json", "layers_pytorch_gates.json" })
        {
            foreach (LayerCase c in Fixtures.LayerCases(file))
            {
                foreach (string mode in ReferenceModels.Modes)
                {
                    if (ReferenceModels.Has(c.Name, mode)) data.Add(file, c.Name, mode);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Predict_and_Forward_match_the_framework_output(string file, string name, string mode)
    {
        LayerCase c = Fixtures.LayerCase(file, name);
        IRnnModel model = Load(c, mode);
        var predicted = new float[model.OutputSize];
        var forward = new float[model.OutputSize];

        model.Predict(Fixtures.ToSingle(c.Input), predicted);
        model.Forward(Fixtures.ToSingle(c.Input), forward);

        AssertClose(c.Output, predicted, OutputTolerance, "output (Predict)");
        AssertClose(c.Output, forward, OutputTolerance, "output (Forward)");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_matches_framework_autograd_for_parameters_and_input(string file, string name, string mode)
    {
        LayerCase c = Fixtures.LayerCase(file, name);
        Assert.NotNull(c.ParameterGradient);
        IRnnModel model = Load(c, mode);
        var output = new float[model.OutputSize];
        var inputGradient = new float[model.InputSize];

        model.Forward(Fixtures.ToSingle(c.Input), output);
        model.Backward(Fixtures.ToSingle(c.OutputGradient), inputGradient);

        AssertClose(c.ParameterGradient!, model.Gradients.ToArray(), GradientTolerance, "parameter gradient");
        if (c.InputGradient is not null)
        {
            AssertClose(c.InputGradient, inputGradient, GradientTolerance, "input gradient");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Model_layout_matches_the_fixture(string file, string name, string mode)
    {
        LayerCase c = Fixtures.LayerCase(file, name);
        IRnnModel model = ReferenceModels.Create(c.Name, mode);

        Assert.Equal(c.Parameters.Length, model.ParameterCount);
        Assert.Equal(c.Input.Length, model.InputSize);
        Assert.Equal(c.Output.Length, model.OutputSize);
        Assert.Equal(c.Timesteps, model.Timesteps);
        Assert.Equal(c.Features, model.Features);
    }

    internal static IRnnModel Load(LayerCase c, string mode)
    {
        IRnnModel model = ReferenceModels.Create(c.Name, mode);
        Assert.Equal(c.Parameters.Length, model.ParameterCount);
        Fixtures.ToSingle(c.Parameters).CopyTo(model.Parameters);
        return model;
    }

    /// <summary>|actual - expected| &lt;= tolerance * max(1, max |expected|), element by element.</summary>
    internal static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<float> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Count, actual.Count);
        double scale = 1;
        foreach (double e in expected) scale = Math.Max(scale, Math.Abs(e));
        double worst = 0;
        int worstIndex = -1;
        for (int i = 0; i < expected.Count; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            if (error > worst)
            {
                worst = error;
                worstIndex = i;
            }
        }

        Assert.True(worst <= tolerance * scale,
            $"{what}: element {worstIndex} is {(worstIndex >= 0 ? actual[worstIndex] : 0)}, expected {(worstIndex >= 0 ? expected[worstIndex] : 0)} (error {worst:E2} > {tolerance:E0} x scale {scale:G4})");
    }
}
