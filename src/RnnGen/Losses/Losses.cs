namespace RnnGen;

/// <summary>Factory for the built-in losses, named as in <c>keras.losses</c>.</summary>
public static class Losses
{
    /// <summary>Mean squared error: <c>mean((output - target)²)</c>. Keras <c>"mse"</c>, PyTorch <c>nn.MSELoss()</c>.</summary>
    /// <returns>A new <see cref="RnnGen.MeanSquaredError"/>.</returns>
    public static Loss MeanSquaredError() => new MeanSquaredError();

    /// <summary>Binary cross-entropy averaged over the outputs. Keras <c>BinaryCrossentropy(from_logits)</c>.</summary>
    /// <param name="fromLogits">Whether the outputs are logits rather than probabilities.</param>
    /// <returns>A new <see cref="RnnGen.BinaryCrossentropy"/>.</returns>
    public static Loss BinaryCrossentropy(bool fromLogits = false) => new BinaryCrossentropy(fromLogits);

    /// <summary>Cross-entropy with integer class labels. Keras <c>SparseCategoricalCrossentropy(from_logits)</c>.</summary>
    /// <param name="fromLogits">Whether the outputs are logits rather than probabilities.</param>
    /// <returns>A new <see cref="RnnGen.SparseCategoricalCrossentropy"/>.</returns>
    public static Loss SparseCategoricalCrossentropy(bool fromLogits = false) => new SparseCategoricalCrossentropy(fromLogits);

    /// <summary>Cross-entropy with one-hot (or probability) targets. Keras <c>CategoricalCrossentropy(from_logits)</c>.</summary>
    /// <param name="fromLogits">Whether the outputs are logits rather than probabilities.</param>
    /// <returns>A new <see cref="RnnGen.CategoricalCrossentropy"/>.</returns>
    public static Loss CategoricalCrossentropy(bool fromLogits = false) => new CategoricalCrossentropy(fromLogits);
}
