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
}
