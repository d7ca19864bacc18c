using System.Numerics.Tensors;

namespace RnnGen;

/// <summary>
/// Updates a flat parameter vector from its gradient, one <see cref="Step"/> per batch (Keras <c>keras.optimizers.Optimizer</c>).
/// </summary>
/// <remarks>
/// <para>State (moments, velocities) is sized on the first <see cref="Step"/> and reused; a later step with a different
/// length throws. After the first step, <see cref="Step"/> allocates nothing.</para>
/// <para>Clipping is applied to a private copy of the gradient, never to the caller's span: first
/// <see cref="ClipNorm"/>, then <see cref="ClipValue"/>.</para>
/// </remarks>
public abstract class Optimizer
{
    private float[]? _clipped;
    private float? _clipNorm;
    private float? _clipValue;

    /// <summary>Creates an optimizer with the given learning rate.</summary>
    /// <param name="learningRate">Step size; must be finite and non-negative.</param>
    protected Optimizer(float learningRate)
    {
        if (!float.IsFinite(learningRate) || learningRate < 0f)
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be finite and >= 0.");
        }

        LearningRate = learningRate;
    }

    /// <summary>Step size <c>lr</c> used by the update formula. May be changed between steps (a schedule).</summary>
    public float LearningRate { get; set; }

    /// <summary>Number of steps taken so far (Keras <c>optimizer.iterations</c>).</summary>
    public long Iterations { get; private set; }

    /// <summary>
    /// If set, the gradient is rescaled so its L2 norm is at most this value: <c>g = g * clipNorm / max(‖g‖₂, clipNorm)</c>
    /// (Keras <c>clipnorm</c>, <c>tf.clip_by_norm</c>). Keras clips each weight tensor separately; here the whole flat
    /// gradient of the model is treated as ONE tensor, which is Keras's <c>global_clipnorm</c> and PyTorch's
    /// <c>torch.nn.utils.clip_grad_norm_(model.parameters(), clipNorm)</c>.
    /// </summary>
    public float? ClipNorm
    {
        get => _clipNorm;
        set
        {
            if (value is { } v && !(v > 0f))
            {
                throw new ArgumentOutOfRangeException(nameof(value), v, "ClipNorm must be > 0.");
            }

            _clipNorm = value;
        }
    }

    /// <summary>
    /// If set, each gradient element is clamped to <c>[-clipValue, clipValue]</c> (Keras <c>clipvalue</c>,
    /// PyTorch <c>torch.nn.utils.clip_grad_value_</c>).
    /// </summary>
    public float? ClipValue
    {
        get => _clipValue;
        set
        {
            if (value is { } v && !(v > 0f))
            {
                throw new ArgumentOutOfRangeException(nameof(value), v, "ClipValue must be > 0.");
            }

            _clipValue = value;
        }
    }

    /// <summary>Length of the parameter vector this optimizer is bound to, or 0 before the first <see cref="Step"/>.</summary>
    public int Length { get; private set; }

    /// <summary>Applies one update: <c>parameters -= f(gradients)</c> with the subclass's formula.</summary>
    /// <param name="parameters">Weights, updated in place.</param>
    /// <param name="gradients">dLoss/dParameters, same length; not modified.</param>
    /// <exception cref="ArgumentException">The lengths differ, or differ from the first step's length.</exception>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        if (parameters.Length != gradients.Length)
        {
            throw new ArgumentException(
                $"Expected gradients of the same length as the parameters ({parameters.Length}), but got length {gradients.Length}.",
                nameof(gradients));
        }

        if (Length == 0)
        {
            if (parameters.Length == 0)
            {
                throw new ArgumentException("Expected at least one parameter, but got length 0.", nameof(parameters));
            }

            Length = parameters.Length;
            _clipped = new float[Length];
            CreateState(Length);
        }
        else if (parameters.Length != Length)
        {
            throw new ArgumentException(
                $"This optimizer was first used with {Length} parameters; it cannot step {parameters.Length} parameters. Use one optimizer per model.",
                nameof(parameters));
        }

        ReadOnlySpan<float> g = Clip(gradients);
        Iterations++;
        Update(parameters, g, Iterations);
    }

    /// <summary>Allocates the optimizer state for <paramref name="length"/> parameters (called once).</summary>
    /// <param name="length">Number of parameters.</param>
    protected abstract void CreateState(int length);

    /// <summary>The update formula. Spans have equal length; must not allocate.</summary>
    /// <param name="parameters">Weights to update in place.</param>
    /// <param name="gradients">Clipped gradient.</param>
    /// <param name="iteration">1-based step number <c>t</c>.</param>
    protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long iteration);

    private ReadOnlySpan<float> Clip(ReadOnlySpan<float> gradients)
    {
        if (_clipNorm is null && _clipValue is null)
        {
            return gradients;
        }

        Span<float> g = _clipped;
        gradients.CopyTo(g);
        if (_clipNorm is { } clipNorm)
        {
            // g = g * c / max(||g||, c)
            float norm = TensorPrimitives.Norm(g);
            if (norm > clipNorm)
            {
                TensorPrimitives.Multiply(g, clipNorm / norm, g);
            }
        }

        if (_clipValue is { } clipValue)
        {
            TensorPrimitives.Clamp(g, -clipValue, clipValue, g);
        }

        return g;
    }
}
