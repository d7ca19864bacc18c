namespace RnnGen;

/// <summary>
/// A loss function for ONE sample: returns the sample's loss and writes dLoss/dOutput.
/// Fit averages it over the batch, as Keras's default <c>"sum_over_batch_size"</c> reduction does.
/// </summary>
/// <remarks>
/// For a sequence output (<c>Timesteps * units</c> values), losses that work per class vector
/// (<see cref="CategoricalCrossentropy"/>, <see cref="SparseCategoricalCrossentropy"/>) average over the timesteps,
/// which equals Keras's mean over <c>batch * timesteps</c> when every sample has the same length.
/// </remarks>
public abstract class Loss
{
    /// <summary>Keras-style name, for example <c>mean_squared_error</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Loss of one sample and its gradient.</summary>
    /// <param name="output">The model's output for the sample.</param>
    /// <param name="target">The target for the sample.</param>
    /// <param name="outputGradient">Receives dLoss/dOutput; same length as <paramref name="output"/>.</param>
    /// <returns>The sample's loss.</returns>
    public abstract float Compute(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> outputGradient);

    /// <summary>
    /// Like <see cref="Compute(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>, for an output made of
    /// timesteps of <paramref name="stepSize"/> values each (a model's <see cref="IRnnModel.StepOutputSize"/>).
    /// Only losses that need the class-vector length use it; the default ignores it.
    /// </summary>
    /// <param name="output">The model's output for the sample.</param>
    /// <param name="target">The target for the sample.</param>
    /// <param name="outputGradient">Receives dLoss/dOutput.</param>
    /// <param name="stepSize">Values per timestep in <paramref name="output"/>.</param>
    /// <returns>The sample's loss.</returns>
    public virtual float Compute(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> outputGradient, int stepSize) =>
        Compute(output, target, outputGradient);

    /// <summary>The Keras name.</summary>
    /// <returns><see cref="Name"/>.</returns>
    public override string ToString() => Name;

    /// <summary>Keras's fuzz factor <c>keras.backend.epsilon()</c> = 1e-7, used to clip probabilities.</summary>
    internal const float Epsilon = 1e-7f;

    internal static void RequireSameLength(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> outputGradient)
    {
        if (target.Length != output.Length)
        {
            throw new ArgumentException(
                $"Expected a target of the output's length {output.Length}, but got length {target.Length}.", nameof(target));
        }

        RequireGradient(output, outputGradient);
    }

    internal static void RequireGradient(ReadOnlySpan<float> output, Span<float> outputGradient)
    {
        if (outputGradient.Length != output.Length)
        {
            throw new ArgumentException(
                $"Expected an output gradient of the output's length {output.Length}, but got length {outputGradient.Length}.",
                nameof(outputGradient));
        }
    }
}
