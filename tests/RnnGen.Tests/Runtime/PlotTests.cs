using RnnGen.Plotting;

namespace RnnGen.Tests.Runtime;

public sealed class PlotTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rnngen-plot-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static bool IsPng(string path)
    {
        byte[] head = File.ReadAllBytes(path)[..8];
        return head.AsSpan().SequenceEqual((byte[])[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
    }

    [Fact]
    public void HistoryPlot_renders_loss_and_accuracy_to_a_png()
    {
        var model = new DenseTestModel(3, 3, Activation.Softmax);
        var x = new float[60][];
        var y = new float[60][];
        for (int i = 0; i < 60; i++)
        {
            x[i] = [i % 3 == 0 ? 1 : 0, i % 3 == 1 ? 1 : 0, i % 3 == 2 ? 1 : 0];
            y[i] = [i % 3];
        }

        History history = model.Fit(Dataset.FromArrays(x, y), new TrainingOptions
        {
            Loss = Losses.SparseCategoricalCrossentropy(),
            Optimizer = new Adam(0.05f),
            Epochs = 30,
            BatchSize = 8,
            ValidationSplit = 0.25,
            Metrics = { Metrics.Accuracy() },
            Verbose = false,
        });

        string path = Path.Combine(_dir, "history.png");
        HistoryPlot.SaveLoss(history, path);
        Assert.True(IsPng(path));
        string keep = Environment.GetEnvironmentVariable("RNNGEN_KEEP_PLOTS") ?? "";
        if (keep.Length > 0) File.Copy(path, Path.Combine(keep, "history.png"), overwrite: true);
    }

    [Fact]
    public void LinePlot_renders_series_to_a_png()
    {
        double[] actual = new double[50], predicted = new double[50];
        for (int i = 0; i < 50; i++)
        {
            actual[i] = Math.Sin(i / 5.0);
            predicted[i] = Math.Sin(i / 5.0) * 0.9;
        }

        string path = Path.Combine(_dir, "line.png");
        LinePlot.Save(path, "sine", ("actual", actual), ("predicted", predicted));
        Assert.True(IsPng(path));
        string keep = Environment.GetEnvironmentVariable("RNNGEN_KEEP_PLOTS") ?? "";
        if (keep.Length > 0) File.Copy(path, Path.Combine(keep, "line.png"), overwrite: true);
    }
}
