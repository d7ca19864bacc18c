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

    /// <summary><c>z[i] = clip(0.2 z[i] + 0.5, 0, 1)</c> in place (Keras 2 / TensorFlow.js <c>hard_sigmoid</c>, bit for bit).</summary>
    public static void HardSigmoid(Span<float> z)
    {
        TensorPrimitives.Multiply(z, 0.2f, z);
        TensorPrimitives.Add(z, 0.5f, z);
        TensorPrimitives.Max(z, 0f, z);
        TensorPrimitives.Min(z, 1f, z);
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

    /// <summary><c>dy[i] = 0 &lt; y[i] &lt; 1 ? 0.2 dy[i] : 0</c>: the hard sigmoid derivative from its output.</summary>
    public static void HardSigmoidBackward(ReadOnlySpan<float> y, Span<float> dy)
    {
        int n = dy.Length;
        if (y.Length < n) ThrowTooShort(nameof(y), n, y.Length);
        for (int i = 0; i < n; i++) dy[i] = Activations.HardSigmoidBackward(y[i], dy[i]);
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

    // ---- matrix-matrix kernels (the batched layers: one small GEMM per timestep and gate) ----

    /// <summary>
    /// <c>C[i, j] += sum_p A[i, p] * B[p, j]</c>: <c>C [m, n] += A [m, k] · B [k, n]</c> (NumPy <c>C += A @ B</c>, BLAS
    /// <c>sgemm("N", "N")</c> with alpha = beta = 1). Row-major, with leading dimensions: element <c>(i, j)</c> of
    /// <c>C</c> at <c>c[i * ldc + j]</c>, and likewise for <c>A</c> (<paramref name="lda"/>) and <c>B</c> (<paramref name="ldb"/>),
    /// so each operand may be a block of a wider matrix (one gate's columns, one timestep's rows).
    /// </summary>
    /// <remarks>
    /// Register-blocked: four rows of <c>C</c> by two vectors of columns stay in registers over the whole <c>k</c> loop, each
    /// <c>B</c> row segment is loaded once for the four rows. The widest accelerated vector (<see cref="Vector512{T}"/>,
    /// <see cref="Vector256{T}"/>, <see cref="Vector128{T}"/>) takes the columns it can; narrower ones and a scalar loop
    /// take the rest. Each operand's extent is checked once; nothing allocates.
    /// </remarks>
    /// <exception cref="ArgumentException">An operand is too short for its shape and leading dimension, or a leading dimension is smaller than its row.</exception>
    public static void Gemm(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc)
    {
        if (!CheckGemm(m, n, k)) return;
        CheckMatrix(a.Length, m, k, lda, nameof(a));
        CheckMatrix(b.Length, k, n, ldb, nameof(b));
        CheckMatrix(c.Length, m, n, ldc, nameof(c));
        GemmDispatch(m, n, k, ref MemoryMarshal.GetReference(a), lda, 1, ref MemoryMarshal.GetReference(b), ldb, ref MemoryMarshal.GetReference(c), ldc);
    }

    /// <summary>
    /// <c>C[i, j] += sum_p A[p, i] * B[p, j]</c>: <c>C [m, n] += A^T · B</c> with <c>A [k, m]</c> (BLAS <c>sgemm("T", "N")</c>):
    /// the weight gradient <c>dW += X^T dZ</c> summed over the <c>k</c> rows (samples) of a minibatch. Layout as in
    /// <see cref="Gemm"/>: <c>A</c>'s element <c>(p, i)</c> at <c>a[p * lda + i]</c>.
    /// </summary>
    /// <exception cref="ArgumentException">An operand is too short for its shape and leading dimension.</exception>
    public static void GemmTransposeA(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc)
    {
        if (!CheckGemm(m, n, k)) return;
        CheckMatrix(a.Length, k, m, lda, nameof(a));
        CheckMatrix(b.Length, k, n, ldb, nameof(b));
        CheckMatrix(c.Length, m, n, ldc, nameof(c));
        GemmDispatch(m, n, k, ref MemoryMarshal.GetReference(a), 1, lda, ref MemoryMarshal.GetReference(b), ldb, ref MemoryMarshal.GetReference(c), ldc);
    }

    /// <summary>
    /// <c>C[i, j] += sum_p A[i, p] * B[j, p]</c>: <c>C [m, n] += A · B^T</c> with <c>B [n, k]</c> (BLAS <c>sgemm("N", "T")</c>):
    /// the input gradient <c>dX = dZ W^T</c> of a minibatch. Layout as in <see cref="Gemm"/>: <c>B</c>'s element
    /// <c>(j, p)</c> at <c>b[j * ldb + p]</c>.
    /// </summary>
    /// <remarks>
    /// Panels of <c>B</c> (up to 64 rows by 64 columns) are transposed into a stack buffer and multiplied with the
    /// register-blocked kernel of <see cref="Gemm"/>; a product with fewer than four rows of <c>C</c> takes the dot-product
    /// form instead (one row of <c>A</c> against four rows of <c>B</c>, vectorized along <c>k</c>), where a transpose would
    /// not pay. For a <c>B</c> reused across many calls, transposing it once (<see cref="Transpose"/>) and calling
    /// <see cref="Gemm"/> saves the per-call transposes.
    /// </remarks>
    /// <exception cref="ArgumentException">An operand is too short for its shape and leading dimension.</exception>
    [SkipLocalsInit]
    public static void GemmTransposeB(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc)
    {
        if (!CheckGemm(m, n, k)) return;
        CheckMatrix(a.Length, m, k, lda, nameof(a));
        CheckMatrix(b.Length, n, k, ldb, nameof(b));
        CheckMatrix(c.Length, m, n, ldc, nameof(c));
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float br = ref MemoryMarshal.GetReference(b);
        ref float cr = ref MemoryMarshal.GetReference(c);
        if (m >= 4)
        {
            // C[:, j..j+nb] += A[:, p..p+kb] · (B[j..j+nb, p..p+kb])^T, the panel transposed to [kb, nb] first.
            const int Panel = 64;
            Span<float> panel = stackalloc float[Panel * Panel];
            ref float tr = ref MemoryMarshal.GetReference(panel);
            for (int j = 0; j < n; j += Panel)
            {
                int nb = Math.Min(Panel, n - j);
                for (int p = 0; p < k; p += Panel)
                {
                    int kb = Math.Min(Panel, k - p);
                    for (int jj = 0; jj < nb; jj++)
                    {
                        ref float row = ref Unsafe.Add(ref br, (nint)(j + jj) * ldb + p);
                        for (int pp = 0; pp < kb; pp++) Unsafe.Add(ref tr, pp * nb + jj) = Unsafe.Add(ref row, pp);
                    }

                    GemmDispatch(m, nb, kb, ref Unsafe.Add(ref ar, p), lda, 1, ref tr, nb, ref Unsafe.Add(ref cr, j), ldc);
                }
            }
        }
        else if (Vector512.IsHardwareAccelerated && k >= Vector512<float>.Count)
        {
            GemmDotRows<Ops512, Vector512<float>>(m, n, k, ref ar, lda, ref br, ldb, ref cr, ldc);
        }
        else if (Vector256.IsHardwareAccelerated && k >= Vector256<float>.Count)
        {
            GemmDotRows<Ops256, Vector256<float>>(m, n, k, ref ar, lda, ref br, ldb, ref cr, ldc);
        }
        else if (Vector128.IsHardwareAccelerated && k >= Vector128<float>.Count)
        {
            GemmDotRows<Ops128, Vector128<float>>(m, n, k, ref ar, lda, ref br, ldb, ref cr, ldc);
        }
        else
        {
            GemmDotRows<OpsScalar, float>(m, n, k, ref ar, lda, ref br, ldb, ref cr, ldc);
        }
    }

    /// <summary>
    /// <c>B[j, i] = A[i, j]</c> for <c>A [rows, cols]</c>: <c>B [cols, rows]</c>, with leading dimensions as in <see cref="Gemm"/>
    /// (NumPy <c>B = A.T</c>).
    /// </summary>
    /// <exception cref="ArgumentException">An operand is too short for its shape and leading dimension.</exception>
    public static void Transpose(int rows, int cols, ReadOnlySpan<float> a, int lda, Span<float> b, int ldb)
    {
        if (!CheckGemm(rows, cols, 1)) return;
        CheckMatrix(a.Length, rows, cols, lda, nameof(a));
        CheckMatrix(b.Length, cols, rows, ldb, nameof(b));
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float br = ref MemoryMarshal.GetReference(b);
        for (int i = 0; i < rows; i++)
        {
            ref float row = ref Unsafe.Add(ref ar, (nint)i * lda);
            for (int j = 0; j < cols; j++) Unsafe.Add(ref br, (nint)j * ldb + i) = Unsafe.Add(ref row, j);
        }
    }

    /// <summary><c>C[i, j] += v[j]</c> for the <paramref name="m"/> rows of <c>C [m, v.Length]</c> (row stride <paramref name="ldc"/>): a bias on every sample.</summary>
    /// <exception cref="ArgumentException"><paramref name="c"/> is too short.</exception>
    public static void AddToRows(int m, ReadOnlySpan<float> v, Span<float> c, int ldc)
    {
        int n = v.Length;
        if (!CheckGemm(m, n, 1)) return;
        CheckMatrix(c.Length, m, n, ldc, nameof(c));
        ref float vr = ref MemoryMarshal.GetReference(v);
        ref float cr = ref MemoryMarshal.GetReference(c);
        int j = 0;
        if (Vector512.IsHardwareAccelerated) j = RowsColumns<Ops512, Vector512<float>>(m, n, ref vr, ref cr, ldc, j, sum: false);
        if (Vector256.IsHardwareAccelerated) j = RowsColumns<Ops256, Vector256<float>>(m, n, ref vr, ref cr, ldc, j, sum: false);
        if (Vector128.IsHardwareAccelerated) j = RowsColumns<Ops128, Vector128<float>>(m, n, ref vr, ref cr, ldc, j, sum: false);
        RowsColumns<OpsScalar, float>(m, n, ref vr, ref cr, ldc, j, sum: false);
    }

    /// <summary><c>v[j] += sum_i C[i, j]</c> over the <paramref name="m"/> rows of <c>C [m, v.Length]</c> (row stride <paramref name="ldc"/>): a bias gradient summed over samples.</summary>
    /// <exception cref="ArgumentException"><paramref name="c"/> is too short.</exception>
    public static void AddRowSums(int m, ReadOnlySpan<float> c, int ldc, Span<float> v)
    {
        int n = v.Length;
        if (!CheckGemm(m, n, 1)) return;
        CheckMatrix(c.Length, m, n, ldc, nameof(c));
        ref float vr = ref MemoryMarshal.GetReference(v);
        ref float cr = ref MemoryMarshal.GetReference(c);
        int j = 0;
        if (Vector512.IsHardwareAccelerated) j = RowsColumns<Ops512, Vector512<float>>(m, n, ref vr, ref cr, ldc, j, sum: true);
        if (Vector256.IsHardwareAccelerated) j = RowsColumns<Ops256, Vector256<float>>(m, n, ref vr, ref cr, ldc, j, sum: true);
        if (Vector128.IsHardwareAccelerated) j = RowsColumns<Ops128, Vector128<float>>(m, n, ref vr, ref cr, ldc, j, sum: true);
        RowsColumns<OpsScalar, float>(m, n, ref vr, ref cr, ldc, j, sum: true);
    }

    // Columns from j on, one vector at a time: sum ? v += sum of the rows of C : every row of C += v.
    private static int RowsColumns<TOps, TVec>(int m, int n, ref float v, ref float c, nint ldc, int j, bool sum)
        where TOps : struct, IVectorOps<TVec>
        where TVec : struct
    {
        int w = TOps.Count;
        for (; j <= n - w; j += w)
        {
            TVec vj = TOps.Load(ref v, j);
            ref float cj = ref Unsafe.Add(ref c, j);
            if (sum)
            {
                for (int i = 0; i < m; i++) vj = TOps.Add(vj, TOps.Load(ref cj, i * ldc));
                TOps.Store(vj, ref v, j);
            }
            else
            {
                for (int i = 0; i < m; i++) TOps.Store(TOps.Add(vj, TOps.Load(ref cj, i * ldc)), ref cj, i * ldc);
            }
        }

        return j;
    }

    private static bool CheckGemm(int m, int n, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        return m != 0 && n != 0 && k != 0;
    }

    // A's element (i, p) is at a[i * aRow + p * aCol]: (lda, 1) for A, (1, lda) for A^T.
    private static void GemmDispatch(int m, int n, int k, ref float a, nint aRow, nint aCol, ref float b, nint ldb, ref float c, nint ldc)
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated) j = GemmColumns<Ops512, Vector512<float>>(m, n, k, ref a, aRow, aCol, ref b, ldb, ref c, ldc, j);
        if (Vector256.IsHardwareAccelerated) j = GemmColumns<Ops256, Vector256<float>>(m, n, k, ref a, aRow, aCol, ref b, ldb, ref c, ldc, j);
        if (Vector128.IsHardwareAccelerated) j = GemmColumns<Ops128, Vector128<float>>(m, n, k, ref a, aRow, aCol, ref b, ldb, ref c, ldc, j);
        GemmColumns<OpsScalar, float>(m, n, k, ref a, aRow, aCol, ref b, ldb, ref c, ldc, j);
    }

    // Columns from j on, in blocks of two vectors, then one; returns the first column left for a narrower width.
    private static int GemmColumns<TOps, TVec>(int m, int n, int k, ref float a, nint aRow, nint aCol, ref float b, nint ldb, ref float c, nint ldc, int j)
        where TOps : struct, IVectorOps<TVec>
        where TVec : struct
    {
        int w = TOps.Count;
        for (; j <= n - 2 * w; j += 2 * w)
        {
            ref float bj = ref Unsafe.Add(ref b, j);
            int i = 0;
            for (; i <= m - 4; i += 4)
            {
                // C[i..i+4, j..j+2w] in eight registers; each B row segment feeds four rows.
                ref float a0 = ref Unsafe.Add(ref a, i * aRow);
                ref float a1 = ref Unsafe.Add(ref a0, aRow);
                ref float a2 = ref Unsafe.Add(ref a1, aRow);
                ref float a3 = ref Unsafe.Add(ref a2, aRow);
                ref float c0 = ref Unsafe.Add(ref c, i * ldc + j);
                ref float c1 = ref Unsafe.Add(ref c0, ldc);
                ref float c2 = ref Unsafe.Add(ref c1, ldc);
                ref float c3 = ref Unsafe.Add(ref c2, ldc);
                TVec s00 = TOps.Load(ref c0, 0), s01 = TOps.Load(ref c0, w);
                TVec s10 = TOps.Load(ref c1, 0), s11 = TOps.Load(ref c1, w);
                TVec s20 = TOps.Load(ref c2, 0), s21 = TOps.Load(ref c2, w);
                TVec s30 = TOps.Load(ref c3, 0), s31 = TOps.Load(ref c3, w);
                for (int p = 0; p < k; p++)
                {
                    ref float bp = ref Unsafe.Add(ref bj, p * ldb);
                    TVec b0 = TOps.Load(ref bp, 0), b1 = TOps.Load(ref bp, w);
                    nint ap = p * aCol;
                    TVec x = TOps.Broadcast(Unsafe.Add(ref a0, ap));
                    s00 = TOps.MultiplyAdd(b0, x, s00);
                    s01 = TOps.MultiplyAdd(b1, x, s01);
                    x = TOps.Broadcast(Unsafe.Add(ref a1, ap));
                    s10 = TOps.MultiplyAdd(b0, x, s10);
                    s11 = TOps.MultiplyAdd(b1, x, s11);
                    x = TOps.Broadcast(Unsafe.Add(ref a2, ap));
                    s20 = TOps.MultiplyAdd(b0, x, s20);
                    s21 = TOps.MultiplyAdd(b1, x, s21);
                    x = TOps.Broadcast(Unsafe.Add(ref a3, ap));
                    s30 = TOps.MultiplyAdd(b0, x, s30);
                    s31 = TOps.MultiplyAdd(b1, x, s31);
                }

                TOps.Store(s00, ref c0, 0); TOps.Store(s01, ref c0, w);
                TOps.Store(s10, ref c1, 0); TOps.Store(s11, ref c1, w);
                TOps.Store(s20, ref c2, 0); TOps.Store(s21, ref c2, w);
                TOps.Store(s30, ref c3, 0); TOps.Store(s31, ref c3, w);
            }

            for (; i < m; i++)
            {
                ref float a0 = ref Unsafe.Add(ref a, i * aRow);
                ref float c0 = ref Unsafe.Add(ref c, i * ldc + j);
                TVec s00 = TOps.Load(ref c0, 0), s01 = TOps.Load(ref c0, w);
                for (int p = 0; p < k; p++)
                {
                    ref float bp = ref Unsafe.Add(ref bj, p * ldb);
                    TVec x = TOps.Broadcast(Unsafe.Add(ref a0, p * aCol));
                    s00 = TOps.MultiplyAdd(TOps.Load(ref bp, 0), x, s00);
                    s01 = TOps.MultiplyAdd(TOps.Load(ref bp, w), x, s01);
                }

                TOps.Store(s00, ref c0, 0); TOps.Store(s01, ref c0, w);
            }
        }

        for (; j <= n - w; j += w)
        {
            ref float bj = ref Unsafe.Add(ref b, j);
            int i = 0;
            for (; i <= m - 4; i += 4)
            {
                ref float a0 = ref Unsafe.Add(ref a, i * aRow);
                ref float a1 = ref Unsafe.Add(ref a0, aRow);
                ref float a2 = ref Unsafe.Add(ref a1, aRow);
                ref float a3 = ref Unsafe.Add(ref a2, aRow);
                ref float c0 = ref Unsafe.Add(ref c, i * ldc + j);
                ref float c1 = ref Unsafe.Add(ref c0, ldc);
                ref float c2 = ref Unsafe.Add(ref c1, ldc);
                ref float c3 = ref Unsafe.Add(ref c2, ldc);
                TVec s0 = TOps.Load(ref c0, 0), s1 = TOps.Load(ref c1, 0), s2 = TOps.Load(ref c2, 0), s3 = TOps.Load(ref c3, 0);
                for (int p = 0; p < k; p++)
                {
                    TVec b0 = TOps.Load(ref Unsafe.Add(ref bj, p * ldb), 0);
                    nint ap = p * aCol;
                    s0 = TOps.MultiplyAdd(b0, TOps.Broadcast(Unsafe.Add(ref a0, ap)), s0);
                    s1 = TOps.MultiplyAdd(b0, TOps.Broadcast(Unsafe.Add(ref a1, ap)), s1);
                    s2 = TOps.MultiplyAdd(b0, TOps.Broadcast(Unsafe.Add(ref a2, ap)), s2);
                    s3 = TOps.MultiplyAdd(b0, TOps.Broadcast(Unsafe.Add(ref a3, ap)), s3);
                }

                TOps.Store(s0, ref c0, 0); TOps.Store(s1, ref c1, 0); TOps.Store(s2, ref c2, 0); TOps.Store(s3, ref c3, 0);
            }

            for (; i < m; i++)
            {
                ref float a0 = ref Unsafe.Add(ref a, i * aRow);
                ref float c0 = ref Unsafe.Add(ref c, i * ldc + j);
                TVec s0 = TOps.Load(ref c0, 0);
                for (int p = 0; p < k; p++)
                {
                    s0 = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref bj, p * ldb), 0), TOps.Broadcast(Unsafe.Add(ref a0, p * aCol)), s0);
                }

                TOps.Store(s0, ref c0, 0);
            }
        }

        return j;
    }

    // C[i, j] += dot(A row i, B row j): four B rows per pass, vectorized along k, scalar tail.
    private static void GemmDotRows<TOps, TVec>(int m, int n, int k, ref float a, nint lda, ref float b, nint ldb, ref float c, nint ldc)
        where TOps : struct, IVectorOps<TVec>
        where TVec : struct
    {
        int w = TOps.Count;
        int kv = k - k % w;
        for (int i = 0; i < m; i++)
        {
            ref float ai = ref Unsafe.Add(ref a, i * lda);
            ref float ci = ref Unsafe.Add(ref c, i * ldc);
            int j = 0;
            for (; j <= n - 4; j += 4)
            {
                ref float b0 = ref Unsafe.Add(ref b, j * ldb);
                ref float b1 = ref Unsafe.Add(ref b0, ldb);
                ref float b2 = ref Unsafe.Add(ref b1, ldb);
                ref float b3 = ref Unsafe.Add(ref b2, ldb);
                TVec s0 = TOps.Zero, s1 = TOps.Zero, s2 = TOps.Zero, s3 = TOps.Zero;
                for (int p = 0; p < kv; p += w)
                {
                    TVec x = TOps.Load(ref ai, p);
                    s0 = TOps.MultiplyAdd(TOps.Load(ref b0, p), x, s0);
                    s1 = TOps.MultiplyAdd(TOps.Load(ref b1, p), x, s1);
                    s2 = TOps.MultiplyAdd(TOps.Load(ref b2, p), x, s2);
                    s3 = TOps.MultiplyAdd(TOps.Load(ref b3, p), x, s3);
                }

                float t0 = TOps.Sum(s0), t1 = TOps.Sum(s1), t2 = TOps.Sum(s2), t3 = TOps.Sum(s3);
                for (int p = kv; p < k; p++)
                {
                    float x = Unsafe.Add(ref ai, p);
                    t0 += x * Unsafe.Add(ref b0, p);
                    t1 += x * Unsafe.Add(ref b1, p);
                    t2 += x * Unsafe.Add(ref b2, p);
                    t3 += x * Unsafe.Add(ref b3, p);
                }

                Unsafe.Add(ref ci, j) += t0;
                Unsafe.Add(ref ci, j + 1) += t1;
                Unsafe.Add(ref ci, j + 2) += t2;
                Unsafe.Add(ref ci, j + 3) += t3;
            }

            for (; j < n; j++)
            {
                ref float b0 = ref Unsafe.Add(ref b, j * ldb);
                TVec s0 = TOps.Zero;
                for (int p = 0; p < kv; p += w) s0 = TOps.MultiplyAdd(TOps.Load(ref b0, p), TOps.Load(ref ai, p), s0);
                float t0 = TOps.Sum(s0);
                for (int p = kv; p < k; p++) t0 += Unsafe.Add(ref ai, p) * Unsafe.Add(ref b0, p);
                Unsafe.Add(ref ci, j) += t0;
            }
        }
    }

    /// <summary>One vector width for the generic GEMM loops: the JIT specializes each loop per struct, so the calls inline.</summary>
    private interface IVectorOps<TVec>
        where TVec : struct
    {
        static abstract int Count { get; }

        static abstract TVec Zero { get; }

        static abstract TVec Load(ref float source, nint offset);

        static abstract void Store(TVec value, ref float destination, nint offset);

        static abstract TVec Broadcast(float value);

        /// <summary><c>a * b + c</c>, fused where the CPU can.</summary>
        static abstract TVec MultiplyAdd(TVec a, TVec b, TVec c);

        static abstract float Sum(TVec value);

        static abstract TVec Add(TVec a, TVec b);
    }

    private readonly struct Ops512 : IVectorOps<Vector512<float>>
    {
        public static int Count => Vector512<float>.Count;

        public static Vector512<float> Zero => Vector512<float>.Zero;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Load(ref float source, nint offset) => Vector512.LoadUnsafe(ref Unsafe.Add(ref source, offset));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector512<float> value, ref float destination, nint offset) => value.StoreUnsafe(ref Unsafe.Add(ref destination, offset));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.MultiplyAddEstimate(a, b, c);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Sum(Vector512<float> value) => Vector512.Sum(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;
    }

    private readonly struct Ops256 : IVectorOps<Vector256<float>>
    {
        public static int Count => Vector256<float>.Count;

        public static Vector256<float> Zero => Vector256<float>.Zero;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Load(ref float source, nint offset) => Vector256.LoadUnsafe(ref Unsafe.Add(ref source, offset));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector256<float> value, ref float destination, nint offset) => value.StoreUnsafe(ref Unsafe.Add(ref destination, offset));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.MultiplyAddEstimate(a, b, c);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Sum(Vector256<float> value) => Vector256.Sum(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
    }

    private readonly struct Ops128 : IVectorOps<Vector128<float>>
    {
        public static int Count => Vector128<float>.Count;

        public static Vector128<float> Zero => Vector128<float>.Zero;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Load(ref float source, nint offset) => Vector128.LoadUnsafe(ref Unsafe.Add(ref source, offset));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector128<float> value, ref float destination, nint offset) => value.StoreUnsafe(ref Unsafe.Add(ref destination, offset));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Broadcast(float value) => Vector128.Create(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Vector128.MultiplyAddEstimate(a, b, c);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Sum(Vector128<float> value) => Vector128.Sum(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;
    }

    private readonly struct OpsScalar : IVectorOps<float>
    {
        public static int Count => 1;

        public static float Zero => 0f;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Load(ref float source, nint offset) => Unsafe.Add(ref source, offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(float value, ref float destination, nint offset) => Unsafe.Add(ref destination, offset) = value;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Broadcast(float value) => value;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float MultiplyAdd(float a, float b, float c) => a * b + c;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Sum(float value) => value;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Add(float a, float b) => a + b;
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
