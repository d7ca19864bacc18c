using System.Text.Json;

namespace RnnGen.Tests.Runtime;

/// <summary>
/// Optimizers and losses against the committed reference fixtures (tests/reference/fixtures, produced by
/// tests/reference/optimizers.py and losses_tfjs.js from PyTorch and TensorFlow.js).
/// </summary>
public class ReferenceFixtureTests
{
    internal static JsonElement LoadFixture(string name)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "fixtures", name);
        Assert.True(File.Exists(path), $"Reference fixture {name} is missing at {path}; it comes from tests/reference (see its README).");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return document.RootElement.Clone();
    }

    internal static float[] Floats(JsonElement array)
    {
        var values = new float[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement v in array.EnumerateArray()) values[i++] = (float)v.GetDouble();
        return values;
    }

    private static float Number(JsonElement o, string name, float fallback) =>
        o.TryGetProperty(name, out JsonElement v) ? (float)v.GetDouble() : fallback;

    private static Optimizer Create(JsonElement spec)
    {
        float lr = Number(spec, "learningRate", 0.01f);
        Optimizer optimizer = spec.GetProperty("type").GetString() switch
        {
            "sgd" => new Sgd(lr, Number(spec, "momentum", 0f), spec.TryGetProperty("nesterov", out JsonElement n) && n.GetBoolean()),
            "adam" => new Adam(lr, Number(spec, "beta1", 0.9f), Number(spec, "beta2", 0.999f), Number(spec, "epsilon", 1e-7f)),
            "rmsprop" => new RmsProp(lr, Number(spec, "rho", 0.9f), Number(spec, "epsilon", 1e-7f)),
            string other => throw new InvalidOperationException($"unknown optimizer type {other}"),
            null => throw new InvalidOperationException("optimizer type missing"),
        };
        if (spec.TryGetProperty("clipNorm", out JsonElement clipNorm)) optimizer.ClipNorm = (float)clipNorm.GetDouble();
        if (spec.TryGetProperty("clipValue", out JsonElement clipValue)) optimizer.ClipValue = (float)clipValue.GetDouble();
        return optimizer;
    }

    public static TheoryData<string> OptimizerCases()
    {
        var data = new TheoryData<string>();
        string path = Path.Combine(AppContext.BaseDirectory, "fixtures", "optimizers.json");
        if (!File.Exists(path))
        {
            data.Add("(optimizers.json missing)");
            return data;
        }

        foreach (JsonElement c in LoadFixture("optimizers.json").GetProperty("cases").EnumerateArray())
        {
            if (c.GetProperty("source").GetString() == "keras_formula") data.Add(c.GetProperty("name").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(OptimizerCases))]
    public void Optimizer_trajectory_matches_the_keras_formula_fixture(string name)
    {
        JsonElement root = LoadFixture("optimizers.json");
        JsonElement c = default;
        foreach (JsonElement candidate in root.GetProperty("cases").EnumerateArray())
        {
            if (candidate.GetProperty("name").GetString() == name && candidate.GetProperty("source").GetString() == "keras_formula") c = candidate;
        }

        Assert.Equal(JsonValueKind.Object, c.ValueKind);
        Optimizer optimizer = Create(c.GetProperty("optimizer"));
        float[] p = Floats(root.GetProperty("initialParameters"));
        JsonElement[] gradients = [.. root.GetProperty("gradients").EnumerateArray()];
        JsonElement[] trajectory = [.. c.GetProperty("trajectory").EnumerateArray()];
        for (int step = 0; step < gradients.Length; step++)
        {
            optimizer.Step(p, Floats(gradients[step]));
            float[] expected = Floats(trajectory[step]);
            for (int i = 0; i < p.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - p[i]) <= 2e-6 + 1e-6 * Math.Abs(expected[i]),
                    $"{name} step {step + 1} parameter {i}: expected {expected[i]:R}, got {p[i]:R}");
            }
        }
    }

    private static Loss LossNamed(string name) => name switch
    {
        "meanSquaredError" => Losses.MeanSquaredError(),
        "binaryCrossentropy" => Losses.BinaryCrossentropy(),
        "binaryCrossentropyFromLogits" => Losses.BinaryCrossentropy(fromLogits: true),
        "categoricalCrossentropy" => Losses.CategoricalCrossentropy(),
        "categoricalCrossentropyFromLogits" => Losses.CategoricalCrossentropy(fromLogits: true),
        "sparseCategoricalCrossentropy" => Losses.SparseCategoricalCrossentropy(),
        "sparseCategoricalCrossentropyFromLogits" => Losses.SparseCategoricalCrossentropy(fromLogits: true),
        _ => throw new InvalidOperationException($"unknown loss {name}"),
    };

    [Fact]
    public void Losses_and_gradients_match_the_tfjs_fixture()
    {
        int checkedCases = 0;
        foreach (JsonElement c in LoadFixture("losses.json").GetProperty("cases").EnumerateArray())
        {
            string name = c.GetProperty("loss").GetString()!;
            string what = $"{name} ({c.GetProperty("description").GetString()})";
            Loss loss = LossNamed(name);
            JsonElement[] yTrue = [.. c.GetProperty("yTrue").EnumerateArray()];
            JsonElement[] yPred = [.. c.GetProperty("yPred").EnumerateArray()];
            JsonElement[] gradient = [.. c.GetProperty("gradient").EnumerateArray()];
            float[] perSample = Floats(c.GetProperty("perSampleLoss"));
            double mean = 0;
            for (int s = 0; s < yPred.Length; s++)
            {
                float[] output = Floats(yPred[s]), expectedGradient = Floats(gradient[s]);
                var grad = new float[output.Length];
                float l = loss.Compute(output, Floats(yTrue[s]), grad);
                mean += l / yPred.Length;
                Assert.True(Math.Abs(l - perSample[s]) <= 1e-6 + 1e-5 * Math.Abs(perSample[s]),
                    $"{what} sample {s}: loss expected {perSample[s]:R}, got {l:R}");
                for (int j = 0; j < output.Length; j++)
                {
                    // the fixture's gradient is of the batch mean: per-sample gradient / N
                    float g = grad[j] / yPred.Length;
                    Assert.True(Math.Abs(g - expectedGradient[j]) <= 1e-6 + 1e-5 * Math.Abs(expectedGradient[j]),
                        $"{what} sample {s} element {j}: gradient expected {expectedGradient[j]:R}, got {g:R}");
                }
            }

            float expectedMean = (float)c.GetProperty("meanLoss").GetDouble();
            Assert.True(Math.Abs(mean - expectedMean) <= 1e-6 + 1e-5 * Math.Abs(expectedMean), $"{what}: mean loss {expectedMean} vs {mean}");
            checkedCases++;
        }

        Assert.Equal(21, checkedCases);
    }
}
