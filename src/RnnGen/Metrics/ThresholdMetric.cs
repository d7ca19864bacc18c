namespace RnnGen;

/// <summary>
/// Counts true and false positives and negatives at one decision threshold, element by element, as Keras's
/// <c>metrics_utils.update_confusion_matrix_variables</c> does: an output <c>o</c> predicts positive when
/// <c>o &gt; threshold</c>, and a target is positive when it is 1 (targets are expected to be 0 or 1).
/// </summary>
public abstract class ThresholdMetric : Metric
{
    private long _truePositives, _falsePositives, _trueNegatives, _falseNegatives;

    /// <summary>Creates the metric.</summary>
    /// <param name="threshold">Decision threshold in [0, 1] (Keras default 0.5).</param>
    protected ThresholdMetric(float threshold)
    {
        if (!(threshold >= 0f && threshold <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be in [0, 1].");
        }

        Threshold = threshold;
    }

    /// <summary>Decision threshold: an output above it predicts the positive class.</summary>
    public float Threshold { get; }

    /// <summary>Outputs above the threshold whose target is 1.</summary>
    public long TruePositives => _truePositives;

    /// <summary>Outputs above the threshold whose target is 0.</summary>
    public long FalsePositives => _falsePositives;

    /// <summary>Outputs at or below the threshold whose target is 0.</summary>
    public long TrueNegatives => _trueNegatives;

    /// <summary>Outputs at or below the threshold whose target is 1.</summary>
    public long FalseNegatives => _falseNegatives;

    /// <inheritdoc/>
    public override void Reset()
    {
        _truePositives = _falsePositives = _trueNegatives = _falseNegatives = 0;
    }

    /// <inheritdoc/>
    public override void Update(ReadOnlySpan<float> output, ReadOnlySpan<float> target)
    {
        RequireTargetLength(output, target);
        for (int i = 0; i < output.Length; i++)
        {
            bool predicted = output[i] > Threshold, actual = target[i] == 1f;
            if (predicted)
            {
                if (actual)
                {
                    _truePositives++;
                }
                else
                {
                    _falsePositives++;
                }
            }
            else if (actual)
            {
                _falseNegatives++;
            }
            else
            {
                _trueNegatives++;
            }
        }
    }

    /// <summary><c>a / b</c>, or 0 when <c>b = 0</c> (Keras <c>divide_no_nan</c>).</summary>
    private protected static float DivideNoNan(long a, long b) => b == 0 ? 0f : (float)((double)a / b);
}
