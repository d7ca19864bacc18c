using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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

    /// <summary>
    /// Keras <c>mask_zero</c> on a lane buffer of token ids (<paramref name="steps"/> elements of <paramref name="lanes"/>
    /// lanes): <paramref name="mask"/> gets 1 where the id is not 0 (the step counts) and 0 where it is (padding).
    /// </summary>
    public static void MaskZero(ReadOnlySpan<float> ids, int steps, int lanes, Span<float> mask)
    {
        for (int i = 0; i < steps * lanes; i++) mask[i] = ids[i] != 0f ? 1f : 0f;
    }

    /// <summary>
    /// Keras <c>Masking(maskValue)</c> on a lane buffer of inputs (<paramref name="steps"/> × <paramref name="features"/>
    /// elements of <paramref name="lanes"/> lanes): <paramref name="mask"/> gets 0 where every feature of a step equals
    /// <paramref name="maskValue"/>, else 1, and the masked steps' features become 0, as Keras's layer outputs them.
    /// </summary>
    public static void Masking(Span<float> inputs, int steps, int features, int lanes, float maskValue, Span<float> mask)
    {
        MaskValues(inputs, steps, features, lanes, maskValue, mask);
        for (int t = 0; t < steps; t++)
        {
            for (int lane = 0; lane < lanes; lane++)
            {
                if (mask[t * lanes + lane] != 0f) continue;
                for (int f = 0; f < features; f++) inputs[(t * features + f) * lanes + lane] = 0f;
            }
        }
    }

    /// <summary>The mask of <see cref="Masking"/> alone, the inputs left as they are.</summary>
    public static void MaskValues(ReadOnlySpan<float> inputs, int steps, int features, int lanes, float maskValue, Span<float> mask)
    {
        for (int t = 0; t < steps; t++)
        {
            for (int lane = 0; lane < lanes; lane++)
            {
                bool masked = true;
                for (int f = 0; f < features && masked; f++) masked = inputs[(t * features + f) * lanes + lane] == maskValue;
                mask[t * lanes + lane] = masked ? 0f : 1f;
            }
        }
    }

    /// <summary>
    /// Keras's <c>zero_output_for_mask</c>: <paramref name="destination"/> (which may be <paramref name="source"/>) gets
    /// <paramref name="source"/>'s rows (<paramref name="steps"/> rows of <paramref name="width"/> elements of
    /// <paramref name="lanes"/> lanes) with the masked steps' lanes zero.
    /// </summary>
    public static void ZeroMasked(ReadOnlySpan<float> source, ReadOnlySpan<float> mask, int steps, int width, int lanes, Span<float> destination)
    {
        for (int t = 0; t < steps; t++)
        {
            for (int k = 0; k < width; k++)
            {
                int row = (t * width + k) * lanes;
                for (int lane = 0; lane < lanes; lane++) destination[row + lane] = mask[t * lanes + lane] != 0f ? source[row + lane] : 0f;
            }
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

    /// <summary>The larger of each pair of lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Vector512.Max(a, b);

    /// <summary><paramref name="value"/> in the lanes whose <paramref name="mask"/> is 1 (a step that counts), <paramref name="otherwise"/> where it is 0: exact, no arithmetic.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Where(Vector512<float> mask, Vector512<float> value, Vector512<float> otherwise) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(mask, Vector512<float>.Zero), value, otherwise);

    /// <summary>Token id of lane <paramref name="lane"/> at element <paramref name="index"/> of a lane buffer of ids.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Token(ref float ids, nint index, int lane) => (int)Unsafe.Add(ref ids, index * Count + lane);

    /// <summary>
    /// <c>acc[c] += Σ_r source[r] · W[r, c]</c> for <c>c</c> in <c>[0, columns)</c> and <c>r</c> in <c>[0, rows)</c>: the
    /// group's product with a weight matrix (<c>W[r, c]</c> at <c>weights[r * stride + c]</c>); <paramref name="source"/>
    /// and <paramref name="accumulators"/> are lane buffers. Eight columns per block, each weight broadcast once.
    /// </summary>
    public static void Product(ref float source, int rows, ref float weights, int stride, int columns, ref float accumulators)
    {
        int c = 0;
        for (; c + 8 <= columns; c += 8)
        {
            ref float acc = ref At(ref accumulators, c);
            Vector512<float> a0 = Load(ref acc, 0), a1 = Load(ref acc, 1), a2 = Load(ref acc, 2), a3 = Load(ref acc, 3);
            Vector512<float> a4 = Load(ref acc, 4), a5 = Load(ref acc, 5), a6 = Load(ref acc, 6), a7 = Load(ref acc, 7);
            ref float row = ref Unsafe.Add(ref weights, c);
            for (int r = 0; r < rows; r++, row = ref Unsafe.Add(ref row, stride))
            {
                Vector512<float> v = Load(ref source, r);
                a0 = MultiplyAdd(v, Splat(row), a0);
                a1 = MultiplyAdd(v, Splat(Unsafe.Add(ref row, 1)), a1);
                a2 = MultiplyAdd(v, Splat(Unsafe.Add(ref row, 2)), a2);
                a3 = MultiplyAdd(v, Splat(Unsafe.Add(ref row, 3)), a3);
                a4 = MultiplyAdd(v, Splat(Unsafe.Add(ref row, 4)), a4);
                a5 = MultiplyAdd(v, Splat(Unsafe.Add(ref row, 5)), a5);
                a6 = MultiplyAdd(v, Splat(Unsafe.Add(ref row, 6)), a6);
                a7 = MultiplyAdd(v, Splat(Unsafe.Add(ref row, 7)), a7);
            }

            Store(a0, ref acc, 0); Store(a1, ref acc, 1); Store(a2, ref acc, 2); Store(a3, ref acc, 3);
            Store(a4, ref acc, 4); Store(a5, ref acc, 5); Store(a6, ref acc, 6); Store(a7, ref acc, 7);
        }

        for (; c < columns; c++)
        {
            // the last columns one at a time, with two chains
            Vector512<float> even = Load(ref accumulators, c), odd = Vector512<float>.Zero;
            ref float row = ref Unsafe.Add(ref weights, c);
            int r = 0;
            for (; r + 2 <= rows; r += 2, row = ref Unsafe.Add(ref row, 2 * stride))
            {
                even = MultiplyAdd(Load(ref source, r), Splat(row), even);
                odd = MultiplyAdd(Load(ref source, r + 1), Splat(Unsafe.Add(ref row, stride)), odd);
            }

            if (r < rows) even = MultiplyAdd(Load(ref source, r), Splat(row), even);
            Store(even + odd, ref accumulators, c);
        }
    }

    /// <summary>
    /// <c>acc[r] += Σ_c source[c] · W[r, c]</c> for <c>r</c> in <c>[0, rows)</c> and <c>c</c> in <c>[0, columns)</c>: the
    /// product with the transposed weights (<c>dA W^T</c>), eight rows per block.
    /// </summary>
    public static void ProductTransposed(ref float source, int columns, ref float weights, int stride, int rows, ref float accumulators)
    {
        int r = 0;
        for (; r + 8 <= rows; r += 8)
        {
            ref float acc = ref At(ref accumulators, r);
            Vector512<float> a0 = Load(ref acc, 0), a1 = Load(ref acc, 1), a2 = Load(ref acc, 2), a3 = Load(ref acc, 3);
            Vector512<float> a4 = Load(ref acc, 4), a5 = Load(ref acc, 5), a6 = Load(ref acc, 6), a7 = Load(ref acc, 7);
            ref float column = ref Unsafe.Add(ref weights, (nint)r * stride);
            nint s = stride;
            for (int c = 0; c < columns; c++, column = ref Unsafe.Add(ref column, 1))
            {
                Vector512<float> v = Load(ref source, c);
                a0 = MultiplyAdd(v, Splat(column), a0);
                a1 = MultiplyAdd(v, Splat(Unsafe.Add(ref column, s)), a1);
                a2 = MultiplyAdd(v, Splat(Unsafe.Add(ref column, 2 * s)), a2);
                a3 = MultiplyAdd(v, Splat(Unsafe.Add(ref column, 3 * s)), a3);
                a4 = MultiplyAdd(v, Splat(Unsafe.Add(ref column, 4 * s)), a4);
                a5 = MultiplyAdd(v, Splat(Unsafe.Add(ref column, 5 * s)), a5);
                a6 = MultiplyAdd(v, Splat(Unsafe.Add(ref column, 6 * s)), a6);
                a7 = MultiplyAdd(v, Splat(Unsafe.Add(ref column, 7 * s)), a7);
            }

            Store(a0, ref acc, 0); Store(a1, ref acc, 1); Store(a2, ref acc, 2); Store(a3, ref acc, 3);
            Store(a4, ref acc, 4); Store(a5, ref acc, 5); Store(a6, ref acc, 6); Store(a7, ref acc, 7);
        }

        for (; r < rows; r++)
        {
            Vector512<float> even = Load(ref accumulators, r), odd = Vector512<float>.Zero;
            ref float column = ref Unsafe.Add(ref weights, (nint)r * stride);
            int c = 0;
            for (; c + 2 <= columns; c += 2)
            {
                even = MultiplyAdd(Load(ref source, c), Splat(Unsafe.Add(ref column, c)), even);
                odd = MultiplyAdd(Load(ref source, c + 1), Splat(Unsafe.Add(ref column, c + 1)), odd);
            }

            if (c < columns) even = MultiplyAdd(Load(ref source, c), Splat(Unsafe.Add(ref column, c)), even);
            Store(even + odd, ref accumulators, r);
        }
    }

    /// <summary>
    /// The weight gradient of a product over <paramref name="steps"/> steps and the group's lanes:
    /// <c>g[r * stride + c] += Σ_s Σ_lanes rows_s[r] · columns_s[c]</c>, where step <c>s</c>'s lane buffers start
    /// <c>s · rowStep</c> and <c>s · columnStep</c> elements after <paramref name="rowSource"/> and
    /// <paramref name="columnSource"/> (a negative step reads a sequence backwards). Tiles of 8 rows by 3 columns (then 4
    /// by 4, 2 by 4, single columns and single rows), in blocks of steps that fit in L2; a tile's horizontal sums are one
    /// transpose-add tree per block (<see cref="AddSums"/>), in a fixed order.
    /// </summary>
    public static void Outer(ref float rowSource, nint rowStep, int rowCount, ref float columnSource, nint columnStep, int columnCount, int steps,
        ref float gradient, int stride)
    {
        // Blocks of steps whose rows and columns fit in half the core's L2 (512 KB of 1 MB): every tile then re-reads them
        // from there, not from memory; one horizontal sum per weight and block.
        long bytesPerStep = (long)(rowCount + columnCount) * Count * sizeof(float);
        int block = (int)Math.Clamp(524288 / Math.Max(1, bytesPerStep), 1, Math.Max(1, steps));
        for (int first = 0; first < steps; first += block)
        {
            OuterBlock(ref At(ref rowSource, first * rowStep), rowStep, rowCount, ref At(ref columnSource, first * columnStep), columnStep, columnCount,
                Math.Min(block, steps - first), ref gradient, stride);
        }
    }

    private static void OuterBlock(ref float rowSource, nint rowStep, int rowCount, ref float columnSource, nint columnStep, int columnCount, int steps,
        ref float gradient, int stride)
    {
        int r = 0;
        // 8 rows by 3 columns: 24 accumulators, 11 loads per 24 multiply-adds; the strip's rows stay in L1, the columns stream from L2
        for (; r + 8 <= rowCount; r += 8)
        {
            ref float g0 = ref Unsafe.Add(ref gradient, (nint)r * stride);
            int c = 0;
            for (; c + 3 <= columnCount; c += 3)
            {
                Vector512<float> w00 = Vector512<float>.Zero, w01 = Vector512<float>.Zero, w02 = Vector512<float>.Zero, w10 = Vector512<float>.Zero, w11 = Vector512<float>.Zero, w12 = Vector512<float>.Zero;
                Vector512<float> w20 = Vector512<float>.Zero, w21 = Vector512<float>.Zero, w22 = Vector512<float>.Zero, w30 = Vector512<float>.Zero, w31 = Vector512<float>.Zero, w32 = Vector512<float>.Zero;
                Vector512<float> w40 = Vector512<float>.Zero, w41 = Vector512<float>.Zero, w42 = Vector512<float>.Zero, w50 = Vector512<float>.Zero, w51 = Vector512<float>.Zero, w52 = Vector512<float>.Zero;
                Vector512<float> w60 = Vector512<float>.Zero, w61 = Vector512<float>.Zero, w62 = Vector512<float>.Zero, w70 = Vector512<float>.Zero, w71 = Vector512<float>.Zero, w72 = Vector512<float>.Zero;
                ref float rowAt = ref At(ref rowSource, r);
                ref float at = ref At(ref columnSource, c);
                for (int s = 0; s < steps; s++, rowAt = ref At(ref rowAt, rowStep), at = ref At(ref at, columnStep))
                {
                    Vector512<float> d0 = Load(ref at, 0), d1 = Load(ref at, 1), d2 = Load(ref at, 2);
                    Vector512<float> h = Load(ref rowAt, 0);
                    w00 = MultiplyAdd(h, d0, w00); w01 = MultiplyAdd(h, d1, w01); w02 = MultiplyAdd(h, d2, w02);
                    h = Load(ref rowAt, 1);
                    w10 = MultiplyAdd(h, d0, w10); w11 = MultiplyAdd(h, d1, w11); w12 = MultiplyAdd(h, d2, w12);
                    h = Load(ref rowAt, 2);
                    w20 = MultiplyAdd(h, d0, w20); w21 = MultiplyAdd(h, d1, w21); w22 = MultiplyAdd(h, d2, w22);
                    h = Load(ref rowAt, 3);
                    w30 = MultiplyAdd(h, d0, w30); w31 = MultiplyAdd(h, d1, w31); w32 = MultiplyAdd(h, d2, w32);
                    h = Load(ref rowAt, 4);
                    w40 = MultiplyAdd(h, d0, w40); w41 = MultiplyAdd(h, d1, w41); w42 = MultiplyAdd(h, d2, w42);
                    h = Load(ref rowAt, 5);
                    w50 = MultiplyAdd(h, d0, w50); w51 = MultiplyAdd(h, d1, w51); w52 = MultiplyAdd(h, d2, w52);
                    h = Load(ref rowAt, 6);
                    w60 = MultiplyAdd(h, d0, w60); w61 = MultiplyAdd(h, d1, w61); w62 = MultiplyAdd(h, d2, w62);
                    h = Load(ref rowAt, 7);
                    w70 = MultiplyAdd(h, d0, w70); w71 = MultiplyAdd(h, d1, w71); w72 = MultiplyAdd(h, d2, w72);
                }

                ref float g4 = ref Unsafe.Add(ref g0, 4 * (nint)stride);
                AddSums(ref Unsafe.Add(ref g0, c), stride, 4, 3, w00, w01, w02, Vector512<float>.Zero, w10, w11, w12, Vector512<float>.Zero, w20, w21, w22, Vector512<float>.Zero, w30, w31, w32, Vector512<float>.Zero);
                AddSums(ref Unsafe.Add(ref g4, c), stride, 4, 3, w40, w41, w42, Vector512<float>.Zero, w50, w51, w52, Vector512<float>.Zero, w60, w61, w62, Vector512<float>.Zero, w70, w71, w72, Vector512<float>.Zero);
            }

            for (; c < columnCount; c++)
            {
                Vector512<float> w0 = Vector512<float>.Zero, w1 = Vector512<float>.Zero, w2 = Vector512<float>.Zero, w3 = Vector512<float>.Zero, w4 = Vector512<float>.Zero, w5 = Vector512<float>.Zero, w6 = Vector512<float>.Zero, w7 = Vector512<float>.Zero;
                ref float rowAt = ref At(ref rowSource, r);
                ref float at = ref At(ref columnSource, c);
                for (int s = 0; s < steps; s++, rowAt = ref At(ref rowAt, rowStep), at = ref At(ref at, columnStep))
                {
                    Vector512<float> d = Load(ref at, 0);
                    w0 = MultiplyAdd(Load(ref rowAt, 0), d, w0); w1 = MultiplyAdd(Load(ref rowAt, 1), d, w1);
                    w2 = MultiplyAdd(Load(ref rowAt, 2), d, w2); w3 = MultiplyAdd(Load(ref rowAt, 3), d, w3);
                    w4 = MultiplyAdd(Load(ref rowAt, 4), d, w4); w5 = MultiplyAdd(Load(ref rowAt, 5), d, w5);
                    w6 = MultiplyAdd(Load(ref rowAt, 6), d, w6); w7 = MultiplyAdd(Load(ref rowAt, 7), d, w7);
                }

                ref float gc = ref Unsafe.Add(ref g0, c);
                AddSum(ref gc, 0, w0); AddSum(ref gc, stride, w1); AddSum(ref gc, 2 * stride, w2); AddSum(ref gc, 3 * stride, w3);
                AddSum(ref gc, 4 * stride, w4); AddSum(ref gc, 5 * stride, w5); AddSum(ref gc, 6 * stride, w6); AddSum(ref gc, 7 * stride, w7);
            }
        }

        // 4 rows by 4 columns: 16 accumulators, 8 loads per 16 multiply-adds
        for (; r + 4 <= rowCount; r += 4)
        {
            ref float g0 = ref Unsafe.Add(ref gradient, (nint)r * stride);
            int c = 0;
            for (; c + 4 <= columnCount; c += 4)
            {
                Vector512<float> w00 = Vector512<float>.Zero, w01 = Vector512<float>.Zero, w02 = Vector512<float>.Zero, w03 = Vector512<float>.Zero;
                Vector512<float> w10 = Vector512<float>.Zero, w11 = Vector512<float>.Zero, w12 = Vector512<float>.Zero, w13 = Vector512<float>.Zero;
                Vector512<float> w20 = Vector512<float>.Zero, w21 = Vector512<float>.Zero, w22 = Vector512<float>.Zero, w23 = Vector512<float>.Zero;
                Vector512<float> w30 = Vector512<float>.Zero, w31 = Vector512<float>.Zero, w32 = Vector512<float>.Zero, w33 = Vector512<float>.Zero;
                ref float rowAt = ref At(ref rowSource, r);
                ref float at = ref At(ref columnSource, c);
                for (int s = 0; s < steps; s++, rowAt = ref At(ref rowAt, rowStep), at = ref At(ref at, columnStep))
                {
                    Vector512<float> d0 = Load(ref at, 0), d1 = Load(ref at, 1), d2 = Load(ref at, 2), d3 = Load(ref at, 3);
                    Vector512<float> h = Load(ref rowAt, 0);
                    w00 = MultiplyAdd(h, d0, w00); w01 = MultiplyAdd(h, d1, w01); w02 = MultiplyAdd(h, d2, w02); w03 = MultiplyAdd(h, d3, w03);
                    h = Load(ref rowAt, 1);
                    w10 = MultiplyAdd(h, d0, w10); w11 = MultiplyAdd(h, d1, w11); w12 = MultiplyAdd(h, d2, w12); w13 = MultiplyAdd(h, d3, w13);
                    h = Load(ref rowAt, 2);
                    w20 = MultiplyAdd(h, d0, w20); w21 = MultiplyAdd(h, d1, w21); w22 = MultiplyAdd(h, d2, w22); w23 = MultiplyAdd(h, d3, w23);
                    h = Load(ref rowAt, 3);
                    w30 = MultiplyAdd(h, d0, w30); w31 = MultiplyAdd(h, d1, w31); w32 = MultiplyAdd(h, d2, w32); w33 = MultiplyAdd(h, d3, w33);
                }

                AddSums(ref Unsafe.Add(ref g0, c), stride, 4, 4, w00, w01, w02, w03, w10, w11, w12, w13, w20, w21, w22, w23, w30, w31, w32, w33);
            }

            for (; c < columnCount; c++)
            {
                Vector512<float> w0 = Vector512<float>.Zero, w1 = Vector512<float>.Zero, w2 = Vector512<float>.Zero, w3 = Vector512<float>.Zero;
                for (int s = 0; s < steps; s++)
                {
                    ref float rowAt = ref At(ref rowSource, s * rowStep + r);
                    Vector512<float> d = Load(ref columnSource, s * columnStep + c);
                    w0 = MultiplyAdd(Load(ref rowAt, 0), d, w0); w1 = MultiplyAdd(Load(ref rowAt, 1), d, w1);
                    w2 = MultiplyAdd(Load(ref rowAt, 2), d, w2); w3 = MultiplyAdd(Load(ref rowAt, 3), d, w3);
                }

                AddSum(ref g0, c, w0); AddSum(ref Unsafe.Add(ref g0, stride), c, w1);
                AddSum(ref Unsafe.Add(ref g0, 2 * stride), c, w2); AddSum(ref Unsafe.Add(ref g0, 3 * stride), c, w3);
            }
        }

        for (; r + 2 <= rowCount; r += 2)
        {
            ref float g0 = ref Unsafe.Add(ref gradient, (nint)r * stride);
            ref float g1 = ref Unsafe.Add(ref g0, stride);
            int c = 0;
            for (; c + 4 <= columnCount; c += 4)
            {
                Vector512<float> w00 = Vector512<float>.Zero, w01 = Vector512<float>.Zero, w02 = Vector512<float>.Zero, w03 = Vector512<float>.Zero;
                Vector512<float> w10 = Vector512<float>.Zero, w11 = Vector512<float>.Zero, w12 = Vector512<float>.Zero, w13 = Vector512<float>.Zero;
                for (int s = 0; s < steps; s++)
                {
                    ref float rowAt = ref At(ref rowSource, s * rowStep + r);
                    ref float at = ref At(ref columnSource, s * columnStep + c);
                    Vector512<float> h0 = Load(ref rowAt, 0), h1 = Load(ref rowAt, 1);
                    Vector512<float> d0 = Load(ref at, 0), d1 = Load(ref at, 1), d2 = Load(ref at, 2), d3 = Load(ref at, 3);
                    w00 = MultiplyAdd(h0, d0, w00); w01 = MultiplyAdd(h0, d1, w01); w02 = MultiplyAdd(h0, d2, w02); w03 = MultiplyAdd(h0, d3, w03);
                    w10 = MultiplyAdd(h1, d0, w10); w11 = MultiplyAdd(h1, d1, w11); w12 = MultiplyAdd(h1, d2, w12); w13 = MultiplyAdd(h1, d3, w13);
                }

                AddSums(ref Unsafe.Add(ref g0, c), stride, 2, 4, w00, w01, w02, w03, w10, w11, w12, w13, Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero);
            }

            for (; c < columnCount; c++)
            {
                Vector512<float> w0 = Vector512<float>.Zero, w1 = Vector512<float>.Zero;
                for (int s = 0; s < steps; s++)
                {
                    ref float rowAt = ref At(ref rowSource, s * rowStep + r);
                    Vector512<float> d = Load(ref columnSource, s * columnStep + c);
                    w0 = MultiplyAdd(Load(ref rowAt, 0), d, w0);
                    w1 = MultiplyAdd(Load(ref rowAt, 1), d, w1);
                }

                AddSum(ref g0, c, w0);
                AddSum(ref g1, c, w1);
            }
        }

        if (r < rowCount)
        {
            ref float g0 = ref Unsafe.Add(ref gradient, (nint)r * stride);
            for (int c = 0; c < columnCount; c++)
            {
                Vector512<float> w0 = Vector512<float>.Zero, w1 = Vector512<float>.Zero;
                int s = 0;
                for (; s + 2 <= steps; s += 2)
                {
                    w0 = MultiplyAdd(Load(ref rowSource, s * rowStep + r), Load(ref columnSource, s * columnStep + c), w0);
                    w1 = MultiplyAdd(Load(ref rowSource, (s + 1) * rowStep + r), Load(ref columnSource, (s + 1) * columnStep + c), w1);
                }

                if (s < steps) w0 = MultiplyAdd(Load(ref rowSource, s * rowStep + r), Load(ref columnSource, s * columnStep + c), w0);
                AddSum(ref g0, c, w0 + w1);
            }
        }
    }

    /// <summary>
    /// <c>g[i * stride + j] += Σ_lanes w_ij</c> for the first <paramref name="rows"/> (1 to 4) rows and <paramref name="columns"/>
    /// (3 or 4) columns of a tile: with AVX-512 one tree: each column's four rows fold into one vector (128-bit block i: row i's partial sums), then pairwise shuffle-adds across the columns leave block i = row i's four sums, else one sum per weight.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddSums(ref float g, nint stride, int rows, int columns, Vector512<float> w00, Vector512<float> w01, Vector512<float> w02, Vector512<float> w03,
        Vector512<float> w10, Vector512<float> w11, Vector512<float> w12, Vector512<float> w13, Vector512<float> w20, Vector512<float> w21, Vector512<float> w22, Vector512<float> w23, Vector512<float> w30, Vector512<float> w31, Vector512<float> w32, Vector512<float> w33)
    {
        if (!Avx512F.IsSupported)
        {
            ref float g1 = ref Unsafe.Add(ref g, stride), g2 = ref Unsafe.Add(ref g, 2 * stride), g3 = ref Unsafe.Add(ref g, 3 * stride);
            AddSumsOf(ref g, columns, w00, w01, w02, w03);
            if (rows > 1) AddSumsOf(ref g1, columns, w10, w11, w12, w13);
            if (rows > 2) AddSumsOf(ref g2, columns, w20, w21, w22, w23);
            if (rows > 3) AddSumsOf(ref g3, columns, w30, w31, w32, w33);
            return;
        }

        // column j's rows fold to [row 0 | row 1 | row 2 | row 3] partials; the pair tree then sums each block's four lanes per column
        Vector512<float> t = Pairs(Pairs(Fold(w00, w10, w20, w30), Fold(w01, w11, w21, w31)), Pairs(Fold(w02, w12, w22, w32), Fold(w03, w13, w23, w33)));
        AddRow(ref g, columns, t.GetLower().GetLower());
        if (rows > 1) AddRow(ref Unsafe.Add(ref g, stride), columns, t.GetLower().GetUpper());
        if (rows > 2) AddRow(ref Unsafe.Add(ref g, 2 * stride), columns, t.GetUpper().GetLower());
        if (rows > 3) AddRow(ref Unsafe.Add(ref g, 3 * stride), columns, t.GetUpper().GetUpper());
    }

    /// <summary><c>g[j] += v[j]</c> for the first <paramref name="columns"/> (3 or 4) elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddRow(ref float g, int columns, Vector128<float> v)
    {
        if (columns == 4) { (Vector128.LoadUnsafe(ref g) + v).StoreUnsafe(ref g); return; }
        g += v.ToScalar(); Unsafe.Add(ref g, 1) += v.GetElement(1); Unsafe.Add(ref g, 2) += v.GetElement(2);
    }

    /// <summary>The one-sum-per-weight fallback of <see cref="AddSums"/>: row <c>i</c>'s first <paramref name="columns"/> weights.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddSumsOf(ref float g, int columns, Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d)
    {
        AddSum(ref g, 0, a); AddSum(ref g, 1, b); AddSum(ref g, 2, c);
        if (columns == 4) AddSum(ref g, 3, d);
    }

    /// <summary>128-bit block <c>i</c> of the result: the four partial sums (of four lanes each) of the <c>i</c>-th argument.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Fold(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d)
    {
        Vector512<float> ab = Avx512F.Shuffle4x128(a, b, 0x44) + Avx512F.Shuffle4x128(a, b, 0xEE);
        Vector512<float> cd = Avx512F.Shuffle4x128(c, d, 0x44) + Avx512F.Shuffle4x128(c, d, 0xEE);
        return Avx512F.Shuffle4x128(ab, cd, 0x88) + Avx512F.Shuffle4x128(ab, cd, 0xDD);
    }

    /// <summary>Per 128-bit block: <c>[x0 + x1, x2 + x3, y0 + y1, y2 + y3]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Pairs(Vector512<float> x, Vector512<float> y) => Avx512F.Shuffle(x, y, 0x88) + Avx512F.Shuffle(x, y, 0xDD);

    /// <summary>A bias gradient over <paramref name="steps"/> steps and the lanes: <c>g[c] += Σ_s Σ_lanes columns_s[c]</c>.</summary>
    public static void SumSteps(ref float columnSource, nint columnStep, int columnCount, int steps, ref float gradient)
    {
        // eight columns at a time, the steps inner: each step reads eight consecutive lane elements
        int c = 0;
        for (; c + 8 <= columnCount; c += 8)
        {
            Vector512<float> w0 = Vector512<float>.Zero, w1 = Vector512<float>.Zero, w2 = Vector512<float>.Zero, w3 = Vector512<float>.Zero;
            Vector512<float> w4 = Vector512<float>.Zero, w5 = Vector512<float>.Zero, w6 = Vector512<float>.Zero, w7 = Vector512<float>.Zero;
            for (int s = 0; s < steps; s++)
            {
                ref float at = ref At(ref columnSource, s * columnStep + c);
                w0 += Load(ref at, 0); w1 += Load(ref at, 1); w2 += Load(ref at, 2); w3 += Load(ref at, 3);
                w4 += Load(ref at, 4); w5 += Load(ref at, 5); w6 += Load(ref at, 6); w7 += Load(ref at, 7);
            }

            AddSum(ref gradient, c, w0); AddSum(ref gradient, c + 1, w1); AddSum(ref gradient, c + 2, w2); AddSum(ref gradient, c + 3, w3);
            AddSum(ref gradient, c + 4, w4); AddSum(ref gradient, c + 5, w5); AddSum(ref gradient, c + 6, w6); AddSum(ref gradient, c + 7, w7);
        }

        for (; c < columnCount; c++)
        {
            Vector512<float> w0 = Vector512<float>.Zero;
            for (int s = 0; s < steps; s++) w0 += Load(ref columnSource, s * columnStep + c);
            AddSum(ref gradient, c, w0);
        }
    }

    /// <summary><c>g[index] += Σ_lanes value</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddSum(ref float gradient, int index, Vector512<float> value) => Unsafe.Add(ref gradient, index) += Sum(value);

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

    /// <summary>The larger of each pair of lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) => Vector256.Max(a, b);

    /// <summary><paramref name="value"/> in the lanes whose <paramref name="mask"/> is 1 (a step that counts), <paramref name="otherwise"/> where it is 0: exact, no arithmetic.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Where(Vector256<float> mask, Vector256<float> value, Vector256<float> otherwise) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(mask, Vector256<float>.Zero), value, otherwise);

    /// <summary>Token id of lane <paramref name="lane"/> at element <paramref name="index"/> of a lane buffer of ids.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Token(ref float ids, nint index, int lane) => (int)Unsafe.Add(ref ids, index * Count + lane);

    /// <summary>
    /// <c>acc[c] += Σ_r source[r] · W[r, c]</c> for <c>c</c> in <c>[0, columns)</c> and <c>r</c> in <c>[0, rows)</c>: the
    /// group's product with a weight matrix (<c>W[r, c]</c> at <c>weights[r * stride + c]</c>); <paramref name="source"/>
    /// and <paramref name="accumulators"/> are lane buffers. Eight columns per block, each weight broadcast once.
    /// </summary>
    public static void Product(ref float source, int rows, ref float weights, int stride, int columns, ref float accumulators)
    {
        int c = 0;
        for (; c + 8 <= columns; c += 8)
        {
            ref float acc = ref At(ref accumulators, c);
            Vector256<float> a0 = Load(ref acc, 0), a1 = Load(ref acc, 1), a2 = Load(ref acc, 2), a3 = Load(ref acc, 3);
            Vector256<float> a4 = Load(ref acc, 4), a5 = Load(ref acc, 5), a6 = Load(ref acc, 6), a7 = Load(ref acc, 7);
            ref float row = ref Unsafe.Add(ref weights, c);
            for (int r = 0; r < rows; r++, row = ref Unsafe.Add(ref row, stride))
            {
                Vector256<float> v = Load(ref source, r);
                a0 = MultiplyAdd(v, Splat(row), a0);
                a1 = MultiplyAdd(v, Splat(Unsafe.Add(ref row, 1)), a1);
                a2 = MultiplyAdd(v, Splat(Unsafe.Add(ref row, 2)), a2);
                a3 = MultiplyAdd(v, Splat(Unsafe.Add(ref row, 3)), a3);
                a4 = MultiplyAdd(v, Splat(Unsafe.Add(ref row, 4)), a4);
                a5 = MultiplyAdd(v, Splat(Unsafe.Add(ref row, 5)), a5);
                a6 = MultiplyAdd(v, Splat(Unsafe.Add(ref row, 6)), a6);
                a7 = MultiplyAdd(v, Splat(Unsafe.Add(ref row, 7)), a7);
            }

            Store(a0, ref acc, 0); Store(a1, ref acc, 1); Store(a2, ref acc, 2); Store(a3, ref acc, 3);
            Store(a4, ref acc, 4); Store(a5, ref acc, 5); Store(a6, ref acc, 6); Store(a7, ref acc, 7);
        }

        for (; c < columns; c++)
        {
            // the last columns one at a time, with two chains
            Vector256<float> even = Load(ref accumulators, c), odd = Vector256<float>.Zero;
            ref float row = ref Unsafe.Add(ref weights, c);
            int r = 0;
            for (; r + 2 <= rows; r += 2, row = ref Unsafe.Add(ref row, 2 * stride))
            {
                even = MultiplyAdd(Load(ref source, r), Splat(row), even);
                odd = MultiplyAdd(Load(ref source, r + 1), Splat(Unsafe.Add(ref row, stride)), odd);
            }

            if (r < rows) even = MultiplyAdd(Load(ref source, r), Splat(row), even);
            Store(even + odd, ref accumulators, c);
        }
    }

    /// <summary>
    /// <c>acc[r] += Σ_c source[c] · W[r, c]</c> for <c>r</c> in <c>[0, rows)</c> and <c>c</c> in <c>[0, columns)</c>: the
    /// product with the transposed weights (<c>dA W^T</c>), eight rows per block.
    /// </summary>
    public static void ProductTransposed(ref float source, int columns, ref float weights, int stride, int rows, ref float accumulators)
    {
        int r = 0;
        for (; r + 8 <= rows; r += 8)
        {
            ref float acc = ref At(ref accumulators, r);
            Vector256<float> a0 = Load(ref acc, 0), a1 = Load(ref acc, 1), a2 = Load(ref acc, 2), a3 = Load(ref acc, 3);
            Vector256<float> a4 = Load(ref acc, 4), a5 = Load(ref acc, 5), a6 = Load(ref acc, 6), a7 = Load(ref acc, 7);
            ref float column = ref Unsafe.Add(ref weights, (nint)r * stride);
            nint s = stride;
            for (int c = 0; c < columns; c++, column = ref Unsafe.Add(ref column, 1))
            {
                Vector256<float> v = Load(ref source, c);
                a0 = MultiplyAdd(v, Splat(column), a0);
                a1 = MultiplyAdd(v, Splat(Unsafe.Add(ref column, s)), a1);
                a2 = MultiplyAdd(v, Splat(Unsafe.Add(ref column, 2 * s)), a2);
                a3 = MultiplyAdd(v, Splat(Unsafe.Add(ref column, 3 * s)), a3);
                a4 = MultiplyAdd(v, Splat(Unsafe.Add(ref column, 4 * s)), a4);
                a5 = MultiplyAdd(v, Splat(Unsafe.Add(ref column, 5 * s)), a5);
                a6 = MultiplyAdd(v, Splat(Unsafe.Add(ref column, 6 * s)), a6);
                a7 = MultiplyAdd(v, Splat(Unsafe.Add(ref column, 7 * s)), a7);
            }

            Store(a0, ref acc, 0); Store(a1, ref acc, 1); Store(a2, ref acc, 2); Store(a3, ref acc, 3);
            Store(a4, ref acc, 4); Store(a5, ref acc, 5); Store(a6, ref acc, 6); Store(a7, ref acc, 7);
        }

        for (; r < rows; r++)
        {
            Vector256<float> even = Load(ref accumulators, r), odd = Vector256<float>.Zero;
            ref float column = ref Unsafe.Add(ref weights, (nint)r * stride);
            int c = 0;
            for (; c + 2 <= columns; c += 2)
            {
                even = MultiplyAdd(Load(ref source, c), Splat(Unsafe.Add(ref column, c)), even);
                odd = MultiplyAdd(Load(ref source, c + 1), Splat(Unsafe.Add(ref column, c + 1)), odd);
            }

            if (c < columns) even = MultiplyAdd(Load(ref source, c), Splat(Unsafe.Add(ref column, c)), even);
            Store(even + odd, ref accumulators, r);
        }
    }

    /// <summary>
    /// The weight gradient of a product over <paramref name="steps"/> steps and the group's lanes:
    /// <c>g[r * stride + c] += Σ_s Σ_lanes rows_s[r] · columns_s[c]</c>, where step <c>s</c>'s lane buffers start
    /// <c>s · rowStep</c> and <c>s · columnStep</c> elements after <paramref name="rowSource"/> and
    /// <paramref name="columnSource"/> (a negative step reads a sequence backwards). Tiles of 8 rows by 3 columns (then 4
    /// by 4, 2 by 4, single columns and single rows), in blocks of steps that fit in L2; a tile's horizontal sums are one
    /// transpose-add tree per block (<see cref="AddSums"/>), in a fixed order.
    /// </summary>
    public static void Outer(ref float rowSource, nint rowStep, int rowCount, ref float columnSource, nint columnStep, int columnCount, int steps,
        ref float gradient, int stride)
    {
        // Blocks of steps whose rows and columns fit in half the core's L2 (512 KB of 1 MB): every tile then re-reads them
        // from there, not from memory; one horizontal sum per weight and block.
        long bytesPerStep = (long)(rowCount + columnCount) * Count * sizeof(float);
        int block = (int)Math.Clamp(524288 / Math.Max(1, bytesPerStep), 1, Math.Max(1, steps));
        for (int first = 0; first < steps; first += block)
        {
            OuterBlock(ref At(ref rowSource, first * rowStep), rowStep, rowCount, ref At(ref columnSource, first * columnStep), columnStep, columnCount,
                Math.Min(block, steps - first), ref gradient, stride);
        }
    }

    private static void OuterBlock(ref float rowSource, nint rowStep, int rowCount, ref float columnSource, nint columnStep, int columnCount, int steps,
        ref float gradient, int stride)
    {
        int r = 0;
        // 8 rows by 3 columns: 24 accumulators, 11 loads per 24 multiply-adds; the strip's rows stay in L1, the columns stream from L2
        for (; r + 8 <= rowCount; r += 8)
        {
            ref float g0 = ref Unsafe.Add(ref gradient, (nint)r * stride);
            int c = 0;
            for (; c + 3 <= columnCount; c += 3)
            {
                Vector256<float> w00 = Vector256<float>.Zero, w01 = Vector256<float>.Zero, w02 = Vector256<float>.Zero, w10 = Vector256<float>.Zero, w11 = Vector256<float>.Zero, w12 = Vector256<float>.Zero;
                Vector256<float> w20 = Vector256<float>.Zero, w21 = Vector256<float>.Zero, w22 = Vector256<float>.Zero, w30 = Vector256<float>.Zero, w31 = Vector256<float>.Zero, w32 = Vector256<float>.Zero;
                Vector256<float> w40 = Vector256<float>.Zero, w41 = Vector256<float>.Zero, w42 = Vector256<float>.Zero, w50 = Vector256<float>.Zero, w51 = Vector256<float>.Zero, w52 = Vector256<float>.Zero;
                Vector256<float> w60 = Vector256<float>.Zero, w61 = Vector256<float>.Zero, w62 = Vector256<float>.Zero, w70 = Vector256<float>.Zero, w71 = Vector256<float>.Zero, w72 = Vector256<float>.Zero;
                ref float rowAt = ref At(ref rowSource, r);
                ref float at = ref At(ref columnSource, c);
                for (int s = 0; s < steps; s++, rowAt = ref At(ref rowAt, rowStep), at = ref At(ref at, columnStep))
                {
                    Vector256<float> d0 = Load(ref at, 0), d1 = Load(ref at, 1), d2 = Load(ref at, 2);
                    Vector256<float> h = Load(ref rowAt, 0);
                    w00 = MultiplyAdd(h, d0, w00); w01 = MultiplyAdd(h, d1, w01); w02 = MultiplyAdd(h, d2, w02);
                    h = Load(ref rowAt, 1);
                    w10 = MultiplyAdd(h, d0, w10); w11 = MultiplyAdd(h, d1, w11); w12 = MultiplyAdd(h, d2, w12);
                    h = Load(ref rowAt, 2);
                    w20 = MultiplyAdd(h, d0, w20); w21 = MultiplyAdd(h, d1, w21); w22 = MultiplyAdd(h, d2, w22);
                    h = Load(ref rowAt, 3);
                    w30 = MultiplyAdd(h, d0, w30); w31 = MultiplyAdd(h, d1, w31); w32 = MultiplyAdd(h, d2, w32);
                    h = Load(ref rowAt, 4);
                    w40 = MultiplyAdd(h, d0, w40); w41 = MultiplyAdd(h, d1, w41); w42 = MultiplyAdd(h, d2, w42);
                    h = Load(ref rowAt, 5);
                    w50 = MultiplyAdd(h, d0, w50); w51 = MultiplyAdd(h, d1, w51); w52 = MultiplyAdd(h, d2, w52);
                    h = Load(ref rowAt, 6);
                    w60 = MultiplyAdd(h, d0, w60); w61 = MultiplyAdd(h, d1, w61); w62 = MultiplyAdd(h, d2, w62);
                    h = Load(ref rowAt, 7);
                    w70 = MultiplyAdd(h, d0, w70); w71 = MultiplyAdd(h, d1, w71); w72 = MultiplyAdd(h, d2, w72);
                }

                ref float g4 = ref Unsafe.Add(ref g0, 4 * (nint)stride);
                AddSums(ref Unsafe.Add(ref g0, c), stride, 4, 3, w00, w01, w02, Vector256<float>.Zero, w10, w11, w12, Vector256<float>.Zero, w20, w21, w22, Vector256<float>.Zero, w30, w31, w32, Vector256<float>.Zero);
                AddSums(ref Unsafe.Add(ref g4, c), stride, 4, 3, w40, w41, w42, Vector256<float>.Zero, w50, w51, w52, Vector256<float>.Zero, w60, w61, w62, Vector256<float>.Zero, w70, w71, w72, Vector256<float>.Zero);
            }

            for (; c < columnCount; c++)
            {
                Vector256<float> w0 = Vector256<float>.Zero, w1 = Vector256<float>.Zero, w2 = Vector256<float>.Zero, w3 = Vector256<float>.Zero, w4 = Vector256<float>.Zero, w5 = Vector256<float>.Zero, w6 = Vector256<float>.Zero, w7 = Vector256<float>.Zero;
                ref float rowAt = ref At(ref rowSource, r);
                ref float at = ref At(ref columnSource, c);
                for (int s = 0; s < steps; s++, rowAt = ref At(ref rowAt, rowStep), at = ref At(ref at, columnStep))
                {
                    Vector256<float> d = Load(ref at, 0);
                    w0 = MultiplyAdd(Load(ref rowAt, 0), d, w0); w1 = MultiplyAdd(Load(ref rowAt, 1), d, w1);
                    w2 = MultiplyAdd(Load(ref rowAt, 2), d, w2); w3 = MultiplyAdd(Load(ref rowAt, 3), d, w3);
                    w4 = MultiplyAdd(Load(ref rowAt, 4), d, w4); w5 = MultiplyAdd(Load(ref rowAt, 5), d, w5);
                    w6 = MultiplyAdd(Load(ref rowAt, 6), d, w6); w7 = MultiplyAdd(Load(ref rowAt, 7), d, w7);
                }

                ref float gc = ref Unsafe.Add(ref g0, c);
                AddSum(ref gc, 0, w0); AddSum(ref gc, stride, w1); AddSum(ref gc, 2 * stride, w2); AddSum(ref gc, 3 * stride, w3);
                AddSum(ref gc, 4 * stride, w4); AddSum(ref gc, 5 * stride, w5); AddSum(ref gc, 6 * stride, w6); AddSum(ref gc, 7 * stride, w7);
            }
        }

        // 4 rows by 4 columns: 16 accumulators, 8 loads per 16 multiply-adds
        for (; r + 4 <= rowCount; r += 4)
        {
            ref float g0 = ref Unsafe.Add(ref gradient, (nint)r * stride);
            int c = 0;
            for (; c + 4 <= columnCount; c += 4)
            {
                Vector256<float> w00 = Vector256<float>.Zero, w01 = Vector256<float>.Zero, w02 = Vector256<float>.Zero, w03 = Vector256<float>.Zero;
                Vector256<float> w10 = Vector256<float>.Zero, w11 = Vector256<float>.Zero, w12 = Vector256<float>.Zero, w13 = Vector256<float>.Zero;
                Vector256<float> w20 = Vector256<float>.Zero, w21 = Vector256<float>.Zero, w22 = Vector256<float>.Zero, w23 = Vector256<float>.Zero;
                Vector256<float> w30 = Vector256<float>.Zero, w31 = Vector256<float>.Zero, w32 = Vector256<float>.Zero, w33 = Vector256<float>.Zero;
                ref float rowAt = ref At(ref rowSource, r);
                ref float at = ref At(ref columnSource, c);
                for (int s = 0; s < steps; s++, rowAt = ref At(ref rowAt, rowStep), at = ref At(ref at, columnStep))
                {
                    Vector256<float> d0 = Load(ref at, 0), d1 = Load(ref at, 1), d2 = Load(ref at, 2), d3 = Load(ref at, 3);
                    Vector256<float> h = Load(ref rowAt, 0);
                    w00 = MultiplyAdd(h, d0, w00); w01 = MultiplyAdd(h, d1, w01); w02 = MultiplyAdd(h, d2, w02); w03 = MultiplyAdd(h, d3, w03);
                    h = Load(ref rowAt, 1);
                    w10 = MultiplyAdd(h, d0, w10); w11 = MultiplyAdd(h, d1, w11); w12 = MultiplyAdd(h, d2, w12); w13 = MultiplyAdd(h, d3, w13);
                    h = Load(ref rowAt, 2);
                    w20 = MultiplyAdd(h, d0, w20); w21 = MultiplyAdd(h, d1, w21); w22 = MultiplyAdd(h, d2, w22); w23 = MultiplyAdd(h, d3, w23);
                    h = Load(ref rowAt, 3);
                    w30 = MultiplyAdd(h, d0, w30); w31 = MultiplyAdd(h, d1, w31); w32 = MultiplyAdd(h, d2, w32); w33 = MultiplyAdd(h, d3, w33);
                }

                AddSums(ref Unsafe.Add(ref g0, c), stride, 4, 4, w00, w01, w02, w03, w10, w11, w12, w13, w20, w21, w22, w23, w30, w31, w32, w33);
            }

            for (; c < columnCount; c++)
            {
                Vector256<float> w0 = Vector256<float>.Zero, w1 = Vector256<float>.Zero, w2 = Vector256<float>.Zero, w3 = Vector256<float>.Zero;
                for (int s = 0; s < steps; s++)
                {
                    ref float rowAt = ref At(ref rowSource, s * rowStep + r);
                    Vector256<float> d = Load(ref columnSource, s * columnStep + c);
                    w0 = MultiplyAdd(Load(ref rowAt, 0), d, w0); w1 = MultiplyAdd(Load(ref rowAt, 1), d, w1);
                    w2 = MultiplyAdd(Load(ref rowAt, 2), d, w2); w3 = MultiplyAdd(Load(ref rowAt, 3), d, w3);
                }

                AddSum(ref g0, c, w0); AddSum(ref Unsafe.Add(ref g0, stride), c, w1);
                AddSum(ref Unsafe.Add(ref g0, 2 * stride), c, w2); AddSum(ref Unsafe.Add(ref g0, 3 * stride), c, w3);
            }
        }

        for (; r + 2 <= rowCount; r += 2)
        {
            ref float g0 = ref Unsafe.Add(ref gradient, (nint)r * stride);
            ref float g1 = ref Unsafe.Add(ref g0, stride);
            int c = 0;
            for (; c + 4 <= columnCount; c += 4)
            {
                Vector256<float> w00 = Vector256<float>.Zero, w01 = Vector256<float>.Zero, w02 = Vector256<float>.Zero, w03 = Vector256<float>.Zero;
                Vector256<float> w10 = Vector256<float>.Zero, w11 = Vector256<float>.Zero, w12 = Vector256<float>.Zero, w13 = Vector256<float>.Zero;
                for (int s = 0; s < steps; s++)
                {
                    ref float rowAt = ref At(ref rowSource, s * rowStep + r);
                    ref float at = ref At(ref columnSource, s * columnStep + c);
                    Vector256<float> h0 = Load(ref rowAt, 0), h1 = Load(ref rowAt, 1);
                    Vector256<float> d0 = Load(ref at, 0), d1 = Load(ref at, 1), d2 = Load(ref at, 2), d3 = Load(ref at, 3);
                    w00 = MultiplyAdd(h0, d0, w00); w01 = MultiplyAdd(h0, d1, w01); w02 = MultiplyAdd(h0, d2, w02); w03 = MultiplyAdd(h0, d3, w03);
                    w10 = MultiplyAdd(h1, d0, w10); w11 = MultiplyAdd(h1, d1, w11); w12 = MultiplyAdd(h1, d2, w12); w13 = MultiplyAdd(h1, d3, w13);
                }

                AddSums(ref Unsafe.Add(ref g0, c), stride, 2, 4, w00, w01, w02, w03, w10, w11, w12, w13, Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero);
            }

            for (; c < columnCount; c++)
            {
                Vector256<float> w0 = Vector256<float>.Zero, w1 = Vector256<float>.Zero;
                for (int s = 0; s < steps; s++)
                {
                    ref float rowAt = ref At(ref rowSource, s * rowStep + r);
                    Vector256<float> d = Load(ref columnSource, s * columnStep + c);
                    w0 = MultiplyAdd(Load(ref rowAt, 0), d, w0);
                    w1 = MultiplyAdd(Load(ref rowAt, 1), d, w1);
                }

                AddSum(ref g0, c, w0);
                AddSum(ref g1, c, w1);
            }
        }

        if (r < rowCount)
        {
            ref float g0 = ref Unsafe.Add(ref gradient, (nint)r * stride);
            for (int c = 0; c < columnCount; c++)
            {
                Vector256<float> w0 = Vector256<float>.Zero, w1 = Vector256<float>.Zero;
                int s = 0;
                for (; s + 2 <= steps; s += 2)
                {
                    w0 = MultiplyAdd(Load(ref rowSource, s * rowStep + r), Load(ref columnSource, s * columnStep + c), w0);
                    w1 = MultiplyAdd(Load(ref rowSource, (s + 1) * rowStep + r), Load(ref columnSource, (s + 1) * columnStep + c), w1);
                }

                if (s < steps) w0 = MultiplyAdd(Load(ref rowSource, s * rowStep + r), Load(ref columnSource, s * columnStep + c), w0);
                AddSum(ref g0, c, w0 + w1);
            }
        }
    }

    /// <summary>
    /// <c>g[i * stride + j] += Σ_lanes w_ij</c> for the first <paramref name="rows"/> (1 to 4) rows and <paramref name="columns"/>
    /// (3 or 4) columns of a tile: with AVX one tree per two rows: each column's two rows fold into one vector (128-bit block i: row i's partial sums), then pairwise shuffle-adds across the columns leave block i = row i's four sums, else one sum per weight.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddSums(ref float g, nint stride, int rows, int columns, Vector256<float> w00, Vector256<float> w01, Vector256<float> w02, Vector256<float> w03,
        Vector256<float> w10, Vector256<float> w11, Vector256<float> w12, Vector256<float> w13, Vector256<float> w20, Vector256<float> w21, Vector256<float> w22, Vector256<float> w23, Vector256<float> w30, Vector256<float> w31, Vector256<float> w32, Vector256<float> w33)
    {
        if (!Avx.IsSupported)
        {
            ref float g1 = ref Unsafe.Add(ref g, stride), g2 = ref Unsafe.Add(ref g, 2 * stride), g3 = ref Unsafe.Add(ref g, 3 * stride);
            AddSumsOf(ref g, columns, w00, w01, w02, w03);
            if (rows > 1) AddSumsOf(ref g1, columns, w10, w11, w12, w13);
            if (rows > 2) AddSumsOf(ref g2, columns, w20, w21, w22, w23);
            if (rows > 3) AddSumsOf(ref g3, columns, w30, w31, w32, w33);
            return;
        }

        // column j's rows fold to [row 0 | row 1] partials; the pair tree then sums each block's four lanes per column
        Vector256<float> t = Pairs(Pairs(Fold(w00, w10), Fold(w01, w11)), Pairs(Fold(w02, w12), Fold(w03, w13)));
        AddRow(ref g, columns, t.GetLower());
        if (rows > 1) AddRow(ref Unsafe.Add(ref g, stride), columns, t.GetUpper());
        if (rows < 3) return;
        t = Pairs(Pairs(Fold(w20, w30), Fold(w21, w31)), Pairs(Fold(w22, w32), Fold(w23, w33)));
        AddRow(ref Unsafe.Add(ref g, 2 * stride), columns, t.GetLower());
        if (rows > 3) AddRow(ref Unsafe.Add(ref g, 3 * stride), columns, t.GetUpper());
    }

    /// <summary><c>g[j] += v[j]</c> for the first <paramref name="columns"/> (3 or 4) elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddRow(ref float g, int columns, Vector128<float> v)
    {
        if (columns == 4) { (Vector128.LoadUnsafe(ref g) + v).StoreUnsafe(ref g); return; }
        g += v.ToScalar(); Unsafe.Add(ref g, 1) += v.GetElement(1); Unsafe.Add(ref g, 2) += v.GetElement(2);
    }

    /// <summary>The one-sum-per-weight fallback of <see cref="AddSums"/>: row <c>i</c>'s first <paramref name="columns"/> weights.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddSumsOf(ref float g, int columns, Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d)
    {
        AddSum(ref g, 0, a); AddSum(ref g, 1, b); AddSum(ref g, 2, c);
        if (columns == 4) AddSum(ref g, 3, d);
    }

    /// <summary><c>[a's low half + high half | b's low half + high half]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Fold(Vector256<float> a, Vector256<float> b) => Avx.Permute2x128(a, b, 0x20) + Avx.Permute2x128(a, b, 0x31);

    /// <summary>Per 128-bit block: <c>[x0 + x1, x2 + x3, y0 + y1, y2 + y3]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Pairs(Vector256<float> x, Vector256<float> y) => Avx.Shuffle(x, y, 0x88) + Avx.Shuffle(x, y, 0xDD);

    /// <summary>A bias gradient over <paramref name="steps"/> steps and the lanes: <c>g[c] += Σ_s Σ_lanes columns_s[c]</c>.</summary>
    public static void SumSteps(ref float columnSource, nint columnStep, int columnCount, int steps, ref float gradient)
    {
        // eight columns at a time, the steps inner: each step reads eight consecutive lane elements
        int c = 0;
        for (; c + 8 <= columnCount; c += 8)
        {
            Vector256<float> w0 = Vector256<float>.Zero, w1 = Vector256<float>.Zero, w2 = Vector256<float>.Zero, w3 = Vector256<float>.Zero;
            Vector256<float> w4 = Vector256<float>.Zero, w5 = Vector256<float>.Zero, w6 = Vector256<float>.Zero, w7 = Vector256<float>.Zero;
            for (int s = 0; s < steps; s++)
            {
                ref float at = ref At(ref columnSource, s * columnStep + c);
                w0 += Load(ref at, 0); w1 += Load(ref at, 1); w2 += Load(ref at, 2); w3 += Load(ref at, 3);
                w4 += Load(ref at, 4); w5 += Load(ref at, 5); w6 += Load(ref at, 6); w7 += Load(ref at, 7);
            }

            AddSum(ref gradient, c, w0); AddSum(ref gradient, c + 1, w1); AddSum(ref gradient, c + 2, w2); AddSum(ref gradient, c + 3, w3);
            AddSum(ref gradient, c + 4, w4); AddSum(ref gradient, c + 5, w5); AddSum(ref gradient, c + 6, w6); AddSum(ref gradient, c + 7, w7);
        }

        for (; c < columnCount; c++)
        {
            Vector256<float> w0 = Vector256<float>.Zero;
            for (int s = 0; s < steps; s++) w0 += Load(ref columnSource, s * columnStep + c);
            AddSum(ref gradient, c, w0);
        }
    }

    /// <summary><c>g[index] += Σ_lanes value</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddSum(ref float gradient, int index, Vector256<float> value) => Unsafe.Add(ref gradient, index) += Sum(value);

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

    /// <summary>The larger of each pair of lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Max(Vector128<float> a, Vector128<float> b) => Vector128.Max(a, b);

    /// <summary><paramref name="value"/> in the lanes whose <paramref name="mask"/> is 1 (a step that counts), <paramref name="otherwise"/> where it is 0: exact, no arithmetic.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Where(Vector128<float> mask, Vector128<float> value, Vector128<float> otherwise) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(mask, Vector128<float>.Zero), value, otherwise);

    /// <summary>Token id of lane <paramref name="lane"/> at element <paramref name="index"/> of a lane buffer of ids.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Token(ref float ids, nint index, int lane) => (int)Unsafe.Add(ref ids, index * Count + lane);

    /// <summary>
    /// <c>acc[c] += Σ_r source[r] · W[r, c]</c> for <c>c</c> in <c>[0, columns)</c> and <c>r</c> in <c>[0, rows)</c>: the
    /// group's product with a weight matrix (<c>W[r, c]</c> at <c>weights[r * stride + c]</c>); <paramref name="source"/>
    /// and <paramref name="accumulators"/> are lane buffers. Eight columns per block, each weight broadcast once.
    /// </summary>
    public static void Product(ref float source, int rows, ref float weights, int stride, int columns, ref float accumulators)
    {
        int c = 0;
        for (; c + 8 <= columns; c += 8)
        {
            ref float acc = ref At(ref accumulators, c);
            Vector128<float> a0 = Load(ref acc, 0), a1 = Load(ref acc, 1), a2 = Load(ref acc, 2), a3 = Load(ref acc, 3);
            Vector128<float> a4 = Load(ref acc, 4), a5 = Load(ref acc, 5), a6 = Load(ref acc, 6), a7 = Load(ref acc, 7);
            ref float row = ref Unsafe.Add(ref weights, c);
            for (int r = 0; r < rows; r++, row = ref Unsafe.Add(ref row, stride))
            {
                Vector128<float> v = Load(ref source, r);
                a0 = MultiplyAdd(v, Splat(row), a0);
                a1 = MultiplyAdd(v, Splat(Unsafe.Add(ref row, 1)), a1);
                a2 = MultiplyAdd(v, Splat(Unsafe.Add(ref row, 2)), a2);
                a3 = MultiplyAdd(v, Splat(Unsafe.Add(ref row, 3)), a3);
                a4 = MultiplyAdd(v, Splat(Unsafe.Add(ref row, 4)), a4);
                a5 = MultiplyAdd(v, Splat(Unsafe.Add(ref row, 5)), a5);
                a6 = MultiplyAdd(v, Splat(Unsafe.Add(ref row, 6)), a6);
                a7 = MultiplyAdd(v, Splat(Unsafe.Add(ref row, 7)), a7);
            }

            Store(a0, ref acc, 0); Store(a1, ref acc, 1); Store(a2, ref acc, 2); Store(a3, ref acc, 3);
            Store(a4, ref acc, 4); Store(a5, ref acc, 5); Store(a6, ref acc, 6); Store(a7, ref acc, 7);
        }

        for (; c < columns; c++)
        {
            // the last columns one at a time, with two chains
            Vector128<float> even = Load(ref accumulators, c), odd = Vector128<float>.Zero;
            ref float row = ref Unsafe.Add(ref weights, c);
            int r = 0;
            for (; r + 2 <= rows; r += 2, row = ref Unsafe.Add(ref row, 2 * stride))
            {
                even = MultiplyAdd(Load(ref source, r), Splat(row), even);
                odd = MultiplyAdd(Load(ref source, r + 1), Splat(Unsafe.Add(ref row, stride)), odd);
            }

            if (r < rows) even = MultiplyAdd(Load(ref source, r), Splat(row), even);
            Store(even + odd, ref accumulators, c);
        }
    }

    /// <summary>
    /// <c>acc[r] += Σ_c source[c] · W[r, c]</c> for <c>r</c> in <c>[0, rows)</c> and <c>c</c> in <c>[0, columns)</c>: the
    /// product with the transposed weights (<c>dA W^T</c>), eight rows per block.
    /// </summary>
    public static void ProductTransposed(ref float source, int columns, ref float weights, int stride, int rows, ref float accumulators)
    {
        int r = 0;
        for (; r + 8 <= rows; r += 8)
        {
            ref float acc = ref At(ref accumulators, r);
            Vector128<float> a0 = Load(ref acc, 0), a1 = Load(ref acc, 1), a2 = Load(ref acc, 2), a3 = Load(ref acc, 3);
            Vector128<float> a4 = Load(ref acc, 4), a5 = Load(ref acc, 5), a6 = Load(ref acc, 6), a7 = Load(ref acc, 7);
            ref float column = ref Unsafe.Add(ref weights, (nint)r * stride);
            nint s = stride;
            for (int c = 0; c < columns; c++, column = ref Unsafe.Add(ref column, 1))
            {
                Vector128<float> v = Load(ref source, c);
                a0 = MultiplyAdd(v, Splat(column), a0);
                a1 = MultiplyAdd(v, Splat(Unsafe.Add(ref column, s)), a1);
                a2 = MultiplyAdd(v, Splat(Unsafe.Add(ref column, 2 * s)), a2);
                a3 = MultiplyAdd(v, Splat(Unsafe.Add(ref column, 3 * s)), a3);
                a4 = MultiplyAdd(v, Splat(Unsafe.Add(ref column, 4 * s)), a4);
                a5 = MultiplyAdd(v, Splat(Unsafe.Add(ref column, 5 * s)), a5);
                a6 = MultiplyAdd(v, Splat(Unsafe.Add(ref column, 6 * s)), a6);
                a7 = MultiplyAdd(v, Splat(Unsafe.Add(ref column, 7 * s)), a7);
            }

            Store(a0, ref acc, 0); Store(a1, ref acc, 1); Store(a2, ref acc, 2); Store(a3, ref acc, 3);
            Store(a4, ref acc, 4); Store(a5, ref acc, 5); Store(a6, ref acc, 6); Store(a7, ref acc, 7);
        }

        for (; r < rows; r++)
        {
            Vector128<float> even = Load(ref accumulators, r), odd = Vector128<float>.Zero;
            ref float column = ref Unsafe.Add(ref weights, (nint)r * stride);
            int c = 0;
            for (; c + 2 <= columns; c += 2)
            {
                even = MultiplyAdd(Load(ref source, c), Splat(Unsafe.Add(ref column, c)), even);
                odd = MultiplyAdd(Load(ref source, c + 1), Splat(Unsafe.Add(ref column, c + 1)), odd);
            }

            if (c < columns) even = MultiplyAdd(Load(ref source, c), Splat(Unsafe.Add(ref column, c)), even);
            Store(even + odd, ref accumulators, r);
        }
    }

    /// <summary>
    /// The weight gradient of a product over <paramref name="steps"/> steps and the group's lanes:
    /// <c>g[r * stride + c] += Σ_s Σ_lanes rows_s[r] · columns_s[c]</c>, where step <c>s</c>'s lane buffers start
    /// <c>s · rowStep</c> and <c>s · columnStep</c> elements after <paramref name="rowSource"/> and
    /// <paramref name="columnSource"/> (a negative step reads a sequence backwards). Tiles of 8 rows by 3 columns (then 4
    /// by 4, 2 by 4, single columns and single rows), in blocks of steps that fit in L2; a tile's horizontal sums are one
    /// transpose-add tree per block (<see cref="AddSums"/>), in a fixed order.
    /// </summary>
    public static void Outer(ref float rowSource, nint rowStep, int rowCount, ref float columnSource, nint columnStep, int columnCount, int steps,
        ref float gradient, int stride)
    {
        // Blocks of steps whose rows and columns fit in half the core's L2 (512 KB of 1 MB): every tile then re-reads them
        // from there, not from memory; one horizontal sum per weight and block.
        long bytesPerStep = (long)(rowCount + columnCount) * Count * sizeof(float);
        int block = (int)Math.Clamp(524288 / Math.Max(1, bytesPerStep), 1, Math.Max(1, steps));
        for (int first = 0; first < steps; first += block)
        {
            OuterBlock(ref At(ref rowSource, first * rowStep), rowStep, rowCount, ref At(ref columnSource, first * columnStep), columnStep, columnCount,
                Math.Min(block, steps - first), ref gradient, stride);
        }
    }

    private static void OuterBlock(ref float rowSource, nint rowStep, int rowCount, ref float columnSource, nint columnStep, int columnCount, int steps,
        ref float gradient, int stride)
    {
        int r = 0;
        // 8 rows by 3 columns: 24 accumulators, 11 loads per 24 multiply-adds; the strip's rows stay in L1, the columns stream from L2
        for (; r + 8 <= rowCount; r += 8)
        {
            ref float g0 = ref Unsafe.Add(ref gradient, (nint)r * stride);
            int c = 0;
            for (; c + 3 <= columnCount; c += 3)
            {
                Vector128<float> w00 = Vector128<float>.Zero, w01 = Vector128<float>.Zero, w02 = Vector128<float>.Zero, w10 = Vector128<float>.Zero, w11 = Vector128<float>.Zero, w12 = Vector128<float>.Zero;
                Vector128<float> w20 = Vector128<float>.Zero, w21 = Vector128<float>.Zero, w22 = Vector128<float>.Zero, w30 = Vector128<float>.Zero, w31 = Vector128<float>.Zero, w32 = Vector128<float>.Zero;
                Vector128<float> w40 = Vector128<float>.Zero, w41 = Vector128<float>.Zero, w42 = Vector128<float>.Zero, w50 = Vector128<float>.Zero, w51 = Vector128<float>.Zero, w52 = Vector128<float>.Zero;
                Vector128<float> w60 = Vector128<float>.Zero, w61 = Vector128<float>.Zero, w62 = Vector128<float>.Zero, w70 = Vector128<float>.Zero, w71 = Vector128<float>.Zero, w72 = Vector128<float>.Zero;
                ref float rowAt = ref At(ref rowSource, r);
                ref float at = ref At(ref columnSource, c);
                for (int s = 0; s < steps; s++, rowAt = ref At(ref rowAt, rowStep), at = ref At(ref at, columnStep))
                {
                    Vector128<float> d0 = Load(ref at, 0), d1 = Load(ref at, 1), d2 = Load(ref at, 2);
                    Vector128<float> h = Load(ref rowAt, 0);
                    w00 = MultiplyAdd(h, d0, w00); w01 = MultiplyAdd(h, d1, w01); w02 = MultiplyAdd(h, d2, w02);
                    h = Load(ref rowAt, 1);
                    w10 = MultiplyAdd(h, d0, w10); w11 = MultiplyAdd(h, d1, w11); w12 = MultiplyAdd(h, d2, w12);
                    h = Load(ref rowAt, 2);
                    w20 = MultiplyAdd(h, d0, w20); w21 = MultiplyAdd(h, d1, w21); w22 = MultiplyAdd(h, d2, w22);
                    h = Load(ref rowAt, 3);
                    w30 = MultiplyAdd(h, d0, w30); w31 = MultiplyAdd(h, d1, w31); w32 = MultiplyAdd(h, d2, w32);
                    h = Load(ref rowAt, 4);
                    w40 = MultiplyAdd(h, d0, w40); w41 = MultiplyAdd(h, d1, w41); w42 = MultiplyAdd(h, d2, w42);
                    h = Load(ref rowAt, 5);
                    w50 = MultiplyAdd(h, d0, w50); w51 = MultiplyAdd(h, d1, w51); w52 = MultiplyAdd(h, d2, w52);
                    h = Load(ref rowAt, 6);
                    w60 = MultiplyAdd(h, d0, w60); w61 = MultiplyAdd(h, d1, w61); w62 = MultiplyAdd(h, d2, w62);
                    h = Load(ref rowAt, 7);
                    w70 = MultiplyAdd(h, d0, w70); w71 = MultiplyAdd(h, d1, w71); w72 = MultiplyAdd(h, d2, w72);
                }

                ref float g4 = ref Unsafe.Add(ref g0, 4 * (nint)stride);
                AddSums(ref Unsafe.Add(ref g0, c), stride, 4, 3, w00, w01, w02, Vector128<float>.Zero, w10, w11, w12, Vector128<float>.Zero, w20, w21, w22, Vector128<float>.Zero, w30, w31, w32, Vector128<float>.Zero);
                AddSums(ref Unsafe.Add(ref g4, c), stride, 4, 3, w40, w41, w42, Vector128<float>.Zero, w50, w51, w52, Vector128<float>.Zero, w60, w61, w62, Vector128<float>.Zero, w70, w71, w72, Vector128<float>.Zero);
            }

            for (; c < columnCount; c++)
            {
                Vector128<float> w0 = Vector128<float>.Zero, w1 = Vector128<float>.Zero, w2 = Vector128<float>.Zero, w3 = Vector128<float>.Zero, w4 = Vector128<float>.Zero, w5 = Vector128<float>.Zero, w6 = Vector128<float>.Zero, w7 = Vector128<float>.Zero;
                ref float rowAt = ref At(ref rowSource, r);
                ref float at = ref At(ref columnSource, c);
                for (int s = 0; s < steps; s++, rowAt = ref At(ref rowAt, rowStep), at = ref At(ref at, columnStep))
                {
                    Vector128<float> d = Load(ref at, 0);
                    w0 = MultiplyAdd(Load(ref rowAt, 0), d, w0); w1 = MultiplyAdd(Load(ref rowAt, 1), d, w1);
                    w2 = MultiplyAdd(Load(ref rowAt, 2), d, w2); w3 = MultiplyAdd(Load(ref rowAt, 3), d, w3);
                    w4 = MultiplyAdd(Load(ref rowAt, 4), d, w4); w5 = MultiplyAdd(Load(ref rowAt, 5), d, w5);
                    w6 = MultiplyAdd(Load(ref rowAt, 6), d, w6); w7 = MultiplyAdd(Load(ref rowAt, 7), d, w7);
                }

                ref float gc = ref Unsafe.Add(ref g0, c);
                AddSum(ref gc, 0, w0); AddSum(ref gc, stride, w1); AddSum(ref gc, 2 * stride, w2); AddSum(ref gc, 3 * stride, w3);
                AddSum(ref gc, 4 * stride, w4); AddSum(ref gc, 5 * stride, w5); AddSum(ref gc, 6 * stride, w6); AddSum(ref gc, 7 * stride, w7);
            }
        }

        // 4 rows by 4 columns: 16 accumulators, 8 loads per 16 multiply-adds
        for (; r + 4 <= rowCount; r += 4)
        {
            ref float g0 = ref Unsafe.Add(ref gradient, (nint)r * stride);
            int c = 0;
            for (; c + 4 <= columnCount; c += 4)
            {
                Vector128<float> w00 = Vector128<float>.Zero, w01 = Vector128<float>.Zero, w02 = Vector128<float>.Zero, w03 = Vector128<float>.Zero;
                Vector128<float> w10 = Vector128<float>.Zero, w11 = Vector128<float>.Zero, w12 = Vector128<float>.Zero, w13 = Vector128<float>.Zero;
                Vector128<float> w20 = Vector128<float>.Zero, w21 = Vector128<float>.Zero, w22 = Vector128<float>.Zero, w23 = Vector128<float>.Zero;
                Vector128<float> w30 = Vector128<float>.Zero, w31 = Vector128<float>.Zero, w32 = Vector128<float>.Zero, w33 = Vector128<float>.Zero;
                ref float rowAt = ref At(ref rowSource, r);
                ref float at = ref At(ref columnSource, c);
                for (int s = 0; s < steps; s++, rowAt = ref At(ref rowAt, rowStep), at = ref At(ref at, columnStep))
                {
                    Vector128<float> d0 = Load(ref at, 0), d1 = Load(ref at, 1), d2 = Load(ref at, 2), d3 = Load(ref at, 3);
                    Vector128<float> h = Load(ref rowAt, 0);
                    w00 = MultiplyAdd(h, d0, w00); w01 = MultiplyAdd(h, d1, w01); w02 = MultiplyAdd(h, d2, w02); w03 = MultiplyAdd(h, d3, w03);
                    h = Load(ref rowAt, 1);
                    w10 = MultiplyAdd(h, d0, w10); w11 = MultiplyAdd(h, d1, w11); w12 = MultiplyAdd(h, d2, w12); w13 = MultiplyAdd(h, d3, w13);
                    h = Load(ref rowAt, 2);
                    w20 = MultiplyAdd(h, d0, w20); w21 = MultiplyAdd(h, d1, w21); w22 = MultiplyAdd(h, d2, w22); w23 = MultiplyAdd(h, d3, w23);
                    h = Load(ref rowAt, 3);
                    w30 = MultiplyAdd(h, d0, w30); w31 = MultiplyAdd(h, d1, w31); w32 = MultiplyAdd(h, d2, w32); w33 = MultiplyAdd(h, d3, w33);
                }

                AddSums(ref Unsafe.Add(ref g0, c), stride, 4, 4, w00, w01, w02, w03, w10, w11, w12, w13, w20, w21, w22, w23, w30, w31, w32, w33);
            }

            for (; c < columnCount; c++)
            {
                Vector128<float> w0 = Vector128<float>.Zero, w1 = Vector128<float>.Zero, w2 = Vector128<float>.Zero, w3 = Vector128<float>.Zero;
                for (int s = 0; s < steps; s++)
                {
                    ref float rowAt = ref At(ref rowSource, s * rowStep + r);
                    Vector128<float> d = Load(ref columnSource, s * columnStep + c);
                    w0 = MultiplyAdd(Load(ref rowAt, 0), d, w0); w1 = MultiplyAdd(Load(ref rowAt, 1), d, w1);
                    w2 = MultiplyAdd(Load(ref rowAt, 2), d, w2); w3 = MultiplyAdd(Load(ref rowAt, 3), d, w3);
                }

                AddSum(ref g0, c, w0); AddSum(ref Unsafe.Add(ref g0, stride), c, w1);
                AddSum(ref Unsafe.Add(ref g0, 2 * stride), c, w2); AddSum(ref Unsafe.Add(ref g0, 3 * stride), c, w3);
            }
        }

        for (; r + 2 <= rowCount; r += 2)
        {
            ref float g0 = ref Unsafe.Add(ref gradient, (nint)r * stride);
            ref float g1 = ref Unsafe.Add(ref g0, stride);
            int c = 0;
            for (; c + 4 <= columnCount; c += 4)
            {
                Vector128<float> w00 = Vector128<float>.Zero, w01 = Vector128<float>.Zero, w02 = Vector128<float>.Zero, w03 = Vector128<float>.Zero;
                Vector128<float> w10 = Vector128<float>.Zero, w11 = Vector128<float>.Zero, w12 = Vector128<float>.Zero, w13 = Vector128<float>.Zero;
                for (int s = 0; s < steps; s++)
                {
                    ref float rowAt = ref At(ref rowSource, s * rowStep + r);
                    ref float at = ref At(ref columnSource, s * columnStep + c);
                    Vector128<float> h0 = Load(ref rowAt, 0), h1 = Load(ref rowAt, 1);
                    Vector128<float> d0 = Load(ref at, 0), d1 = Load(ref at, 1), d2 = Load(ref at, 2), d3 = Load(ref at, 3);
                    w00 = MultiplyAdd(h0, d0, w00); w01 = MultiplyAdd(h0, d1, w01); w02 = MultiplyAdd(h0, d2, w02); w03 = MultiplyAdd(h0, d3, w03);
                    w10 = MultiplyAdd(h1, d0, w10); w11 = MultiplyAdd(h1, d1, w11); w12 = MultiplyAdd(h1, d2, w12); w13 = MultiplyAdd(h1, d3, w13);
                }

                AddSums(ref Unsafe.Add(ref g0, c), stride, 2, 4, w00, w01, w02, w03, w10, w11, w12, w13, Vector128<float>.Zero, Vector128<float>.Zero, Vector128<float>.Zero, Vector128<float>.Zero, Vector128<float>.Zero, Vector128<float>.Zero, Vector128<float>.Zero, Vector128<float>.Zero);
            }

            for (; c < columnCount; c++)
            {
                Vector128<float> w0 = Vector128<float>.Zero, w1 = Vector128<float>.Zero;
                for (int s = 0; s < steps; s++)
                {
                    ref float rowAt = ref At(ref rowSource, s * rowStep + r);
                    Vector128<float> d = Load(ref columnSource, s * columnStep + c);
                    w0 = MultiplyAdd(Load(ref rowAt, 0), d, w0);
                    w1 = MultiplyAdd(Load(ref rowAt, 1), d, w1);
                }

                AddSum(ref g0, c, w0);
                AddSum(ref g1, c, w1);
            }
        }

        if (r < rowCount)
        {
            ref float g0 = ref Unsafe.Add(ref gradient, (nint)r * stride);
            for (int c = 0; c < columnCount; c++)
            {
                Vector128<float> w0 = Vector128<float>.Zero, w1 = Vector128<float>.Zero;
                int s = 0;
                for (; s + 2 <= steps; s += 2)
                {
                    w0 = MultiplyAdd(Load(ref rowSource, s * rowStep + r), Load(ref columnSource, s * columnStep + c), w0);
                    w1 = MultiplyAdd(Load(ref rowSource, (s + 1) * rowStep + r), Load(ref columnSource, (s + 1) * columnStep + c), w1);
                }

                if (s < steps) w0 = MultiplyAdd(Load(ref rowSource, s * rowStep + r), Load(ref columnSource, s * columnStep + c), w0);
                AddSum(ref g0, c, w0 + w1);
            }
        }
    }

    /// <summary>
    /// <c>g[i * stride + j] += Σ_lanes w_ij</c> for the first <paramref name="rows"/> (1 to 4) rows and <paramref name="columns"/>
    /// (3 or 4) columns of a tile: with SSE one pairwise shuffle-add tree per row, else one sum per weight.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddSums(ref float g, nint stride, int rows, int columns, Vector128<float> w00, Vector128<float> w01, Vector128<float> w02, Vector128<float> w03,
        Vector128<float> w10, Vector128<float> w11, Vector128<float> w12, Vector128<float> w13, Vector128<float> w20, Vector128<float> w21, Vector128<float> w22, Vector128<float> w23, Vector128<float> w30, Vector128<float> w31, Vector128<float> w32, Vector128<float> w33)
    {
        if (!Sse.IsSupported)
        {
            ref float g1 = ref Unsafe.Add(ref g, stride), g2 = ref Unsafe.Add(ref g, 2 * stride), g3 = ref Unsafe.Add(ref g, 3 * stride);
            AddSumsOf(ref g, columns, w00, w01, w02, w03);
            if (rows > 1) AddSumsOf(ref g1, columns, w10, w11, w12, w13);
            if (rows > 2) AddSumsOf(ref g2, columns, w20, w21, w22, w23);
            if (rows > 3) AddSumsOf(ref g3, columns, w30, w31, w32, w33);
            return;
        }

        // per row, the pair tree sums each column's four lanes
        AddRow(ref g, columns, Pairs(Pairs(w00, w01), Pairs(w02, w03)));
        if (rows > 1) AddRow(ref Unsafe.Add(ref g, stride), columns, Pairs(Pairs(w10, w11), Pairs(w12, w13)));
        if (rows > 2) AddRow(ref Unsafe.Add(ref g, 2 * stride), columns, Pairs(Pairs(w20, w21), Pairs(w22, w23)));
        if (rows > 3) AddRow(ref Unsafe.Add(ref g, 3 * stride), columns, Pairs(Pairs(w30, w31), Pairs(w32, w33)));
    }

    /// <summary><c>g[j] += v[j]</c> for the first <paramref name="columns"/> (3 or 4) elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddRow(ref float g, int columns, Vector128<float> v)
    {
        if (columns == 4) { (Vector128.LoadUnsafe(ref g) + v).StoreUnsafe(ref g); return; }
        g += v.ToScalar(); Unsafe.Add(ref g, 1) += v.GetElement(1); Unsafe.Add(ref g, 2) += v.GetElement(2);
    }

    /// <summary>The one-sum-per-weight fallback of <see cref="AddSums"/>: row <c>i</c>'s first <paramref name="columns"/> weights.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddSumsOf(ref float g, int columns, Vector128<float> a, Vector128<float> b, Vector128<float> c, Vector128<float> d)
    {
        AddSum(ref g, 0, a); AddSum(ref g, 1, b); AddSum(ref g, 2, c);
        if (columns == 4) AddSum(ref g, 3, d);
    }

    /// <summary><c>[x0 + x1, x2 + x3, y0 + y1, y2 + y3]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Pairs(Vector128<float> x, Vector128<float> y) => Sse.Shuffle(x, y, 0x88) + Sse.Shuffle(x, y, 0xDD);

    /// <summary>A bias gradient over <paramref name="steps"/> steps and the lanes: <c>g[c] += Σ_s Σ_lanes columns_s[c]</c>.</summary>
    public static void SumSteps(ref float columnSource, nint columnStep, int columnCount, int steps, ref float gradient)
    {
        // eight columns at a time, the steps inner: each step reads eight consecutive lane elements
        int c = 0;
        for (; c + 8 <= columnCount; c += 8)
        {
            Vector128<float> w0 = Vector128<float>.Zero, w1 = Vector128<float>.Zero, w2 = Vector128<float>.Zero, w3 = Vector128<float>.Zero;
            Vector128<float> w4 = Vector128<float>.Zero, w5 = Vector128<float>.Zero, w6 = Vector128<float>.Zero, w7 = Vector128<float>.Zero;
            for (int s = 0; s < steps; s++)
            {
                ref float at = ref At(ref columnSource, s * columnStep + c);
                w0 += Load(ref at, 0); w1 += Load(ref at, 1); w2 += Load(ref at, 2); w3 += Load(ref at, 3);
                w4 += Load(ref at, 4); w5 += Load(ref at, 5); w6 += Load(ref at, 6); w7 += Load(ref at, 7);
            }

            AddSum(ref gradient, c, w0); AddSum(ref gradient, c + 1, w1); AddSum(ref gradient, c + 2, w2); AddSum(ref gradient, c + 3, w3);
            AddSum(ref gradient, c + 4, w4); AddSum(ref gradient, c + 5, w5); AddSum(ref gradient, c + 6, w6); AddSum(ref gradient, c + 7, w7);
        }

        for (; c < columnCount; c++)
        {
            Vector128<float> w0 = Vector128<float>.Zero;
            for (int s = 0; s < steps; s++) w0 += Load(ref columnSource, s * columnStep + c);
            AddSum(ref gradient, c, w0);
        }
    }

    /// <summary><c>g[index] += Σ_lanes value</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddSum(ref float gradient, int index, Vector128<float> value) => Unsafe.Add(ref gradient, index) += Sum(value);

}
