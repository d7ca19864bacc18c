namespace RnnGen;

/// <summary>
/// Keras <c>keras.metrics.Precision()</c>: <c>TP / (TP + FP)</c> at threshold 0.5, over every output element since
/// the last <see cref="Metric.Reset"/>; 0 when nothing was predicted positive (Keras's <c>divide_no_nan</c>).
/// TensorFlow.js: <c>tf.metrics.precision</c>.
/// </summary>
public sealed class Precision : ThresholdMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="threshold">Decision threshold; an output above it predicts 1.</param>
    public Precision(float threshold = 0.5f)
        : base(threshold)
    {
    }

    /// <summary>History key: <c>precision</c>.</summary>
    public override string Name => "precision";

    /// <summary><c>TP / (TP + FP)</c>, or 0.</summary>
    public override float Result => DivideNoNan(TruePositives, TruePositives + FalsePositives);
}
