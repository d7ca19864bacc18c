namespace RnnGen;

/// <summary>
/// Keras <c>keras.metrics.Recall()</c>: <c>TP / (TP + FN)</c> at threshold 0.5, over every output element since the
/// last <see cref="Metric.Reset"/>; 0 when there was no positive target (Keras's <c>divide_no_nan</c>).
/// TensorFlow.js: <c>tf.metrics.recall</c>.
/// </summary>
public sealed class Recall : ThresholdMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="threshold">Decision threshold; an output above it predicts 1.</param>
    public Recall(float threshold = 0.5f)
        : base(threshold)
    {
    }

    /// <summary>History key: <c>recall</c>.</summary>
    public override string Name => "recall";

    /// <summary><c>TP / (TP + FN)</c>, or 0.</summary>
    public override float Result => DivideNoNan(TruePositives, TruePositives + FalseNegatives);
}
