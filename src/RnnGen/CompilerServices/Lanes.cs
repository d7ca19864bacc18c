using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RnnGen.CompilerServices;

/// <summary>
/// Batch-in-lanes layout for the generated batched code (<c>PredictBatch</c>, <c>ForwardBatch</c>, <c>BackwardBatch</c>):
/// a group of <see cref="Count"/> samples runs through the model at once, every value of the model becoming one vector
/// with one lane per sample. Element <c>k</c> of a lane buffer is the <see cref="Count"/> floats at <c>k * Count</c>.
/// <see cref="Count"/> is the widest accelerated vector (16 lanes with AVX-512, 8 with AVX2, else 4), a constant to
/// the JIT; the math of each width is <see cref="Lanes512"/>, <see cref="Lanes256"/> and <see cref="Lanes128"/>.
/// </summary>
public static class Lanes
{
    /// <summary>Samples per lane group: 16, 8 or 4, the widest accelerated vector of floats.</summary>
    public static int Count
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.IsHardwareAccelerated ? 16 : Vector256.IsHardwareAccelerated ? 8 : 4;
    }

    /// <summary>Lane groups needed for <paramref name="samples"/> samples.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Groups(int samples) => (samples + Count - 1) / Count;

    /// <summary>
    /// Transposes samples <c>[first, first + count)</c> of <paramref name="samples"/> (each <paramref name="size"/>
    /// floats, one after another) into the lane buffer <paramref name="lanes"/> (<c>size × Count</c>); lanes past
    /// <paramref name="count"/> are zero.
    /// </summary>
    public static void Gather(ReadOnlySpan<float> samples, int size, int first, int count, Span<float> lanes)
    {
        int width = Count;
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
        int width = Count;
        for (int lane = 0; lane < count; lane++)
        {
            Span<float> sample = samples.Slice((first + lane) * size, size);
            for (int k = 0; k < sample.Length; k++) sample[k] = lanes[k * width + lane];
        }
    }
}

/// <summary>Lane math of a 16-sample group (<see cref="Vector512{T}"/>): see <see cref="Lanes"/>. The three widths are the same code.</summary>
public static class Lanes512
{
    /// <summary>Samples per lane group.</summary>
    public const int Count = 16;

    /// <summary>A ref to element <paramref name="index"/> of a lane buffer (its bounds are the caller's to check).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref float At(ref float source, nint index) => ref Unsafe.Add(ref source, index * Count);

    /// <summary>Element <paramref name="index"/> of a lane buffer: one value of every sample of the group.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ref float source, nint index) => Vector512.LoadUnsafe(ref source, (nuint)(index * Count));

    /// <summary>Writes element <paramref name="index"/> of a lane buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, ref float destination, nint index) => value.StoreUnsafe(ref destination, (nuint)(index * Count));

    /// <summary>The same value in every lane (a weight, shared by the group's samples).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Splat(float value) => Vector512.Create(value);

    /// <summary>The sum of the lanes: a weight gradient summed over the group's samples.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector512<float> value) => Vector512.Sum(value);

    /// <summary><c>a * b + c</c>, fused where the CPU has it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Simd.MultiplyAdd(a, b, c);

    /// <summary><c>exp(x)</c> per lane (<see cref="Simd"/>'s bound: relative error below 3e-7).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x) => Simd.Exp(x);

    /// <summary><c>1 / (1 + exp(-x))</c> per lane (relative error below 1e-6).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x) => Simd.Sigmoid(x);

    /// <summary><c>tanh(x)</c> per lane (relative error below 1e-6).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x) => Simd.Tanh(x);

    /// <summary><c>max(0, x)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Relu(Vector512<float> x) => Simd.Relu(x);

    /// <summary>The gradient through ReLU from its output: <paramref name="d"/> where <c>y &gt; 0</c>, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ReluBackward(Vector512<float> y, Vector512<float> d) => Simd.ReluBackward(y, d);

    /// <summary>The larger of each pair of lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Vector512.Max(a, b);

    /// <summary>Token id of lane <paramref name="lane"/> at element <paramref name="index"/> of a lane buffer of ids.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Token(ref float ids, nint index, int lane) => (int)Unsafe.Add(ref ids, index * Count + lane);
}

/// <summary>Lane math of a 8-sample group (<see cref="Vector256{T}"/>): see <see cref="Lanes"/>. The three widths are the same code.</summary>
public static class Lanes256
{
    /// <summary>Samples per lane group.</summary>
    public const int Count = 8;

    /// <summary>A ref to element <paramref name="index"/> of a lane buffer (its bounds are the caller's to check).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref float At(ref float source, nint index) => ref Unsafe.Add(ref source, index * Count);

    /// <summary>Element <paramref name="index"/> of a lane buffer: one value of every sample of the group.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref float source, nint index) => Vector256.LoadUnsafe(ref source, (nuint)(index * Count));

    /// <summary>Writes element <paramref name="index"/> of a lane buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, ref float destination, nint index) => value.StoreUnsafe(ref destination, (nuint)(index * Count));

    /// <summary>The same value in every lane (a weight, shared by the group's samples).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Splat(float value) => Vector256.Create(value);

    /// <summary>The sum of the lanes: a weight gradient summed over the group's samples.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector256<float> value) => Vector256.Sum(value);

    /// <summary><c>a * b + c</c>, fused where the CPU has it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Simd.MultiplyAdd(a, b, c);

    /// <summary><c>exp(x)</c> per lane (<see cref="Simd"/>'s bound: relative error below 3e-7).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x) => Simd.Exp(x);

    /// <summary><c>1 / (1 + exp(-x))</c> per lane (relative error below 1e-6).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) => Simd.Sigmoid(x);

    /// <summary><c>tanh(x)</c> per lane (relative error below 1e-6).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x) => Simd.Tanh(x);

    /// <summary><c>max(0, x)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Relu(Vector256<float> x) => Simd.Relu(x);

    /// <summary>The gradient through ReLU from its output: <paramref name="d"/> where <c>y &gt; 0</c>, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ReluBackward(Vector256<float> y, Vector256<float> d) => Simd.ReluBackward(y, d);

    /// <summary>The larger of each pair of lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) => Vector256.Max(a, b);

    /// <summary>Token id of lane <paramref name="lane"/> at element <paramref name="index"/> of a lane buffer of ids.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Token(ref float ids, nint index, int lane) => (int)Unsafe.Add(ref ids, index * Count + lane);
}

/// <summary>Lane math of a 4-sample group (<see cref="Vector128{T}"/>): see <see cref="Lanes"/>. The three widths are the same code.</summary>
public static class Lanes128
{
    /// <summary>Samples per lane group.</summary>
    public const int Count = 4;

    /// <summary>A ref to element <paramref name="index"/> of a lane buffer (its bounds are the caller's to check).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref float At(ref float source, nint index) => ref Unsafe.Add(ref source, index * Count);

    /// <summary>Element <paramref name="index"/> of a lane buffer: one value of every sample of the group.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(ref float source, nint index) => Vector128.LoadUnsafe(ref source, (nuint)(index * Count));

    /// <summary>Writes element <paramref name="index"/> of a lane buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<float> value, ref float destination, nint index) => value.StoreUnsafe(ref destination, (nuint)(index * Count));

    /// <summary>The same value in every lane (a weight, shared by the group's samples).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Splat(float value) => Vector128.Create(value);

    /// <summary>The sum of the lanes: a weight gradient summed over the group's samples.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector128<float> value) => Vector128.Sum(value);

    /// <summary><c>a * b + c</c>, fused where the CPU has it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Simd.MultiplyAdd(a, b, c);

    /// <summary><c>exp(x)</c> per lane (<see cref="Simd"/>'s bound: relative error below 3e-7).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Exp(Vector128<float> x) => Simd.Exp(x);

    /// <summary><c>1 / (1 + exp(-x))</c> per lane (relative error below 1e-6).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sigmoid(Vector128<float> x) => Simd.Sigmoid(x);

    /// <summary><c>tanh(x)</c> per lane (relative error below 1e-6).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Tanh(Vector128<float> x) => Simd.Tanh(x);

    /// <summary><c>max(0, x)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Relu(Vector128<float> x) => Simd.Relu(x);

    /// <summary>The gradient through ReLU from its output: <paramref name="d"/> where <c>y &gt; 0</c>, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ReluBackward(Vector128<float> y, Vector128<float> d) => Simd.ReluBackward(y, d);

    /// <summary>The larger of each pair of lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Max(Vector128<float> a, Vector128<float> b) => Vector128.Max(a, b);

    /// <summary>Token id of lane <paramref name="lane"/> at element <paramref name="index"/> of a lane buffer of ids.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Token(ref float ids, nint index, int lane) => (int)Unsafe.Add(ref ids, index * Count + lane);
}
