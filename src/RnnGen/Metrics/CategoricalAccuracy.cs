namespace RnnGen;

/// <summary>
/// Keras <c>keras.metrics.CategoricalAccuracy</c>: a class vector is correct when <c>argmax(output) == argmax(target)</c>.
/// A sequence output (target and output <c>Timesteps * C</c>) counts every timestep; C comes from the
/// <c>stepSize</c> overload (Fit passes <see cref="IRnnModel.StepOutputSize"/>).
/// </summary>
public sealed class CategoricalAccuracy : CountingMetric
{
    /// <inheritdoc/>
    public override void Update(ReadOnlySpan<float> output, ReadOnlySpan<float> target) => Update(output, target, output.Length);

    /// <inheritdoc/>
    public override void Update(ReadOnlySpan<float> output, ReadOnlySpan<float> target, int stepSize)
    {
        if (target.Length != output.Length)
        {
            throw new ArgumentException(
                $"Expected a one-hot target of the output's length {output.Length}, but got length {target.Length}.", nameof(target));
        }

        if (stepSize <= 0 || output.Length % stepSize != 0)
        {
            throw new ArgumentException(
                $"Expected the output length {output.Length} to be a multiple of the step size {stepSize}.", nameof(stepSize));
        }

        int correct = 0, steps = output.Length / stepSize;
        for (int s = 0; s < steps; s++)
        {
            if (ArgMax(output.Slice(s * stepSize, stepSize)) == ArgMax(target.Slice(s * stepSize, stepSize)))
            {
                correct++;
            }
        }

        Count(correct, steps);
    }
}
