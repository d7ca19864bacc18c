using RnnGen.Dynamic;

namespace RnnGen.Tests.Dynamic;

/// <summary>
/// Analytic gradients (float) against central differences of <see cref="DoubleReference"/> (double, eps 1e-6), for the
/// scalar loss <c>L = sum_k w_k y_k</c> with random weights <c>w</c> (so <c>dL/dy = w</c>).
/// </summary>
public class GradientCheckTests
{
    public static TheoryData<string> Cases => ModelCases.Names();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_matches_double_precision_reference(string name)
    {
        ModelCases.Case c = ModelCases.Get(name);
        Sequential model = c.Build();
        var random = new Random(11);
        ModelCases.Uniform(model.ParameterCount, 0.5, random).CopyTo(model.Parameters);
        float[] input = ModelCases.Input(model, random);

        var output = new float[model.OutputSize];
        model.Forward(input, output);
        double[] expected = DoubleReference.Forward(c.Timesteps, c.Features, c.Layers, ToDouble(model.Parameters), ToDouble(input));

        Assert.Equal(expected.Length, output.Length);
        for (int k = 0; k < output.Length; k++)
        {
            Assert.True(Math.Abs(output[k] - expected[k]) <= 1e-5 * Math.Max(1, Math.Abs(expected[k])),
                $"output[{k}] = {output[k]}, reference {expected[k]}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Parameter_and_input_gradients_match_central_differences(string name)
    {
        ModelCases.Case c = ModelCases.Get(name);
        Sequential model = c.Build();
        var random = new Random(5);
        ModelCases.Uniform(model.ParameterCount, 0.5, random).CopyTo(model.Parameters);
        float[] input = ModelCases.Input(model, random);
        float[] w = ModelCases.Uniform(model.OutputSize, 1.0, random);

        var output = new float[model.OutputSize];
        var inputGradient = new float[model.InputSize];
        model.Gradients.Clear();
        model.Forward(input, output);
        model.Backward(w, inputGradient);

        double[] p = ToDouble(model.Parameters);
        double[] x = ToDouble(input);
        double[] wd = ToDouble(w);
        double Loss(double[] pp, double[] xx)
        {
            double[] y = DoubleReference.Forward(c.Timesteps, c.Features, c.Layers, pp, xx);
            double s = 0;
            for (int k = 0; k < y.Length; k++) s += wd[k] * y[k];
            return s;
        }

        const double eps = 1e-6;
        var numeric = new double[p.Length];
        for (int k = 0; k < p.Length; k++)
        {
            double saved = p[k];
            p[k] = saved + eps;
            double plus = Loss(p, x);
            p[k] = saved - eps;
            double minus = Loss(p, x);
            p[k] = saved;
            numeric[k] = (plus - minus) / (2 * eps);
        }

        AssertClose(numeric, model.Gradients, "parameter", model);

        if (model.Layers[0].Kind == LayerKind.Embedding)
        {
            Assert.All(inputGradient, v => Assert.Equal(0f, v));
            return;
        }

        var numericInput = new double[x.Length];
        for (int k = 0; k < x.Length; k++)
        {
            double saved = x[k];
            x[k] = saved + eps;
            double plus = Loss(p, x);
            x[k] = saved - eps;
            double minus = Loss(p, x);
            x[k] = saved;
            numericInput[k] = (plus - minus) / (2 * eps);
        }

        AssertClose(numericInput, inputGradient, "input", model);
    }

    private static void AssertClose(double[] expected, ReadOnlySpan<float> actual, string what, Sequential model)
    {
        double scale = 1e-3;
        foreach (double v in expected) scale = Math.Max(scale, Math.Abs(v));
        for (int k = 0; k < expected.Length; k++)
        {
            double error = Math.Abs(actual[k] - expected[k]);
            if (error > 1e-4 * scale + 1e-5 * Math.Abs(expected[k]))
            {
                Assert.Fail($"{what} gradient [{k}] ({TensorName(model, k, what)}): analytic {actual[k]}, numeric {expected[k]}, scale {scale}");
            }
        }
    }

    private static string TensorName(Sequential model, int index, string what)
    {
        if (what != "parameter") return $"input {index}";
        foreach (LayerInfo layer in model.Layers)
        {
            foreach (TensorInfo t in layer.Tensors)
            {
                if (index >= t.Offset && index < t.Offset + t.Length) return $"{t.Name}[{index - t.Offset}]";
            }
        }

        return "?";
    }

    private static double[] ToDouble(ReadOnlySpan<float> values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = values[i];
        return result;
    }
}
