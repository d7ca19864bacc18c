using System.Text.Json;

namespace RnnGen.Tests.Runtime;

/// <summary>
/// Precision and recall against real TensorFlow.js (toolkit_tfjs.json), AUC against Keras's AUC formula
/// (toolkit_keras.json, tests/reference/toolkit_keras_formulas.py).
/// </summary>
public class ThresholdMetricReferenceTests
{
    public static TheoryData<string> MetricCases() => new(Cases("toolkit_tfjs.json", "metrics").Select(c => c.GetProperty("name").GetString()!));

    public static TheoryData<string> AucCases() => new(Cases("toolkit_keras.json", "auc").Select(c => c.GetProperty("name").GetString()!));

    [Theory]
    [MemberData(nameof(MetricCases))]
    public void Precision_and_recall_match_tfjs(string name)
    {
        JsonElement c = Cases("toolkit_tfjs.json", "metrics").Single(x => x.GetProperty("name").GetString() == name);
        float[] yTrue = ReferenceFixtureTests.Floats(c.GetProperty("yTrue")), yPred = ReferenceFixtureTests.Floats(c.GetProperty("yPred"));
        Metric precision = Metrics.Precision(), recall = Metrics.Recall(), accuracy = Metrics.BinaryAccuracy();
        for (int i = 0; i < yTrue.Length; i++)
        {
            // one sample per element, as Fit feeds a 1-unit model
            foreach (Metric m in new[] { precision, recall, accuracy })
            {
                m.Update(yPred.AsSpan(i, 1), yTrue.AsSpan(i, 1));
            }
        }

        Assert.Equal((float)c.GetProperty("precision").GetDouble(), precision.Result, 6);
        Assert.Equal((float)c.GetProperty("recall").GetDouble(), recall.Result, 6);
        Assert.Equal((float)c.GetProperty("binaryAccuracy").GetDouble(), accuracy.Result, 6);

        // the same data as one multi-element update counts element by element
        Metric whole = Metrics.Precision();
        whole.Update(yPred, yTrue);
        Assert.Equal(precision.Result, whole.Result);
    }

    [Theory]
    [MemberData(nameof(AucCases))]
    public void Auc_matches_the_keras_formula(string name)
    {
        JsonElement c = Cases("toolkit_keras.json", "auc").Single(x => x.GetProperty("name").GetString() == name);
        float[] yTrue = ReferenceFixtureTests.Floats(c.GetProperty("yTrue")), yPred = ReferenceFixtureTests.Floats(c.GetProperty("yPred"));
        var auc = new Auc(c.GetProperty("numThresholds").GetInt32());
        for (int i = 0; i < yTrue.Length; i++)
        {
            auc.Update(yPred.AsSpan(i, 1), yTrue.AsSpan(i, 1));
        }

        Assert.Equal(c.GetProperty("auc").GetDouble(), auc.Result, 6);
        auc.Reset();
        Assert.Equal(0f, auc.Result);
    }

    [Fact]
    public void Names_are_the_keras_history_keys()
    {
        Assert.Equal("precision", Metrics.Precision().Name);
        Assert.Equal("recall", Metrics.Recall().Name);
        Assert.Equal("auc", Metrics.Auc().Name);
        Assert.Equal(200, ((Auc)Metrics.Auc()).NumThresholds);
        Assert.Equal(0.5f, ((Precision)Metrics.Precision()).Threshold);
    }

    [Fact]
    public void Fit_reports_precision_recall_and_auc_per_epoch_and_for_validation()
    {
        var net = new RnnGen.Dynamic.Sequential(1, 1, 0, new RnnGen.Dynamic.DenseLayer(1, Activation.Sigmoid));
        Dataset data = Dataset.FromArrays([[-2f], [-1f], [1f], [2f], [-1.5f], [1.5f]], [[0f], [0f], [1f], [1f], [0f], [1f]]);
        History history = net.Fit(data, new TrainingOptions
        {
            Loss = Losses.BinaryCrossentropy(),
            Optimizer = new Sgd(0.5f),
            Epochs = 2,
            ValidationSplit = 0.34,
            Verbose = false,
            Metrics = { Metrics.Precision(), Metrics.Recall(), Metrics.Auc() },
        });

        Assert.Equal(["loss", "precision", "recall", "auc", "val_loss", "val_precision", "val_recall", "val_auc"], history.Keys);
    }

    [Fact]
    public void A_target_of_the_wrong_length_is_rejected()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => Metrics.Auc().Update([0.5f, 0.5f], [1f]));
        Assert.Contains("length 2", e.Message, StringComparison.Ordinal);
    }

    private static JsonElement[] Cases(string file, string property) =>
        [.. ReferenceFixtureTests.LoadFixture(file).GetProperty(property).EnumerateArray()];
}

public class ToolkitAllocationTests
{
    [Fact]
    public void A_weighted_batch_step_with_precision_recall_and_auc_allocates_nothing_after_warm_up()
    {
        var model = new DenseTestModel(4, 1, Activation.Sigmoid);
        var x = new float[128][];
        var y = new float[128][];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = [i % 3, 1, i % 5 - 2, 0.5f];
            y[i] = [i % 3 == 0 ? 1f : 0f];
        }

        Dataset data = Dataset.FromArrays(x, y);
        float[] weights = OutputChecks.SampleWeights(model, data, new Dictionary<int, float> { [0] = 0.5f, [1] = 2f });
        Metric[] metrics = [Metrics.Precision(), Metrics.Recall(), Metrics.Auc()];
        var trainer = new Trainer(model, data, Losses.BinaryCrossentropy(), new RmsProp(), metrics, weights);
        var random = new Random(1);
        trainer.Shuffle(random);
        trainer.TrainBatch(0, 32); // warm-up: optimizer state

        long before = GC.GetAllocatedBytesForCurrentThread();
        float sum = 0;
        for (int epoch = 0; epoch < 3; epoch++)
        {
            trainer.Shuffle(random);
            for (int start = 0; start < 128; start += 32) trainer.TrainBatch(start, 32);
            foreach (Metric m in metrics) sum += m.Result;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(float.IsFinite(sum));
    }
}
