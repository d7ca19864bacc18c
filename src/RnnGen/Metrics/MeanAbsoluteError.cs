namespace RnnGen;

/// <summary>
/// Keras <c>keras.metrics.MeanAbsoluteError</c> (<c>"mae"</c>): the mean over samples of <c>(1/n) Σ |o_i - t_i|</c>.
/// </summary>
public sealed class MeanAbsoluteError : Metric
{
    private double _sum;
    private long _count;

    /// <summary>History key: <c>mae</c>.</summary>
    public override string Name => "mae";

    /// <summary>Mean absolute error over the samples since the last <see cref="Reset"/>.</summary>
    public override float Result => _count == 0 ? 0f : (float)(_sum / _count);

    /// <inheritdoc/>
    public override void Reset()
    {
        _sum = 0;
        _count = 0;
    }

    /// <inheritdoc/>
    public override void Update(ReadOnlySpan<float> output, ReadOnlySpan<float> target)
    {
        RequireTargetLength(output, target);
        double sum = 0;
        for (int i = 0; i < output.Length; i++)
        {
            sum += Math.Abs((double)output[i] - target[i]);
        }

        _sum += sum / output.Length;
        _count++;
    }
}
