namespace RnnGen;

/// <summary>
/// Keras <c>keras.metrics.SparseCategoricalAccuracy</c>: with <c>k</c> labels and an output of <c>k * C</c> values,
/// class vector <c>s</c> is correct when <c>argmax(output[s*C .. s*C+C)) == target[s]</c>.
/// </summary>
public sealed class SparseCategoricalAccuracy : CountingMetric
{
    /// <inheritdoc/>
    public override void Update(ReadOnlySpan<float> output, ReadOnlySpan<float> target)
    {
        int k = target.Length;
        if (k == 0 || output.Length % k != 0)
        {
            throw new ArgumentException(
                $"Expected the output length {output.Length} to be a multiple of the label count {k}.", nameof(target));
        }

        int classes = output.Length / k, correct = 0;
        for (int s = 0; s < k; s++)
        {
            if (ArgMax(output.Slice(s * classes, classes)) == target[s])
            {
                correct++;
            }
        }

        Count(correct, k);
    }
}
