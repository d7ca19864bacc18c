namespace RnnGen;

/// <summary>
/// Keras <c>keras.metrics.BinaryAccuracy</c>: each output element predicts <c>1</c> when <c>output &gt; threshold</c>
/// (else <c>0</c>) and is correct when that equals the target, so targets are expected to be 0 or 1.
/// </summary>
public sealed class BinaryAccuracy : CountingMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="threshold">Decision threshold.</param>
    public BinaryAccuracy(float threshold = 0.5f) => Threshold = threshold;

    /// <summary>Decision threshold.</summary>
    public float Threshold { get; }

    /// <inheritdoc/>
    public override void Update(ReadOnlySpan<float> output, ReadOnlySpan<float> target)
    {
        RequireTargetLength(output, target);
        int correct = 0;
        for (int i = 0; i < output.Length; i++)
        {
            float predicted = output[i] > Threshold ? 1f : 0f;
            if (predicted == target[i])
            {
                correct++;
            }
        }

        Count(correct, output.Length);
    }
}
