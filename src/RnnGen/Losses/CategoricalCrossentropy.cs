namespace RnnGen;

/// <summary>
/// Cross-entropy against a probability (usually one-hot) target, as Keras 3 <c>keras.losses.CategoricalCrossentropy</c>.
/// </summary>
/// <remarks>
/// <para>Probabilities (<c>fromLogits = false</c>), per class vector <c>o</c> of length C:
/// <c>q = o / Σo</c>, <c>p = clip(q, ε, 1 - ε)</c> with ε = 1e-7, <c>L = -Σ t_i log p_i</c>. The gradient is the
/// derivative of exactly that: with <c>g_i = -t_i / p_i</c> where the clip is inactive (0 where it is active),
/// <c>dL/do_j = (g_j - Σ_i g_i q_i) / Σo</c>. A saturated softmax output gives a finite loss and gradient.</para>
/// <para>Logits (<c>fromLogits = true</c>): <c>L = logsumexp(x) Σt - Σ t_i x_i</c>, <c>dL/dx = softmax(x) Σt - t</c>.
/// PyTorch: <c>nn.CrossEntropyLoss()</c> on logits with probability targets.</para>
/// <para>A sequence output (target and output both <c>Timesteps * C</c>) is scored per timestep and averaged, as Keras
/// does for 3-D outputs; C comes from the <c>stepSize</c> overload (Fit passes the model's <see cref="IRnnModel.StepOutputSize"/>).</para>
/// </remarks>
public sealed class CategoricalCrossentropy : Loss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="fromLogits">Whether the outputs are logits rather than probabilities.</param>
    public CategoricalCrossentropy(bool fromLogits = false) => FromLogits = fromLogits;

    /// <summary>Whether the outputs are logits.</summary>
    public bool FromLogits { get; }

    /// <summary>Keras name: <c>categorical_crossentropy</c>.</summary>
    public override string Name => "categorical_crossentropy";

    /// <summary>Loss of one sample whose whole output is one class vector.</summary>
    /// <param name="output">Class probabilities (or logits).</param>
    /// <param name="target">Target distribution, same length.</param>
    /// <param name="outputGradient">Receives dLoss/dOutput.</param>
    /// <returns>The sample's loss.</returns>
    public override float Compute(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> outputGradient) =>
        Compute(output, target, outputGradient, output.Length);

    /// <inheritdoc/>
    public override float Compute(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> outputGradient, int stepSize)
    {
        RequireSameLength(output, target, outputGradient);
        if (stepSize <= 0 || output.Length % stepSize != 0)
        {
            throw new ArgumentException(
                $"Expected the output length {output.Length} to be a multiple of the step size {stepSize}.", nameof(stepSize));
        }

        int steps = output.Length / stepSize;
        double scale = 1.0 / steps;
        double sum = 0;
        for (int s = 0; s < steps; s++)
        {
            int at = s * stepSize;
            sum += FromLogits
                ? CrossEntropy.FromLogits(output.Slice(at, stepSize), target.Slice(at, stepSize), outputGradient.Slice(at, stepSize), scale)
                : CrossEntropy.FromProbabilities(output.Slice(at, stepSize), target.Slice(at, stepSize), outputGradient.Slice(at, stepSize), scale);
        }

        return (float)(sum * scale);
    }
}
