using System.Text.Json;
using RnnGen.Dynamic;

namespace RnnGen.Tests.Runtime;

/// <summary>
/// <see cref="TrainingOptions.ClassWeights"/> and <see cref="LearningRateScheduler"/> against real TensorFlow.js
/// <c>model.fit</c> runs with <c>classWeight</c> and an <c>onEpochBegin</c> schedule (toolkit_tfjs.json,
/// tests/reference/toolkit_tfjs.js), with plain SGD so the optimizer is exactly Keras's.
/// </summary>
public class ToolkitFitReferenceTests
{
    [Theory]
    [InlineData("class_weights_binary")]
    [InlineData("class_weights_sparse")]
    [InlineData("lr_schedule")]
    public void Fit_reproduces_the_tfjs_trajectory(string name)
    {
        JsonElement fit = FitCase(name);
        JsonElement model = fit.GetProperty("model");
        JsonElement[] layers = [.. model.GetProperty("layers").EnumerateArray()];
        int units = layers[0].GetProperty("units").GetInt32(), outputs = layers[1].GetProperty("units").GetInt32();
        Activation activation = layers[1].GetProperty("activation").GetString() == "softmax" ? Activation.Softmax : Activation.Sigmoid;
        var net = new Sequential(model.GetProperty("timesteps").GetInt32(), model.GetProperty("features").GetInt32(), 0,
            new SimpleRnnLayer(units), new DenseLayer(outputs, activation));
        ReferenceFixtureTests.Floats(fit.GetProperty("initialParameters")).CopyTo(net.Parameters);

        JsonElement o = fit.GetProperty("options");
        var optimizer = new Sgd((float)o.GetProperty("learningRate").GetDouble());
        var options = new TrainingOptions
        {
            Loss = o.GetProperty("loss").GetString() == "binaryCrossentropy" ? Losses.BinaryCrossentropy() : Losses.SparseCategoricalCrossentropy(),
            Optimizer = optimizer,
            Epochs = o.GetProperty("epochs").GetInt32(),
            BatchSize = o.GetProperty("batchSize").GetInt32(),
            Shuffle = false,
            Verbose = false,
        };
        if (o.GetProperty("classWeight").ValueKind == JsonValueKind.Object)
        {
            options.ClassWeights = o.GetProperty("classWeight").EnumerateObject()
                .ToDictionary(p => int.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture), p => (float)p.Value.GetDouble());
        }

        var usedRates = new List<float>();
        if (name == "lr_schedule")
        {
            // the fixture's schedule: (epoch, lr) => epoch < 2 ? lr : lr * 0.5
            options.Callbacks.Add(new LearningRateScheduler((epoch, lr) => epoch < 2 ? lr : lr * 0.5f));
            options.Callbacks.Add(new RateRecorder(usedRates));
        }

        float[][] inputs = [.. fit.GetProperty("inputs").EnumerateArray().Select(ReferenceFixtureTests.Floats)];
        float[][] targets = [.. fit.GetProperty("targets").EnumerateArray().Select(ReferenceFixtureTests.Floats)];
        History history = net.Fit(Dataset.FromArrays(inputs, targets), options);

        float[] expectedLoss = ReferenceFixtureTests.Floats(fit.GetProperty("history").GetProperty("loss"));
        Assert.Equal(expectedLoss.Length, history.Epochs);
        for (int e = 0; e < expectedLoss.Length; e++)
        {
            Assert.True(Math.Abs(history["loss"][e] - expectedLoss[e]) <= 2e-5 * Math.Max(1, Math.Abs(expectedLoss[e])),
                $"{name} epoch {e + 1}: loss expected {expectedLoss[e]:R}, got {history["loss"][e]:R}");
        }

        float[] expected = ReferenceFixtureTests.Floats(fit.GetProperty("finalParameters"));
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(net.Parameters[i] - expected[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i])),
                $"{name} parameter {i}: expected {expected[i]:R}, got {net.Parameters[i]:R}");
        }

        if (name == "lr_schedule")
        {
            Assert.Equal(ReferenceFixtureTests.Floats(fit.GetProperty("learningRates")), usedRates);
        }
    }

    [Fact]
    public void Class_weights_scale_the_batch_loss_as_keras_sum_over_batch_size()
    {
        // one batch of two samples, a Dense(1, sigmoid) with zero weights: each sample's BCE is ln 2
        var net = new Sequential(1, 1, 0, new DenseLayer(1, Activation.Sigmoid));
        net.Parameters.Clear();
        Dataset data = Dataset.FromArrays([[1f], [2f]], [[0f], [1f]]);
        History history = net.Fit(data, new TrainingOptions
        {
            Loss = Losses.BinaryCrossentropy(),
            Optimizer = new Sgd(0f),
            BatchSize = 2,
            Shuffle = false,
            Verbose = false,
            ClassWeights = new Dictionary<int, float> { [0] = 0.5f, [1] = 3f },
        });

        // (0.5 ln2 + 3 ln2) / 2, not divided by the weight sum
        Assert.Equal(1.75 * Math.Log(2), history["loss"][0], 5);
    }

    [Fact]
    public void Class_weights_reject_negative_weights_and_sequence_outputs()
    {
        var net = new Sequential(1, 1, 0, new DenseLayer(1, Activation.Sigmoid));
        Dataset data = Dataset.FromArrays([[1f]], [[1f]]);
        var options = new TrainingOptions { Loss = Losses.BinaryCrossentropy(), Verbose = false, ClassWeights = new Dictionary<int, float> { [1] = -1f } };
        ArgumentException negative = Assert.ThrowsAny<ArgumentException>(() => net.Fit(data, options));
        Assert.Contains("class 1 has weight -1", negative.Message, StringComparison.Ordinal);

        var sequence = new Sequential(3, 1, 0, new SimpleRnnLayer(2, returnSequences: true), new DenseLayer(2, Activation.Softmax));
        Dataset labels = Dataset.FromArrays([[1f, 2f, 3f]], [[0f, 1f, 0f]]);
        ArgumentException perStep = Assert.ThrowsAny<ArgumentException>(() => sequence.Fit(labels, new TrainingOptions
        {
            Loss = Losses.SparseCategoricalCrossentropy(),
            Verbose = false,
            ClassWeights = new Dictionary<int, float> { [0] = 2f },
        }));
        Assert.Contains("sequence", perStep.Message, StringComparison.Ordinal);
    }

    internal static JsonElement FitCase(string name) =>
        ReferenceFixtureTests.LoadFixture("toolkit_tfjs.json").GetProperty("fits").EnumerateArray()
            .Single(f => f.GetProperty("name").GetString() == name);

    /// <summary>Records the learning rate in force during each epoch (read after the scheduler ran).</summary>
    private sealed class RateRecorder(List<float> rates) : Callback
    {
        public override void OnEpochBegin(int epoch) => rates.Add(Optimizer.LearningRate);
    }
}
