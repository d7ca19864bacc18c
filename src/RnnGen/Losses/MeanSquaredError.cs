namespace RnnGen;

/// <summary>
/// Mean squared error over the output elements: <c>L = (1/n) Σ (o_i - t_i)²</c>, <c>dL/do_i = 2 (o_i - t_i) / n</c>.
/// Keras <c>keras.losses.MeanSquaredError</c>; PyTorch <c>nn.MSELoss()</c>.
/// </summary>
public sealed class MeanSquaredError : Loss
{
    /// <summary>Keras name: <c>mean_squared_error</c>.</summary>
    public override string Name => "mean_squared_error";

    /// <inheritdoc/>
    public override float Compute(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> outputGradient)
    {
        RequireSameLength(output, target, outputGradient);
        int n = output.Length;
        float scale = 2f / n;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            float d = output[i] - target[i];
            sum += (double)d * d;
            outputGradient[i] = scale * d;
        }

        return (float)(sum / n);
    }
}
