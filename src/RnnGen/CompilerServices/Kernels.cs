using System.Diagnostics.CodeAnalysis;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnGen.CompilerServices;

/// <summary>
/// Span kernels shared by generated code (loop mode) and the dynamic layers.
/// Matrices are row-major, Keras layout: a kernel <c>[m, n]</c> has element <c>(i, j)</c> at <c>i * n + j</c>.
/// The strided overloads address a column block of a wider matrix: element <c>(i, j)</c> at <c>i * rowStride + j</c>,
/// so <c>w.Slice(2 * u)</c> with <c>rowStride = 3 * u</c> is the third gate block of a GRU kernel.
/// </summary>
/// <remarks>
/// Each kernel checks once that the matrix span is long enough (one comparison per call), then runs
/// without bounds checks: register-blocked <see cref="Vector256{T}"/> / <see cref="Vector128{T}"/> loops
/// with a scalar tail. Nothing allocates.
/// </remarks>
public static class Kernels
{
    /// <summary><c>y[j] += sum_i x[i] * w[i, j]</c>, with <c>w</c> of shape <c>[x.Length, y.Length]</c> (Keras <c>x @ kernel</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MatVecAdd(ReadOnlySpan<float> x, ReadOnlySpan<float> w, Span<float> y) =>
        MatVecAdd(x, w, y.Length, y);

    /// <summary>
    /// <c>y[j] += sum_i x[i] * w[i * rowStride + j]</c> for <c>j &lt; y.Length</c>: a vector times a column block of a
    /// row-major matrix whose rows are <paramref name="rowStride"/> apart.
    /// </summary>
    public static void MatVecAdd(ReadOnlySpan<float> x, ReadOnlySpan<float> w, int rowStride, Span<float> y)
    {
        int m = x.Length, n = y.Length;
        if (m == 0 || n == 0) return;
        CheckMatrix(w.Length, m, n, rowStride, nameof(w));

        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float yr = ref MemoryMarshal.GetReference(y);
        nint stride = rowStride;
        int j = 0;

        if (Vector512.IsHardwareAccelerated)
        {
            // 64 columns at a time in four registers: one pass over the rows per block.
            for (; j <= n - 64; j += 64)
            {
                Vector512<float> a0 = Vector512.LoadUnsafe(ref yr, (nuint)j);
                Vector512<float> a1 = Vector512.LoadUnsafe(ref yr, (nuint)(j + 16));
                Vector512<float> a2 = Vector512.LoadUnsafe(ref yr, (nuint)(j + 32));
                Vector512<float> a3 = Vector512.LoadUnsafe(ref yr, (nuint)(j + 48));
                ref float col = ref Unsafe.Add(ref wr, j);
                for (int i = 0; i < m; i++)
                {
                    var xi = Vector512.Create(Unsafe.Add(ref xr, i));
                    ref float row = ref Unsafe.Add(ref col, i * stride);
                    a0 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref row), xi, a0);
                    a1 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref row, 16), xi, a1);
                    a2 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref row, 32), xi, a2);
                    a3 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref row, 48), xi, a3);
                }

                a0.StoreUnsafe(ref yr, (nuint)j);
                a1.StoreUnsafe(ref yr, (nuint)(j + 16));
                a2.StoreUnsafe(ref yr, (nuint)(j + 32));
                a3.StoreUnsafe(ref yr, (nuint)(j + 48));
            }

            for (; j <= n - 16; j += 16)
            {
                Vector512<float> a0 = Vector512.LoadUnsafe(ref yr, (nuint)j);
                ref float col = ref Unsafe.Add(ref wr, j);
                for (int i = 0; i < m; i++)
                {
                    a0 = Vector512.MultiplyAddEstimate(
                        Vector512.LoadUnsafe(ref Unsafe.Add(ref col, i * stride)), Vector512.Create(Unsafe.Add(ref xr, i)), a0);
                }

                a0.StoreUnsafe(ref yr, (nuint)j);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            // 32 columns at a time in four registers: one pass over the rows per block.
            for (; j <= n - 32; j += 32)
            {
                Vector256<float> a0 = Vector256.LoadUnsafe(ref yr, (nuint)j);
                Vector256<float> a1 = Vector256.LoadUnsafe(ref yr, (nuint)(j + 8));
                Vector256<float> a2 = Vector256.LoadUnsafe(ref yr, (nuint)(j + 16));
                Vector256<float> a3 = Vector256.LoadUnsafe(ref yr, (nuint)(j + 24));
                ref float col = ref Unsafe.Add(ref wr, j);
                for (int i = 0; i < m; i++)
                {
                    var xi = Vector256.Create(Unsafe.Add(ref xr, i));
                    ref float row = ref Unsafe.Add(ref col, i * stride);
                    a0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref row), xi, a0);
                    a1 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref row, 8), xi, a1);
                    a2 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref row, 16), xi, a2);
                    a3 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref row, 24), xi, a3);
                }

                a0.StoreUnsafe(ref yr, (nuint)j);
                a1.StoreUnsafe(ref yr, (nuint)(j + 8));
                a2.StoreUnsafe(ref yr, (nuint)(j + 16));
                a3.StoreUnsafe(ref yr, (nuint)(j + 24));
            }

            for (; j <= n - 8; j += 8)
            {
                Vector256<float> a0 = Vector256.LoadUnsafe(ref yr, (nuint)j);
                ref float col = ref Unsafe.Add(ref wr, j);
                for (int i = 0; i < m; i++)
                {
                    a0 = Vector256.MultiplyAddEstimate(
                        Vector256.LoadUnsafe(ref Unsafe.Add(ref col, i * stride)), Vector256.Create(Unsafe.Add(ref xr, i)), a0);
                }

                a0.StoreUnsafe(ref yr, (nuint)j);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; j <= n - 4; j += 4)
            {
                Vector128<float> a0 = Vector128.LoadUnsafe(ref yr, (nuint)j);
                ref float col = ref Unsafe.Add(ref wr, j);
                for (int i = 0; i < m; i++)
                {
                    a0 = Vector128.MultiplyAddEstimate(
                        Vector128.LoadUnsafe(ref Unsafe.Add(ref col, i * stride)), Vector128.Create(Unsafe.Add(ref xr, i)), a0);
                }

                a0.StoreUnsafe(ref yr, (nuint)j);
            }
        }

        for (; j < n; j++)
        {
            float acc = Unsafe.Add(ref yr, j);
            ref float col = ref Unsafe.Add(ref wr, j);
            for (int i = 0; i < m; i++)
            {
                acc += Unsafe.Add(ref xr, i) * Unsafe.Add(ref col, i * stride);
            }

            Unsafe.Add(ref yr, j) = acc;
        }
    }

    /// <summary>
    /// <c>y[i] += sum_j w[i, j] * d[j]</c>, with <c>w</c> of shape <c>[y.Length, d.Length]</c>
    /// (the backward of <see cref="MatVecAdd(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> for the input: <c>dx += W dz</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MatTransposeVecAdd(ReadOnlySpan<float> w, ReadOnlySpan<float> d, Span<float> y) =>
        MatTransposeVecAdd(w, d.Length, d, y);

    /// <summary><c>y[i] += sum_j w[i * rowStride + j] * d[j]</c> for <c>j &lt; d.Length</c>: the strided form of <see cref="MatTransposeVecAdd(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>.</summary>
    public static void MatTransposeVecAdd(ReadOnlySpan<float> w, int rowStride, ReadOnlySpan<float> d, Span<float> y)
    {
        int m = y.Length, n = d.Length;
        if (m == 0 || n == 0) return;
        CheckMatrix(w.Length, m, n, rowStride, nameof(w));

        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float dr = ref MemoryMarshal.GetReference(d);
        ref float yr = ref MemoryMarshal.GetReference(y);
        nint stride = rowStride;

        int i = 0;
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            // Four rows at a time: each d vector is loaded once and feeds four independent accumulators.
            for (; i <= m - 4; i += 4)
            {
                ref float r0 = ref Unsafe.Add(ref wr, i * stride);
                ref float r1 = ref Unsafe.Add(ref r0, stride);
                ref float r2 = ref Unsafe.Add(ref r1, stride);
                ref float r3 = ref Unsafe.Add(ref r2, stride);
                float s0, s1, s2, s3;
                int j = 0;
                if (Vector512.IsHardwareAccelerated && n >= 16)
                {
                    Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
                    for (; j <= n - 16; j += 16)
                    {
                        var dv = Vector512.LoadUnsafe(ref dr, (nuint)j);
                        a0 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref r0, (nuint)j), dv, a0);
                        a1 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref r1, (nuint)j), dv, a1);
                        a2 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref r2, (nuint)j), dv, a2);
                        a3 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref r3, (nuint)j), dv, a3);
                    }

                    s0 = Vector512.Sum(a0); s1 = Vector512.Sum(a1); s2 = Vector512.Sum(a2); s3 = Vector512.Sum(a3);
                }
                else
                {
                    s0 = s1 = s2 = s3 = 0f;
                }

                {
                    Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
                    for (; j <= n - 8; j += 8)
                    {
                        var dv = Vector256.LoadUnsafe(ref dr, (nuint)j);
                        a0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref r0, (nuint)j), dv, a0);
                        a1 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref r1, (nuint)j), dv, a1);
                        a2 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref r2, (nuint)j), dv, a2);
                        a3 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref r3, (nuint)j), dv, a3);
                    }

                    s0 += Vector256.Sum(a0); s1 += Vector256.Sum(a1); s2 += Vector256.Sum(a2); s3 += Vector256.Sum(a3);
                }

                for (; j < n; j++)
                {
                    float dj = Unsafe.Add(ref dr, j);
                    s0 += Unsafe.Add(ref r0, j) * dj;
                    s1 += Unsafe.Add(ref r1, j) * dj;
                    s2 += Unsafe.Add(ref r2, j) * dj;
                    s3 += Unsafe.Add(ref r3, j) * dj;
                }

                Unsafe.Add(ref yr, i) += s0;
                Unsafe.Add(ref yr, i + 1) += s1;
                Unsafe.Add(ref yr, i + 2) += s2;
                Unsafe.Add(ref yr, i + 3) += s3;
            }

            for (; i < m; i++)
            {
                ref float row = ref Unsafe.Add(ref wr, i * stride);
                Vector256<float> acc = Vector256<float>.Zero;
                int j = 0;
                for (; j <= n - 8; j += 8)
                {
                    acc = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref row, (nuint)j), Vector256.LoadUnsafe(ref dr, (nuint)j), acc);
                }

                float s = Vector256.Sum(acc);
                for (; j < n; j++) s += Unsafe.Add(ref row, j) * Unsafe.Add(ref dr, j);
                Unsafe.Add(ref yr, i) += s;
            }

            return;
        }

        if (Vector128.IsHardwareAccelerated && n >= 4)
        {
            for (; i < m; i++)
            {
                ref float row = ref Unsafe.Add(ref wr, i * stride);
                Vector128<float> acc = Vector128<float>.Zero;
                int j = 0;
                for (; j <= n - 4; j += 4)
                {
                    acc = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref row, (nuint)j), Vector128.LoadUnsafe(ref dr, (nuint)j), acc);
                }

                float s = Vector128.Sum(acc);
                for (; j < n; j++) s += Unsafe.Add(ref row, j) * Unsafe.Add(ref dr, j);
                Unsafe.Add(ref yr, i) += s;
            }

            return;
        }

        for (; i < m; i++)
        {
            ref float row = ref Unsafe.Add(ref wr, i * stride);
            float s = 0f;
            for (int j = 0; j < n; j++) s += Unsafe.Add(ref row, j) * Unsafe.Add(ref dr, j);
            Unsafe.Add(ref yr, i) += s;
        }
    }

    /// <summary>
    /// <c>g[i, j] += x[i] * d[j]</c>, with <c>g</c> of shape <c>[x.Length, d.Length]</c>
    /// (the backward of <see cref="MatVecAdd(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> for the weights: <c>dW += x^T dz</c>).
    /// Rows with <c>x[i] == 0</c> (one-hot inputs) are skipped.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OuterAdd(ReadOnlySpan<float> x, ReadOnlySpan<float> d, Span<float> g) =>
        OuterAdd(x, d, d.Length, g);

    /// <summary><c>g[i * rowStride + j] += x[i] * d[j]</c> for <c>j &lt; d.Length</c>: the strided form of <see cref="OuterAdd(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>.</summary>
    public static void OuterAdd(ReadOnlySpan<float> x, ReadOnlySpan<float> d, int rowStride, Span<float> g)
    {
        int m = x.Length, n = d.Length;
        if (m == 0 || n == 0) return;
        CheckMatrix(g.Length, m, n, rowStride, nameof(g));

        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float dr = ref MemoryMarshal.GetReference(d);
        ref float gr = ref MemoryMarshal.GetReference(g);
        nint stride = rowStride;

        for (int i = 0; i < m; i++)
        {
            float xi = Unsafe.Add(ref xr, i);
            if (xi == 0f) continue;
            ref float row = ref Unsafe.Add(ref gr, i * stride);
            int j = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                var xv = Vector256.Create(xi);
                for (; j <= n - 8; j += 8)
                {
                    Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref dr, (nuint)j), xv, Vector256.LoadUnsafe(ref row, (nuint)j))
                        .StoreUnsafe(ref row, (nuint)j);
                }
            }

            if (Vector128.IsHardwareAccelerated)
            {
                var xv = Vector128.Create(xi);
                for (; j <= n - 4; j += 4)
                {
                    Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref dr, (nuint)j), xv, Vector128.LoadUnsafe(ref row, (nuint)j))
                        .StoreUnsafe(ref row, (nuint)j);
                }
            }

            for (; j < n; j++) Unsafe.Add(ref row, j) += xi * Unsafe.Add(ref dr, j);
        }
    }

    /// <summary>Applies <paramref name="activation"/> in place. Softmax normalizes the whole span (<c>exp(z_j - max) / sum</c>).</summary>
    public static void Activate(Activation activation, Span<float> z)
    {
        switch (activation)
        {
            case Activation.Tanh: TensorPrimitives.Tanh(z, z); break;
            case Activation.Sigmoid: TensorPrimitives.Sigmoid(z, z); break;
            case Activation.Relu: TensorPrimitives.Max(z, 0f, z); break;
            case Activation.Softmax: Softmax(z); break;
            case Activation.HardSigmoid: HardSigmoid(z); break;
            default: break;
        }
    }

    /// <summary><c>z[i] = clip(0.2 z[i] + 0.5, 0, 1)</c> in place (Keras 2 / TensorFlow.js <c>hard_sigmoid</c>, bit for bit).</summary>
    public static void HardSigmoid(Span<float> z)
    {
        TensorPrimitives.Multiply(z, 0.2f, z);
        TensorPrimitives.Add(z, 0.5f, z);
        TensorPrimitives.Max(z, 0f, z);
        TensorPrimitives.Min(z, 1f, z);
    }

    /// <summary>
    /// Softmax in place, shifted by the maximum so large logits cannot overflow: <c>exp(z_j - max z) / sum_k exp(z_k - max z)</c>.
    /// (<see cref="TensorPrimitives.SoftMax{T}(ReadOnlySpan{T}, Span{T})"/> does not shift and returns NaN for logits near 89 and above.)
    /// </summary>
    public static void Softmax(Span<float> z)
    {
        float max = TensorPrimitives.Max(z);
        TensorPrimitives.Subtract(z, max, z);
        TensorPrimitives.Exp(z, z);
        TensorPrimitives.Divide(z, TensorPrimitives.Sum(z), z);
    }

    /// <summary>
    /// Turns <c>dy</c> (dLoss/dOutput) into <c>dz</c> (dLoss/dPreactivation) in place, from the activation's output <paramref name="y"/>:
    /// tanh <c>1 - y^2</c>, sigmoid <c>y (1 - y)</c>, relu <c>y &gt; 0</c>, hard sigmoid <c>0.2 (0 &lt; y &lt; 1)</c>, softmax <c>y_j (dy_j - sum_k dy_k y_k)</c>.
    /// </summary>
    public static void ActivationBackward(Activation activation, ReadOnlySpan<float> y, Span<float> dy)
    {
        switch (activation)
        {
            case Activation.Tanh: TanhBackward(y, dy); break;
            case Activation.Sigmoid: SigmoidBackward(y, dy); break;
            case Activation.Relu: ReluBackward(y, dy); break;
            case Activation.HardSigmoid: HardSigmoidBackward(y, dy); break;
            case Activation.Softmax:
                float dot = TensorPrimitives.Dot(dy, y);
                TensorPrimitives.Subtract(dy, dot, dy);
                TensorPrimitives.Multiply(dy, y, dy);
                break;
            default: break;
        }
    }

    /// <summary><c>dy[i] *= 1 - y[i]^2</c>: the tanh derivative from its output.</summary>
    public static void TanhBackward(ReadOnlySpan<float> y, Span<float> dy)
    {
        int n = dy.Length;
        if (y.Length < n) ThrowTooShort(nameof(y), n, y.Length);
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float dr = ref MemoryMarshal.GetReference(dy);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref yr, (nuint)i);
                (Vector256.LoadUnsafe(ref dr, (nuint)i) * (Vector256<float>.One - v * v)).StoreUnsafe(ref dr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref yr, i);
            Unsafe.Add(ref dr, i) *= 1f - v * v;
        }
    }

    /// <summary><c>dy[i] *= y[i] (1 - y[i])</c>: the sigmoid derivative from its output.</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> y, Span<float> dy)
    {
        int n = dy.Length;
        if (y.Length < n) ThrowTooShort(nameof(y), n, y.Length);
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float dr = ref MemoryMarshal.GetReference(dy);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref yr, (nuint)i);
                (Vector256.LoadUnsafe(ref dr, (nuint)i) * v * (Vector256<float>.One - v)).StoreUnsafe(ref dr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref yr, i);
            Unsafe.Add(ref dr, i) *= v * (1f - v);
        }
    }

    /// <summary><c>dy[i] = y[i] &gt; 0 ? dy[i] : 0</c>: the relu derivative from its output.</summary>
    public static void ReluBackward(ReadOnlySpan<float> y, Span<float> dy)
    {
        int n = dy.Length;
        if (y.Length < n) ThrowTooShort(nameof(y), n, y.Length);
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float dr = ref MemoryMarshal.GetReference(dy);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8)
            {
                var mask = Vector256.GreaterThan(Vector256.LoadUnsafe(ref yr, (nuint)i), Vector256<float>.Zero);
                (Vector256.LoadUnsafe(ref dr, (nuint)i) & mask).StoreUnsafe(ref dr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            if (!(Unsafe.Add(ref yr, i) > 0f)) Unsafe.Add(ref dr, i) = 0f;
        }
    }

    /// <summary><c>dy[i] = 0 &lt; y[i] &lt; 1 ? 0.2 dy[i] : 0</c>: the hard sigmoid derivative from its output.</summary>
    public static void HardSigmoidBackward(ReadOnlySpan<float> y, Span<float> dy)
    {
        int n = dy.Length;
        if (y.Length < n) ThrowTooShort(nameof(y), n, y.Length);
        for (int i = 0; i < n; i++) dy[i] = Activations.HardSigmoidBackward(y[i], dy[i]);
    }

    private static void CheckMatrix(int length, int rows, int cols, int rowStride, string paramName)
    {
        // The last element touched is (rows - 1) * rowStride + cols - 1.
        if (cols > rowStride || (long)(rows - 1) * rowStride + cols > length)
        {
            ThrowMatrix(length, rows, cols, rowStride, paramName);
        }
    }

    [DoesNotReturn]
    private static void ThrowMatrix(int length, int rows, int cols, int rowStride, string paramName) =>
        throw new ArgumentException(
            $"Expected '{paramName}' to hold a [{rows}, {cols}] block with row stride {rowStride} (at least {(long)(rows - 1) * rowStride + cols} elements), but its length is {length}.",
            paramName);

    [DoesNotReturn]
    private static void ThrowTooShort(string paramName, int expected, int actual) =>
        throw new ArgumentException($"Expected a span of length at least {expected} for '{paramName}', but got length {actual}.", paramName);
}
