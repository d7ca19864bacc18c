namespace RnnGen;

/// <summary>
/// Keras's <c>metrics=["accuracy"]</c>: the kind of accuracy is chosen per sample from the shapes.
/// <list type="bullet">
/// <item>output length 1: binary accuracy at threshold 0.5;</item>
/// <item>target length equals output length: categorical accuracy (argmax vs argmax, per timestep for sequences);</item>
/// <item>otherwise: sparse categorical accuracy (one integer label per class vector).</item>
/// </list>
/// </summary>
public sealed class Accuracy : CountingMetric
{
    private readonly BinaryAccuracy _binary = new();
    private readonly CategoricalAccuracy _categorical = new();
    private readonly SparseCategoricalAccuracy _sparse = new();

    /// <inheritdoc/>
    public override void Reset()
    {
        base.Reset();
        _binary.Reset();
        _categorical.Reset();
        _sparse.Reset();
    }

    /// <inheritdoc/>
    public override void Update(ReadOnlySpan<float> output, ReadOnlySpan<float> target) => Update(output, target, output.Length);

    /// <inheritdoc/>
    public override void Update(ReadOnlySpan<float> output, ReadOnlySpan<float> target, int stepSize)
    {
        if (output.Length == 1 || (stepSize == 1 && target.Length == output.Length))
        {
            Delegate(_binary, output, target, 1);
        }
        else if (target.Length == output.Length)
        {
            Delegate(_categorical, output, target, stepSize);
        }
        else
        {
            Delegate(_sparse, output, target, stepSize);
        }
    }

    private void Delegate(CountingMetric inner, ReadOnlySpan<float> output, ReadOnlySpan<float> target, int stepSize)
    {
        // Count through the inner metric, then move its tally here.
        inner.Reset();
        inner.Update(output, target, stepSize);
        Count((int)inner.Correct, (int)inner.Total);
    }
}
