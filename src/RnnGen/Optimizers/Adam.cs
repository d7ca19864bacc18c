using System.Numerics.Tensors;
using RnnGen.CompilerServices;

namespace RnnGen;

/// <summary>
/// Adam, as Keras <c>keras.optimizers.Adam</c> (Kingma and Ba, with Keras's "epsilon hat").
/// </summary>
/// <remarks>
/// <para>At step <c>t</c> (from 1), with <c>m</c> and <c>v</c> starting at zero:</para>
/// <code>
/// m = m + (g - m) * (1 - beta1)          // = beta1 * m + (1 - beta1) * g
/// v = v + (g² - v) * (1 - beta2)         // = beta2 * v + (1 - beta2) * g²
/// lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)   // powers computed in double
/// p = p - lr_t * m / (sqrt(v) + epsilon)
/// </code>
/// <para>PyTorch <c>torch.optim.Adam</c> bias-corrects first and then adds epsilon:
/// <c>p -= lr * m̂ / (sqrt(v̂) + eps)</c> with <c>m̂ = m / (1 - beta1^t)</c>, <c>v̂ = v / (1 - beta2^t)</c>, and defaults
/// <c>eps = 1e-8</c>. The two agree except when <c>sqrt(v)</c> is comparable to epsilon.</para>
/// </remarks>
public sealed class Adam : Optimizer
{
    private AlignedBuffer _m;
    private AlignedBuffer _v;
    private AlignedBuffer _scratch;

    /// <summary>Creates the optimizer (Keras defaults).</summary>
    /// <param name="learningRate">Step size <c>lr</c>.</param>
    /// <param name="beta1">Decay of the first moment.</param>
    /// <param name="beta2">Decay of the second moment.</param>
    /// <param name="epsilon">Added to <c>sqrt(v)</c> for stability.</param>
    public Adam(float learningRate = 0.001f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-7f)
        : base(learningRate)
    {
        if (!(beta1 >= 0f && beta1 < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "beta1 must be in [0, 1).");
        }

        if (!(beta2 >= 0f && beta2 < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "beta2 must be in [0, 1).");
        }

        if (!(epsilon >= 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be >= 0.");
        }

        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    /// <summary>Decay of the first moment estimate.</summary>
    public float Beta1 { get; }

    /// <summary>Decay of the second moment estimate.</summary>
    public float Beta2 { get; }

    /// <summary>Stability constant added to <c>sqrt(v)</c>.</summary>
    public float Epsilon { get; }

    /// <inheritdoc/>
    protected override void CreateState(int length)
    {
        _m = new AlignedBuffer(length);
        _v = new AlignedBuffer(length);
        _scratch = new AlignedBuffer(length);
    }

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long iteration)
    {
        Span<float> m = _m.Span, v = _v.Span, s = _scratch.Span;
        double t = iteration;
        float alpha = (float)(LearningRate * Math.Sqrt(1.0 - Math.Pow(Beta2, t)) / (1.0 - Math.Pow(Beta1, t)));

        // m = m + (g - m) * (1 - beta1)
        TensorPrimitives.Subtract(gradients, m, s);
        TensorPrimitives.MultiplyAdd(s, 1f - Beta1, m, m);

        // v = v + (g² - v) * (1 - beta2)
        TensorPrimitives.Multiply(gradients, gradients, s);
        TensorPrimitives.Subtract(s, v, s);
        TensorPrimitives.MultiplyAdd(s, 1f - Beta2, v, v);

        // p = p - alpha * m / (sqrt(v) + eps)
        TensorPrimitives.Sqrt(v, s);
        TensorPrimitives.Add(s, Epsilon, s);
        TensorPrimitives.Divide(m, s, s);
        TensorPrimitives.MultiplyAdd(s, -alpha, parameters, parameters);
    }
}
