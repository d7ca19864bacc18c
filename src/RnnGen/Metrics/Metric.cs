namespace RnnGen;

/// <summary>
/// A running metric over samples (Keras <c>keras.metrics.Metric</c>): <see cref="Reset"/>, then <see cref="Update(ReadOnlySpan{float}, ReadOnlySpan{float})"/>
/// once per sample, then read <see cref="Result"/>. Updates allocate nothing.
/// </summary>
public abstract class Metric
{
    /// <summary>Key in <see cref="History"/> and in evaluation results, for example <c>accuracy</c> or <c>mae</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Forgets every update.</summary>
    public abstract void Reset();

    /// <summary>Adds one sample.</summary>
    /// <param name="output">The model's output for the sample.</param>
    /// <param name="target">The sample's target.</param>
    public abstract void Update(ReadOnlySpan<float> output, ReadOnlySpan<float> target);

    /// <summary>
    /// Adds one sample whose output is made of timesteps of <paramref name="stepSize"/> values
    /// (a model's <see cref="IRnnModel.StepOutputSize"/>). The default ignores the step size.
    /// </summary>
    /// <param name="output">The model's output for the sample.</param>
    /// <param name="target">The sample's target.</param>
    /// <param name="stepSize">Values per timestep in <paramref name="output"/>.</param>
    public virtual void Update(ReadOnlySpan<float> output, ReadOnlySpan<float> target, int stepSize) => Update(output, target);

    /// <summary>The metric over every sample since the last <see cref="Reset"/> (0 if none).</summary>
    public abstract float Result { get; }

    /// <summary>The name.</summary>
    /// <returns><see cref="Name"/>.</returns>
    public override string ToString() => Name;

    internal static void RequireTargetLength(ReadOnlySpan<float> output, ReadOnlySpan<float> target)
    {
        if (target.Length != output.Length)
        {
            throw new ArgumentException(
                $"Expected a target of the output's length {output.Length}, but got length {target.Length}.", nameof(target));
        }
    }

    internal static int ArgMax(ReadOnlySpan<float> x)
    {
        int best = 0;
        for (int i = 1; i < x.Length; i++)
        {
            if (x[i] > x[best])
            {
                best = i;
            }
        }

        return best;
    }
}
