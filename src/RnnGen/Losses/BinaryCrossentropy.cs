namespace RnnGen;

/// <summary>
/// Binary cross-entropy averaged over the output elements, as Keras <c>keras.losses.BinaryCrossentropy</c>.
/// </summary>
/// <remarks>
/// <para>Probabilities (<c>fromLogits = false</c>): <c>p = clip(o, ε, 1 - ε)</c> with ε = 1e-7, and
/// <c>L = -(1/n) Σ [t log p + (1 - t) log(1 - p)]</c>. The gradient is the derivative of exactly that, so it is zero
/// where the clip is active: <c>dL/do = (p - t) / (p (1 - p) n)</c> inside <c>[ε, 1 - ε]</c>, else 0.</para>
/// <para>Logits (<c>fromLogits = true</c>): the stable form of <c>tf.nn.sigmoid_cross_entropy_with_logits</c>,
/// <c>L = (1/n) Σ [max(x, 0) - x t + log(1 + e^-|x|)]</c>, <c>dL/dx = (σ(x) - t) / n</c>.
/// PyTorch: <c>nn.BCELoss()</c> / <c>nn.BCEWithLogitsLoss()</c> (PyTorch clamps the log at -100 instead of clipping).</para>
/// </remarks>
public sealed class BinaryCrossentropy : Loss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="fromLogits">Whether the outputs are logits rather than probabilities.</param>
    public BinaryCrossentropy(bool fromLogits = false) => FromLogits = fromLogits;

    /// <summary>Whether the outputs are logits.</summary>
    public bool FromLogits { get; }

    /// <summary>Keras name: <c>binary_crossentropy</c>.</summary>
    public override string Name => "binary_crossentropy";

    /// <inheritdoc/>
    public override float Compute(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> outputGradient)
    {
        RequireSameLength(output, target, outputGradient);
        int n = output.Length;
        double inv = 1.0 / n;
        double sum = 0;
        if (FromLogits)
        {
            for (int i = 0; i < n; i++)
            {
                double x = output[i], t = target[i];
                sum += Math.Max(x, 0) - x * t + Math.Log(1 + Math.Exp(-Math.Abs(x)));
                double sigmoid = x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));
                outputGradient[i] = (float)((sigmoid - t) * inv);
            }

            return (float)(sum * inv);
        }

        const float hi = 1f - Epsilon;
        for (int i = 0; i < n; i++)
        {
            float o = output[i];
            double t = target[i];
            bool clipped = o < Epsilon || o > hi;
            double p = Math.Clamp(o, Epsilon, hi);
            sum -= t * Math.Log(p) + (1 - t) * Math.Log(1 - p);
            outputGradient[i] = clipped ? 0f : (float)((p - t) / (p * (1 - p)) * inv);
        }

        return (float)(sum * inv);
    }
}
