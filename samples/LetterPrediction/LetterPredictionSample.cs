using RnnGen.Plotting;

namespace RnnGen.Samples.LetterPrediction;

/// <summary>
/// Teaches <see cref="LetterModel"/> the successor of each letter in a ring: a→b, b→c, c→d, d→e, e→a.
/// </summary>
public static class LetterPredictionSample
{
    /// <summary>The alphabet: letter <c>i</c> is class <c>i</c> and one-hot vector <c>e_i</c>.</summary>
    public const string Letters = "abcde";

    /// <summary>A seed with which 100 epochs reach accuracy 1.0.</summary>
    public const int DefaultSeed = 1;

    /// <summary>
    /// Trains with Adam(0.01), sparse categorical cross-entropy and batch 32, prints the summary, one Keras-style
    /// line per epoch, the final loss and accuracy and the predicted successor of every letter, then saves the
    /// weights (safetensors) and a loss chart.
    /// </summary>
    public static LetterPredictionResult Run(TextWriter output, LetterPredictionOptions options)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);

        // x = one-hot(letter i), y = i + 1 mod 5 (a sparse label)
        var inputs = new float[Letters.Length][];
        var targets = new float[Letters.Length][];
        for (int i = 0; i < Letters.Length; i++)
        {
            inputs[i] = Dataset.OneHot(i, Letters.Length);
            targets[i] = [(i + 1) % Letters.Length];
        }

        Dataset data = Dataset.FromArrays(inputs, targets);
        var model = new LetterModel(options.Seed);
        output.WriteLine(LetterModel.Summary);

        History history = model.Fit(data, new TrainingOptions
        {
            Epochs = options.Epochs,
            BatchSize = 32,
            Loss = Losses.SparseCategoricalCrossentropy(),
            Optimizer = new Adam(0.01f),
            Metrics = [Metrics.Accuracy()],
            Seed = options.Seed,
            Output = output,
        });

        IReadOnlyList<float> loss = history["loss"], accuracy = history["accuracy"];
        float finalLoss = loss[^1], finalAccuracy = accuracy[^1];
        output.WriteLine();
        output.WriteLine(FormattableString.Invariant($"final loss: {finalLoss:0.0000} - accuracy: {finalAccuracy:0.0000} after {history.Epochs} epochs"));

        Span<float> probabilities = stackalloc float[LetterModel.OutputSize];
        var predictions = new char[Letters.Length];
        for (int i = 0; i < Letters.Length; i++)
        {
            model.Predict(inputs[i], probabilities);
            predictions[i] = Letters[ArgMax(probabilities)];
            output.WriteLine($"{Letters[i]}->{predictions[i]}");
        }

        Directory.CreateDirectory(options.OutputDirectory);
        string weightsPath = Path.Combine(options.OutputDirectory, "letter.safetensors");
        string plotPath = Path.Combine(options.OutputDirectory, "loss.png");
        model.SaveWeights(weightsPath);
        HistoryPlot.SaveLoss(history, plotPath);
        output.WriteLine($"saved {weightsPath} and {plotPath}");

        return new LetterPredictionResult(history.Epochs, finalLoss, finalAccuracy, new string(predictions), weightsPath, plotPath);
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
