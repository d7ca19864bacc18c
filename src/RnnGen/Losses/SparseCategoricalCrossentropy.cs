namespace RnnGen;

/// <summary>
/// Cross-entropy against integer class labels, as Keras <c>keras.losses.SparseCategoricalCrossentropy</c>.
/// </summary>
/// <remarks>
/// <para>The target holds <c>k</c> labels (stored as floats) and the output <c>k * C</c> values: one label per class
/// vector. <c>k = 1</c> for a single output; <c>k = Timesteps</c> for a sequence output, where the loss is the mean over
/// timesteps (Keras's mean over <c>batch * timesteps</c>).</para>
/// <para>Per class vector it is <see cref="CategoricalCrossentropy"/> with a one-hot target: probabilities are
/// normalized by their sum, clipped to <c>[1e-7, 1 - 1e-7]</c>, and <c>L = -log p_y</c>; logits use
/// <c>L = logsumexp(x) - x_y</c>, <c>dL/dx = softmax(x) - onehot(y)</c>. PyTorch: <c>nn.CrossEntropyLoss()</c> on logits,
/// <c>nn.NLLLoss()</c> on log-probabilities.</para>
/// </remarks>
public sealed class SparseCategoricalCrossentropy : Loss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="fromLogits">Whether the outputs are logits rather than probabilities.</param>
    public SparseCategoricalCrossentropy(bool fromLogits = false) => FromLogits = fromLogits;

    /// <summary>Whether the outputs are logits.</summary>
    public bool FromLogits { get; }

    /// <summary>Keras name: <c>sparse_categorical_crossentropy</c>.</summary>
    public override string Name => "sparse_categorical_crossentropy";

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The output length is not a multiple of the label count, or a label is not an integer in <c>[0, C)</c>.</exception>
    public override float Compute(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> outputGradient)
    {
        RequireGradient(output, outputGradient);
        int k = target.Length;
        if (k == 0 || output.Length % k != 0)
        {
            throw new ArgumentException(
                $"Expected the output length {output.Length} to be a multiple of the label count {k} (one label per class vector).",
                nameof(target));
        }

        int classes = output.Length / k;
        double scale = 1.0 / k;
        double sum = 0;
        for (int s = 0; s < k; s++)
        {
            float label = target[s];
            int y = (int)label;
            if (y != label || y < 0 || y >= classes)
            {
                throw new ArgumentException(
                    $"Label {label} at position {s} is not a class index: expected an integer in [0, {classes}).", nameof(target));
            }

            int at = s * classes;
            sum += FromLogits
                ? CrossEntropy.SparseFromLogits(output.Slice(at, classes), y, outputGradient.Slice(at, classes), scale)
                : CrossEntropy.SparseFromProbabilities(output.Slice(at, classes), y, outputGradient.Slice(at, classes), scale);
        }

        return (float)(sum * scale);
    }
}
