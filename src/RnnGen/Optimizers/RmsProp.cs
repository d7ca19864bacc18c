using System.Numerics.Tensors;
using RnnGen.CompilerServices;

namespace RnnGen;

/// <summary>
/// RMSprop without momentum or centering, as Keras 3 <c>keras.optimizers.RMSprop</c>.
/// </summary>
/// <remarks>
/// <para>With <c>v</c> starting at zero:</para>
/// <code>
/// v = rho * v + (1 - rho) * g²
/// p = p - lr * g / sqrt(v + epsilon)
/// </code>
/// <para>Keras 3 (and TensorFlow.js) put epsilon inside the square root. PyTorch <c>torch.optim.RMSprop(alpha=rho)</c>
/// uses <c>p -= lr * g / (sqrt(v) + eps)</c> with <c>eps = 1e-8</c>; the two differ only while <c>v</c> is near epsilon.</para>
/// </remarks>
public sealed class RmsProp : Optimizer
{
    private AlignedBuffer _v;
    private AlignedBuffer _scratch;

    /// <summary>Creates the optimizer (Keras defaults).</summary>
    /// <param name="learningRate">Step size <c>lr</c>.</param>
    /// <param name="rho">Decay of the running mean of squared gradients.</param>
    /// <param name="epsilon">Added to <c>v</c> under the square root.</param>
    public RmsProp(float learningRate = 0.001f, float rho = 0.9f, float epsilon = 1e-7f)
        : base(learningRate)
    {
        if (!(rho >= 0f && rho < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(rho), rho, "rho must be in [0, 1).");
        }

        if (!(epsilon >= 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be >= 0.");
        }

        Rho = rho;
        Epsilon = epsilon;
    }

    /// <summary>Decay of the running mean of squared gradients.</summary>
    public float Rho { get; }

    /// <summary>Stability constant added to <c>v</c> under the square root.</summary>
    public float Epsilon { get; }

    /// <inheritdoc/>
    protected override void CreateState(int length)
    {
        _v = new AlignedBuffer(length);
        _scratch = new AlignedBuffer(length);
    }

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long iteration)
    {
        Span<float> v = _v.Span, s = _scratch.Span;

        // v = rho * v + (1 - rho) * g²
        TensorPrimitives.Multiply(gradients, gradients, s);
        TensorPrimitives.Multiply(s, 1f - Rho, s);
        TensorPrimitives.MultiplyAdd(v, Rho, s, v);

        // p = p - lr * g / sqrt(v + eps)
        TensorPrimitives.Add(v, Epsilon, s);
        TensorPrimitives.Sqrt(s, s);
        TensorPrimitives.Divide(gradients, s, s);
        TensorPrimitives.MultiplyAdd(s, -LearningRate, parameters, parameters);
    }
}
