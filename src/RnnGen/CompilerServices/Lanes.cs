using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RnnGen.CompilerServices;

/// <summary>
/// Batch-in-lanes math for the generated batched code (<c>PredictBatch</c>, <c>ForwardBatch</c>, <c>BackwardBatch</c>):
/// a group of <see cref="Count"/> samples runs through the model at once, every value of the model becoming one
/// <see cref="Vector{T}"/> with one lane per sample. Element <c>k</c> of a lane buffer is the
/// <see cref="Count"/> floats at <c>k * Count</c>. The width is the JIT's <see cref="Vector{T}"/> width (8 lanes with
/// AVX2, 4 with SSE or ARM64 AdvSimd), so one source runs everywhere; the activations are <see cref="Simd"/>'s, with its
/// error bounds.
/// </summary>
public static class Lanes
{
    /// <summary>Samples per lane group: <c>Vector&lt;float&gt;.Count</c>, a constant to the JIT.</summary>
    public static int Count
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector<float>.Count;
    }

    /// <summary>Lane groups needed for <paramref name="samples"/> samples.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Groups(int samples) => (samples + Vector<float>.Count - 1) / Vector<float>.Count;

    /// <summary>A ref to element <paramref name="index"/> of a lane buffer (its bounds are the caller's to check).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref float At(ref float source, nint index) => ref Unsafe.Add(ref source, index * Vector<float>.Count);

    /// <summary>Element <paramref name="index"/> of a lane buffer: one value of every sample of the group.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Load(ref float source, nint index) =>
        Unsafe.ReadUnaligned<Vector<float>>(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref source, index * Vector<float>.Count)));

    /// <summary>Writes element <paramref name="index"/> of a lane buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector<float> value, ref float destination, nint index) =>
        Unsafe.WriteUnaligned(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref destination, index * Vector<float>.Count)), value);

    /// <summary>Adds <paramref name="value"/> into element <paramref name="index"/> of a lane buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(Vector<float> value, ref float destination, nint index) => Store(Load(ref destination, index) + value, ref destination, index);

    /// <summary>The same value in every lane (a weight, shared by the group's samples).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Splat(float value) => new(value);

    /// <summary>The sum of the lanes: a weight gradient summed over the group's samples.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector<float> value) => Vector.Sum(value);

    /// <summary><c>a * b + c</c>, fused where the CPU has it (the vector tier's rounding).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> MultiplyAdd(Vector<float> a, Vector<float> b, Vector<float> c)
    {
        if (Vector<float>.Count == 16) return Simd.MultiplyAdd(a.AsVector512(), b.AsVector512(), c.AsVector512()).AsVector();
        if (Vector<float>.Count == 8) return Simd.MultiplyAdd(a.AsVector256(), b.AsVector256(), c.AsVector256()).AsVector();
        if (Vector<float>.Count == 4) return Simd.MultiplyAdd(a.AsVector128(), b.AsVector128(), c.AsVector128()).AsVector();
        return a * b + c;
    }

    /// <summary><c>exp(x)</c> per lane (<see cref="Simd"/>'s bound: relative error below 3e-7).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Exp(Vector<float> x)
    {
        if (Vector<float>.Count == 16) return Simd.Exp(x.AsVector512()).AsVector();
        if (Vector<float>.Count == 8) return Simd.Exp(x.AsVector256()).AsVector();
        if (Vector<float>.Count == 4) return Simd.Exp(x.AsVector128()).AsVector();
        return Each(x, MathF.Exp);
    }

    /// <summary><c>1 / (1 + exp(-x))</c> per lane (relative error below 1e-6).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Sigmoid(Vector<float> x)
    {
        if (Vector<float>.Count == 16) return Simd.Sigmoid(x.AsVector512()).AsVector();
        if (Vector<float>.Count == 8) return Simd.Sigmoid(x.AsVector256()).AsVector();
        if (Vector<float>.Count == 4) return Simd.Sigmoid(x.AsVector128()).AsVector();
        return Each(x, Activations.Sigmoid);
    }

    /// <summary><c>tanh(x)</c> per lane (relative error below 1e-6).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Tanh(Vector<float> x)
    {
        if (Vector<float>.Count == 16) return Simd.Tanh(x.AsVector512()).AsVector();
        if (Vector<float>.Count == 8) return Simd.Tanh(x.AsVector256()).AsVector();
        if (Vector<float>.Count == 4) return Simd.Tanh(x.AsVector128()).AsVector();
        return Each(x, Activations.Tanh);
    }

    /// <summary><c>max(0, x)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Relu(Vector<float> x) => Vector.Max(x, Vector<float>.Zero);

    /// <summary>The gradient through ReLU from its output: <paramref name="d"/> where <c>y &gt; 0</c>, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> ReluBackward(Vector<float> y, Vector<float> d) =>
        Vector.ConditionalSelect(Vector.GreaterThan(y, Vector<float>.Zero), d, Vector<float>.Zero);

    /// <summary>The larger of each pair of lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Max(Vector<float> a, Vector<float> b) => Vector.Max(a, b);

    /// <summary>
    /// Transposes samples <c>[first, first + count)</c> of <paramref name="samples"/> (each <paramref name="size"/>
    /// floats, one after another) into the lane buffer <paramref name="lanes"/> (<c>size × Count</c>); lanes past
    /// <paramref name="count"/> are zero.
    /// </summary>
    public static void Gather(ReadOnlySpan<float> samples, int size, int first, int count, Span<float> lanes)
    {
        int width = Vector<float>.Count;
        if (count < width) lanes.Slice(0, size * width).Clear();
        for (int lane = 0; lane < count; lane++)
        {
            ReadOnlySpan<float> sample = samples.Slice((first + lane) * size, size);
            for (int k = 0; k < sample.Length; k++) lanes[k * width + lane] = sample[k];
        }
    }

    /// <summary>The inverse of <see cref="Gather"/>: lanes <c>[0, count)</c> of <paramref name="lanes"/> back into samples <c>[first, first + count)</c>.</summary>
    public static void Scatter(ReadOnlySpan<float> lanes, int size, Span<float> samples, int first, int count)
    {
        int width = Vector<float>.Count;
        for (int lane = 0; lane < count; lane++)
        {
            Span<float> sample = samples.Slice((first + lane) * size, size);
            for (int k = 0; k < sample.Length; k++) sample[k] = lanes[k * width + lane];
        }
    }

    /// <summary>Token id of lane <paramref name="lane"/> at element <paramref name="index"/> of a lane buffer of ids.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Token(ref float ids, nint index, int lane) => (int)Unsafe.Add(ref ids, index * Vector<float>.Count + lane);

    private static Vector<float> Each(Vector<float> x, Func<float, float> f)
    {
        Span<float> values = stackalloc float[Vector<float>.Count];
        x.CopyTo(values);
        for (int i = 0; i < values.Length; i++) values[i] = f(values[i]);
        return new Vector<float>(values);
    }
}
