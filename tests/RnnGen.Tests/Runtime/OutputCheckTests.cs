using RnnGen.Dynamic;

namespace RnnGen.Tests.Runtime;

/// <summary>Fit and Evaluate refuse a loss or accuracy that cannot work on the model's output layer.</summary>
public class OutputCheckTests
{
    private static readonly Dataset Binary = Dataset.FromArrays([[1f], [-1f]], [[1f], [0f]]);

    [Fact]
    public void Sparse_categorical_crossentropy_on_one_unit_suggests_binary_crossentropy()
    {
        var net = new Sequential(1, 1, 0, new DenseLayer(1, Activation.Sigmoid));
        ArgumentException e = Assert.Throws<ArgumentException>(() =>
            net.Fit(Binary, new TrainingOptions { Loss = Losses.SparseCategoricalCrossentropy(), Verbose = false }));
        Assert.Contains("1 unit", e.Message, StringComparison.Ordinal);
        Assert.Contains("BinaryCrossentropy", e.Message, StringComparison.Ordinal);
        Assert.Equal("loss", e.ParamName);
    }

    [Fact]
    public void Categorical_crossentropy_on_one_unit_is_refused_by_fit_and_evaluate()
    {
        var net = new Sequential(1, 1, 0, new DenseLayer(1, Activation.Sigmoid));
        Assert.Throws<ArgumentException>(() => net.Fit(Binary, new TrainingOptions { Loss = Losses.CategoricalCrossentropy(), Verbose = false }));
        ArgumentException e = Assert.Throws<ArgumentException>(() => net.Evaluate(Binary, Losses.CategoricalCrossentropy()));
        Assert.Contains("BinaryCrossentropy", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sparse_categorical_accuracy_on_one_unit_suggests_binary_accuracy()
    {
        var net = new Sequential(1, 1, 0, new DenseLayer(1, Activation.Sigmoid));
        ArgumentException e = Assert.Throws<ArgumentException>(() => net.Fit(Binary, new TrainingOptions
        {
            Loss = Losses.BinaryCrossentropy(),
            Verbose = false,
            Metrics = { Metrics.SparseCategoricalAccuracy() },
        }));
        Assert.Contains("BinaryAccuracy", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Categorical_losses_on_several_units_and_binary_on_one_still_train()
    {
        var classifier = new Sequential(1, 1, 0, new DenseLayer(2, Activation.Softmax));
        classifier.Fit(Binary, new TrainingOptions { Loss = Losses.SparseCategoricalCrossentropy(), Verbose = false, Metrics = { Metrics.SparseCategoricalAccuracy() } });
        var binary = new Sequential(1, 1, 0, new DenseLayer(1, Activation.Sigmoid));
        binary.Fit(Binary, new TrainingOptions { Loss = Losses.BinaryCrossentropy(), Verbose = false, Metrics = { Metrics.Accuracy() } });
    }
}
