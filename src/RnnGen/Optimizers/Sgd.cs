using System.Numerics.Tensors;

namespace RnnGen;

/// <summary>
/// Stochastic gradient descent with optional (Nesterov) momentum, as Keras <c>keras.optimizers.SGD</c>.
/// </summary>
/// <remarks>
/// <para>Without momentum: <c>p = p - lr * g</c>.</para>
/// <para>With momentum <c>m</c>: <c>v = m * v - lr * g; p = p + v</c>; with Nesterov: <c>p = p + m * v - lr * g</c>
/// (using the new <c>v</c>). <c>v</c> starts at zero.</para>
/// <para>PyTorch <c>torch.optim.SGD(lr, momentum, nesterov)</c> keeps <c>b = m * b + g; p -= lr * b</c>, which gives the
/// same trajectory for a constant learning rate.</para>
/// </remarks>
public sealed class Sgd : Optimizer
{
    private float[] _velocity = [];

    /// <summary>Creates the optimizer (Keras defaults: <c>learning_rate=0.01, momentum=0.0, nesterov=False</c>).</summary>
    /// <param name="learningRate">Step size <c>lr</c>.</param>
    /// <param name="momentum">Momentum factor <c>m</c> in <c>[0, 1)</c>.</param>
    /// <param name="nesterov">Whether to use Nesterov momentum.</param>
    public Sgd(float learningRate = 0.01f, float momentum = 0f, bool nesterov = false)
        : base(learningRate)
    {
        if (!(momentum >= 0f && momentum < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must be in [0, 1).");
        }

        Momentum = momentum;
        Nesterov = nesterov;
    }

    /// <summary>Momentum factor <c>m</c>.</summary>
    public float Momentum { get; }

    /// <summary>Whether the update uses Nesterov momentum.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    protected override void CreateState(int length) => _velocity = Momentum != 0f ? new float[length] : [];

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long iteration)
    {
        float lr = LearningRate;
        if (Momentum == 0f)
        {
            // p = p - lr * g
            TensorPrimitives.MultiplyAdd(gradients, -lr, parameters, parameters);
            return;
        }

        Span<float> v = _velocity;
        // v = m * v - lr * g
        TensorPrimitives.Multiply(v, Momentum, v);
        TensorPrimitives.MultiplyAdd(gradients, -lr, v, v);
        if (Nesterov)
        {
            // p = p + m * v - lr * g
            TensorPrimitives.MultiplyAdd(v, Momentum, parameters, parameters);
            TensorPrimitives.MultiplyAdd(gradients, -lr, parameters, parameters);
        }
        else
        {
            // p = p + v
            TensorPrimitives.Add(parameters, v, parameters);
        }
    }
}
