namespace RnnGen;

/// <summary>A metric that counts correct predictions: <c>Result = correct / total</c>.</summary>
public abstract class CountingMetric : Metric
{
    private long _correct;
    private long _total;

    /// <summary>History key: <c>accuracy</c>, as Keras names every accuracy metric compiled from the string.</summary>
    public override string Name => "accuracy";

    /// <summary><c>correct / total</c>, or 0 before any update.</summary>
    public override float Result => _total == 0 ? 0f : (float)((double)_correct / _total);

    /// <inheritdoc/>
    public override void Reset()
    {
        _correct = 0;
        _total = 0;
    }

    internal long Correct => _correct;

    internal long Total => _total;

    /// <summary>Records <paramref name="correct"/> hits out of <paramref name="total"/> predictions.</summary>
    /// <param name="correct">Correct predictions.</param>
    /// <param name="total">Predictions.</param>
    protected void Count(int correct, int total)
    {
        _correct += correct;
        _total += total;
    }
}
