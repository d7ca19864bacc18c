using System.Text.Json;

namespace RnnGen.Tests.Runtime;

/// <summary>
/// Fit against real TensorFlow.js <c>model.fit</c> runs (fit_mse.json, fit_sparse_ce.json, tests/reference/fit_tfjs.js),
/// using their <c>kerasAdam</c> variant (Keras's epsilon placement) and a hand-written SimpleRnn -> Dense model.
/// </summary>
public class FitReferenceTests
{
    [Theory]
    [InlineData("fit_mse.json")]
    [InlineData("fit_sparse_ce.json")]
    public void Fit_reproduces_the_keras_adam_history_and_weights(string fixture)
    {
        JsonElement root = ReferenceFixtureTests.LoadFixture(fixture);
        JsonElement model = root.GetProperty("model");
        JsonElement[] layers = [.. model.GetProperty("layers").EnumerateArray()];
        Assert.Equal("SimpleRnn", layers[0].GetProperty("kind").GetString());
        Assert.Equal("Dense", layers[1].GetProperty("kind").GetString());
        var net = new SimpleRnnTestModel(
            model.GetProperty("timesteps").GetInt32(),
            model.GetProperty("features").GetInt32(),
            layers[0].GetProperty("units").GetInt32(),
            layers[1].GetProperty("units").GetInt32(),
            layers[1].GetProperty("activation").GetString() == "softmax" ? Activation.Softmax : Activation.Linear);
        ReferenceFixtureTests.Floats(root.GetProperty("initialParameters")).CopyTo(net.Parameters);

        float[][] inputs = [.. root.GetProperty("inputs").EnumerateArray().Select(ReferenceFixtureTests.Floats)];
        float[][] targets = [.. root.GetProperty("targets").EnumerateArray().Select(ReferenceFixtureTests.Floats)];
        JsonElement o = root.GetProperty("options");
        bool classifier = o.GetProperty("loss").GetString() == "sparseCategoricalCrossentropy";
        var options = new TrainingOptions
        {
            Loss = classifier ? Losses.SparseCategoricalCrossentropy() : Losses.MeanSquaredError(),
            Optimizer = new Adam((float)o.GetProperty("learningRate").GetDouble(), (float)o.GetProperty("beta1").GetDouble(),
                (float)o.GetProperty("beta2").GetDouble(), (float)o.GetProperty("epsilon").GetDouble()),
            Epochs = o.GetProperty("epochs").GetInt32(),
            BatchSize = o.GetProperty("batchSize").GetInt32(),
            Shuffle = o.GetProperty("shuffle").GetBoolean(),
            Verbose = false,
        };
        if (classifier) options.Metrics.Add(Metrics.Accuracy());

        History history = net.Fit(Dataset.FromArrays(inputs, targets), options);

        JsonElement keras = root.GetProperty("kerasAdam");
        float[] expectedLoss = ReferenceFixtureTests.Floats(keras.GetProperty("history").GetProperty("loss"));
        Assert.Equal(expectedLoss.Length, history.Epochs);
        for (int e = 0; e < expectedLoss.Length; e++)
        {
            Assert.True(Math.Abs(history["loss"][e] - expectedLoss[e]) <= 1e-4 * Math.Max(1, Math.Abs(expectedLoss[e])),
                $"{fixture} epoch {e + 1}: loss expected {expectedLoss[e]:R}, got {history["loss"][e]:R}");
        }

        if (classifier)
        {
            float[] expectedAccuracy = ReferenceFixtureTests.Floats(keras.GetProperty("history").GetProperty("accuracy"));
            Assert.Equal(expectedAccuracy.Length, history["accuracy"].Count);
            for (int e = 0; e < expectedAccuracy.Length; e++)
            {
                Assert.Equal(expectedAccuracy[e], history["accuracy"][e], 5); // 9/10 rounds differently in float32 means
            }
        }

        float[] expectedWeights = ReferenceFixtureTests.Floats(keras.GetProperty("finalParameters"));
        for (int i = 0; i < expectedWeights.Length; i++)
        {
            Assert.True(Math.Abs(net.Parameters[i] - expectedWeights[i]) <= 1e-4,
                $"{fixture} parameter {i}: expected {expectedWeights[i]:R}, got {net.Parameters[i]:R}");
        }
    }
}
