using System.Text.Json;

namespace RnnGen.Tests.Runtime;

/// <summary>
/// Fit of a masked model against a real TensorFlow.js <c>model.fit</c> run (fit_masked_tfjs.json,
/// tests/reference/fit_masked_tfjs.js): Embedding(maskZero) → SimpleRNN → Dense(sigmoid), binary cross-entropy, Adam
/// with Keras's epsilon placement, pre- and post-padded sequences in two batches; loss history and final weights.
/// </summary>
public class MaskedFitReferenceTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Fit_reproduces_the_masked_keras_adam_history_and_weights(int parallelism)
    {
        JsonElement root = ReferenceFixtureTests.LoadFixture("fit_masked_tfjs.json");
        var net = new FitMaskedModel();
        ReferenceFixtureTests.Floats(root.GetProperty("initialParameters")).CopyTo(net.Parameters);
        float[][] inputs = [.. root.GetProperty("inputs").EnumerateArray().Select(ReferenceFixtureTests.Floats)];
        float[][] targets = [.. root.GetProperty("targets").EnumerateArray().Select(ReferenceFixtureTests.Floats)];
        JsonElement o = root.GetProperty("options");
        var options = new TrainingOptions
        {
            Loss = Losses.BinaryCrossentropy(),
            Optimizer = new Adam((float)o.GetProperty("learningRate").GetDouble(), (float)o.GetProperty("beta1").GetDouble(),
                (float)o.GetProperty("beta2").GetDouble(), (float)o.GetProperty("epsilon").GetDouble()),
            Epochs = o.GetProperty("epochs").GetInt32(),
            BatchSize = o.GetProperty("batchSize").GetInt32(),
            Shuffle = false,
            Verbose = false,
            Parallelism = parallelism,
        };

        History history = net.Fit(Dataset.FromArrays(inputs, targets), options);

        JsonElement keras = root.GetProperty("kerasAdam");
        float[] expectedLoss = ReferenceFixtureTests.Floats(keras.GetProperty("history").GetProperty("loss"));
        Assert.Equal(expectedLoss.Length, history.Epochs);
        for (int e = 0; e < expectedLoss.Length; e++)
        {
            Assert.True(Math.Abs(history["loss"][e] - expectedLoss[e]) <= 1e-4 * Math.Max(1, Math.Abs(expectedLoss[e])),
                $"epoch {e + 1}: loss expected {expectedLoss[e]:R}, got {history["loss"][e]:R}");
        }

        float[] expectedWeights = ReferenceFixtureTests.Floats(keras.GetProperty("finalParameters"));
        Assert.Equal(FitMaskedModel.ParameterCount, expectedWeights.Length);
        for (int i = 0; i < expectedWeights.Length; i++)
        {
            Assert.True(Math.Abs(net.Parameters[i] - expectedWeights[i]) <= 1e-4, $"parameter {i}: expected {expectedWeights[i]:R}, got {net.Parameters[i]:R}");
        }
    }
}

[RnnModel(timesteps: 6, features: 3)]
[Embedding(10, 3, MaskZero = true)]
[SimpleRnn(4)]
[Dense(1, Activation = Activation.Sigmoid)]
public partial class FitMaskedModel;
