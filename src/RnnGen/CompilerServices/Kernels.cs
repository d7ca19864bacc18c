using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace RnnGen.CompilerServices;

/// <summary>
/// Span kernels shared by generated code (loop mode) and the dynamic layers.
/// Matrices are row-major, Keras layout: a kernel <c>[m, n]</c> has element <c>(i, j)</c> at <c>i * n + j</c>.
/// Inner loops trust their inputs; callers check lengths at the public boundary.
/// </summary>
public static class Kernels
{
    /// <summary><c>y[j] += sum_i x[i] * w[i, j]</c>, with <c>w</c> of shape <c>[x.Length, y.Length]</c>.</summary>
    public static void MatVecAdd(ReadOnlySpan<float> x, ReadOnlySpan<float> w, Span<float> y)
    {
        int n = y.Length;
        for (int i = 0; i < x.Length; i++)
        {
            float xi = x[i];
            if (xi != 0f)
            {
                TensorPrimitives.MultiplyAdd(w.Slice(i * n, n), xi, y, y);
            }
        }
    }

    /// <summary><c>y[i] += sum_j w[i, j] * d[j]</c>, with <c>w</c> of shape <c>[y.Length, d.Length]</c> (the backward of <see cref="MatVecAdd"/> for the input).</summary>
    public static void MatTransposeVecAdd(ReadOnlySpan<float> w, ReadOnlySpan<float> d, Span<float> y)
    {
        int n = d.Length;
        for (int i = 0; i < y.Length; i++)
        {
            y[i] += TensorPrimitives.Dot(w.Slice(i * n, n), d);
        }
    }

    /// <summary><c>g[i, j] += x[i] * d[j]</c>, with <c>g</c> of shape <c>[x.Length, d.Length]</c> (the backward of <see cref="MatVecAdd"/> for the weights).</summary>
    public static void OuterAdd(ReadOnlySpan<float> x, ReadOnlySpan<float> d, Span<float> g)
    {
        int n = d.Length;
        for (int i = 0; i < x.Length; i++)
        {
            float xi = x[i];
            if (xi != 0f)
            {
                Span<float> row = g.Slice(i * n, n);
                TensorPrimitives.MultiplyAdd(d, xi, row, row);
            }
        }
    }

    /// <summary>Applies <paramref name="activation"/> in place. Softmax normalizes the whole span.</summary>
    public static void Activate(Activation activation, Span<float> z)
    {
        switch (activation)
        {
            case Activation.Tanh: TensorPrimitives.Tanh(z, z); break;
            case Activation.Sigmoid: TensorPrimitives.Sigmoid(z, z); break;
            case Activation.Relu: TensorPrimitives.Max(z, 0f, z); break;
            case Activation.Softmax: TensorPrimitives.SoftMax(z, z); break;
            default: break;
        }
    }

    /// <summary>
    /// Turns <c>dy</c> (dLoss/dOutput) into <c>dz</c> (dLoss/dPreactivation) in place, from the activation's output <paramref name="y"/>:
    /// tanh <c>1 - y^2</c>, sigmoid <c>y (1 - y)</c>, relu <c>y &gt; 0</c>, softmax <c>y_j (dy_j - sum_k dy_k y_k)</c>.
    /// </summary>
    public static void ActivationBackward(Activation activation, ReadOnlySpan<float> y, Span<float> dy)
    {
        switch (activation)
        {
            case Activation.Tanh:
                for (int i = 0; i < dy.Length; i++) dy[i] *= 1f - y[i] * y[i];
                break;
            case Activation.Sigmoid:
                for (int i = 0; i < dy.Length; i++) dy[i] *= y[i] * (1f - y[i]);
                break;
            case Activation.Relu:
                for (int i = 0; i < dy.Length; i++) dy[i] = y[i] > 0f ? dy[i] : 0f;
                break;
            case Activation.Softmax:
                float dot = TensorPrimitives.Dot(dy, y);
                for (int i = 0; i < dy.Length; i++) dy[i] = y[i] * (dy[i] - dot);
                break;
            default:
                break;
        }
    }
}

/// <summary>Scalar activations used by straight-line generated code. One place to swap in faster approximations.</summary>
public static class Activations
{
    /// <summary><c>tanh(x)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x) => MathF.Tanh(x);

    /// <summary><c>1 / (1 + exp(-x))</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    /// <summary><c>max(0, x)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Relu(float x) => x > 0f ? x : 0f;

    /// <summary><c>exp(x)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Exp(float x) => MathF.Exp(x);
}
