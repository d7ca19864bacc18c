using RnnGen.Plotting;

namespace RnnGen.Samples.Regression;

/// <summary>
/// Regresses three short sequences onto three numbers: [1,2,3] → 10, [2,3,4] → 20, [3,4,5] → 30.
/// </summary>
public static class RegressionSample
{
    /// <summary>A seed with which the default epochs bring every prediction within 1.0 of its target.</summary>
    public const int DefaultSeed = 0;

    /// <summary>
    /// Trains <see cref="RegressionModel"/> with mean squared error, Adam(0.01) and batch 3, prints the loss every
    /// tenth of the run and the predictions, then saves the weights and a loss chart.
    /// </summary>
    public static RegressionResult Run(TextWriter output, RegressionOptions options)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);

        float[][] inputs = [[1, 2, 3], [2, 3, 4], [3, 4, 5]];
        float[] targets = [10, 20, 30];
        var targetRows = new float[targets.Length][];
        for (int i = 0; i < targets.Length; i++)
        {
            targetRows[i] = [targets[i]];
        }

        Dataset data = Dataset.FromArrays(inputs, targetRows);
        var model = new RegressionModel(options.Seed);
        output.WriteLine(RegressionModel.Summary);

        int every = Math.Max(1, options.Epochs / 10);
        History history = model.Fit(data, new TrainingOptions
        {
            Epochs = options.Epochs,
            BatchSize = 3,
            Loss = Losses.MeanSquaredError(),
            Optimizer = new Adam(0.01f),
            Seed = options.Seed,
            Verbose = options.Verbose,
            Output = output,
            Progress = options.Verbose ? null : new EveryNthEpoch(output, every),
        });

        float loss = history["loss"][^1];
        output.WriteLine();
        output.WriteLine(FormattableString.Invariant($"final loss (MSE): {loss:0.0000} after {history.Epochs} epochs"));
        var predictions = new float[targets.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            model.Predict(inputs[i], predictions.AsSpan(i, 1));
            output.WriteLine(FormattableString.Invariant(
                $"[{inputs[i][0]}, {inputs[i][1]}, {inputs[i][2]}] -> {predictions[i],8:0.000}   (target {targets[i]}, error {Math.Round(predictions[i] - targets[i], 3) + 0f:0.000})"));
        }

        Directory.CreateDirectory(options.OutputDirectory);
        string weightsPath = Path.Combine(options.OutputDirectory, "regression.safetensors");
        string plotPath = Path.Combine(options.OutputDirectory, "loss.png");
        model.SaveWeights(weightsPath);
        HistoryPlot.SaveLoss(history, plotPath);
        output.WriteLine($"saved {weightsPath} and {plotPath}");

        return new RegressionResult(history.Epochs, loss, targets, predictions);
    }
}
