namespace RnnGen;

/// <summary>Factory for the built-in metrics, named as in <c>keras.metrics</c>.</summary>
public static class Metrics
{
    /// <summary>
    /// Keras's <c>"accuracy"</c> string: picks binary, categorical or sparse categorical accuracy from the shapes of
    /// each sample (see <see cref="RnnGen.Accuracy"/>). History key <c>accuracy</c>.
    /// </summary>
    /// <returns>A new <see cref="RnnGen.Accuracy"/>.</returns>
    public static Metric Accuracy() => new Accuracy();

    /// <summary>Fraction of class vectors whose argmax equals the integer label. History key <c>accuracy</c>.</summary>
    /// <returns>A new <see cref="RnnGen.SparseCategoricalAccuracy"/>.</returns>
    public static Metric SparseCategoricalAccuracy() => new SparseCategoricalAccuracy();

    /// <summary>Fraction of class vectors whose argmax equals the target's argmax. History key <c>accuracy</c>.</summary>
    /// <returns>A new <see cref="RnnGen.CategoricalAccuracy"/>.</returns>
    public static Metric CategoricalAccuracy() => new CategoricalAccuracy();

    /// <summary>Fraction of outputs on the target's side of <paramref name="threshold"/>. History key <c>accuracy</c>.</summary>
    /// <param name="threshold">Decision threshold; an output above it predicts 1.</param>
    /// <returns>A new <see cref="RnnGen.BinaryAccuracy"/>.</returns>
    public static Metric BinaryAccuracy(float threshold = 0.5f) => new BinaryAccuracy(threshold);

    /// <summary>Mean of <c>|output - target|</c>. History key <c>mae</c>.</summary>
    /// <returns>A new <see cref="RnnGen.MeanAbsoluteError"/>.</returns>
    public static Metric MeanAbsoluteError() => new MeanAbsoluteError();

    /// <summary>
    /// <c>TP / (TP + FP)</c> at threshold 0.5 over every output element (Keras <c>keras.metrics.Precision()</c>).
    /// History key <c>precision</c>.
    /// </summary>
    /// <returns>A new <see cref="RnnGen.Precision"/>.</returns>
    public static Metric Precision() => new Precision();

    /// <summary>
    /// <c>TP / (TP + FN)</c> at threshold 0.5 over every output element (Keras <c>keras.metrics.Recall()</c>).
    /// History key <c>recall</c>.
    /// </summary>
    /// <returns>A new <see cref="RnnGen.Recall"/>.</returns>
    public static Metric Recall() => new Recall();

    /// <summary>
    /// Area under the ROC curve from 200 thresholds with trapezoidal interpolation (Keras <c>keras.metrics.AUC()</c>).
    /// History key <c>auc</c>.
    /// </summary>
    /// <returns>A new <see cref="RnnGen.Auc"/>.</returns>
    public static Metric Auc() => new Auc();
}
