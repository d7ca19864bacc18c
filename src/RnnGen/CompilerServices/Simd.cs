using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnGen.CompilerServices;

/// <summary>
/// Per-lane math on <see cref="Vector128{T}"/>, <see cref="Vector256{T}"/> and <see cref="Vector512{T}"/> of float, for the
/// vector emission tier: fused multiply-add, and <c>exp</c>, <c>sigmoid</c>, <c>tanh</c> with a stated error bound, all
/// inlinable so gate activations stay in registers. The same source runs on every instruction set: generated code
/// picks the widest accelerated width at JIT time.
/// </summary>
/// <remarks>
/// Error bounds (relative to the double-precision function, held by a dense sweep in SimdAccuracyTests): exp and tanh
/// below 3e-7, sigmoid below 1e-6. The three widths are the same code; only the vector type differs.
/// </remarks>
public static class Simd
{
    private const float Log2E = 1.44269504f;
    private const float Ln2High = 0.693359375f;       // ln 2 rounded to 10 bits, so n * Ln2High is exact
    private const float Ln2Low = -2.12194440e-4f;     // ln 2 - Ln2High
    private const float RoundingShift = 12582912f;    // 1.5 * 2^23: adding it rounds to an integer
    private const int ShiftedBias = 0x4B400000 - 127; // the bits of 1.5 * 2^23 + n are 0x4B400000 + n; 2^n's exponent field is n + 127
    private const float MinExpArgument = -87f;
    private const float MaxExpArgument = 88f;
    private const float TanhSaturation = 10f;

    // ---- memory access for generated code: refs at constant offsets, bounds checked once by the caller ----

    /// <summary>A ref to the first element of <paramref name="span"/> (the span's bounds are the caller's to check).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref float Ref(Span<float> span) => ref MemoryMarshal.GetReference(span);

    /// <summary>A ref to the first element of <paramref name="span"/> (the span's bounds are the caller's to check).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref float Ref(ReadOnlySpan<float> span) => ref MemoryMarshal.GetReference(span);

    /// <summary><c>ref source[offset]</c>, unchecked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref float At(ref float source, nint offset) => ref Unsafe.Add(ref source, offset);

    /// <summary><c>source[offset]</c>, unchecked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load1(ref float source, nint offset) => Unsafe.Add(ref source, offset);

    /// <summary>Four floats from <c>source[offset]</c>, unchecked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load128(ref float source, nint offset) => Vector128.LoadUnsafe(ref source, (nuint)offset);

    /// <summary>Eight floats from <c>source[offset]</c>, unchecked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load256(ref float source, nint offset) => Vector256.LoadUnsafe(ref source, (nuint)offset);

    /// <summary>Sixteen floats from <c>source[offset]</c>, unchecked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load512(ref float source, nint offset) => Vector512.LoadUnsafe(ref source, (nuint)offset);

    /// <summary><c>destination[offset] = value</c>, unchecked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float value, ref float destination, nint offset) => Unsafe.Add(ref destination, offset) = value;

    /// <summary>Stores the lanes of <paramref name="value"/> from <c>destination[offset]</c>, unchecked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<float> value, ref float destination, nint offset) => value.StoreUnsafe(ref destination, (nuint)offset);

    /// <summary>Stores the lanes of <paramref name="value"/> from <c>destination[offset]</c>, unchecked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, ref float destination, nint offset) => value.StoreUnsafe(ref destination, (nuint)offset);

    /// <summary>Stores the lanes of <paramref name="value"/> from <c>destination[offset]</c>, unchecked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, ref float destination, nint offset) => value.StoreUnsafe(ref destination, (nuint)offset);

    /// <summary><paramref name="x"/> itself: the one-lane case of the broadcasts, so every width lowers alike.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Splat1(float x) => x;

    /// <summary><paramref name="x"/> in every lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Splat128(float x) => Vector128.Create(x);

    /// <summary><paramref name="x"/> in every lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Splat256(float x) => Vector256.Create(x);

    /// <summary><paramref name="x"/> in every lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Splat512(float x) => Vector512.Create(x);

    /// <summary><paramref name="x"/> itself: the one-lane case of the horizontal sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(float x) => x;

    /// <summary>The sum of the lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector128<float> x) => Vector128.Sum(x);

    /// <summary>The sum of the lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector256<float> x) => Vector256.Sum(x);

    /// <summary>The sum of the lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector512<float> x) => Vector512.Sum(x);

    /// <summary><c>d * relu'(z)</c> from the output <c>y = relu(z)</c>: <c>d</c> where <c>y &gt; 0</c>, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ReluBackward(float y, float d) => y > 0f ? d : 0f;

    /// <summary><c>d * relu'(z)</c> from the output <c>y = relu(z)</c>, per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ReluBackward(Vector128<float> y, Vector128<float> d) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(y, Vector128<float>.Zero), d, Vector128<float>.Zero);

    /// <summary><c>d * relu'(z)</c> from the output <c>y = relu(z)</c>, per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ReluBackward(Vector256<float> y, Vector256<float> d) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(y, Vector256<float>.Zero), d, Vector256<float>.Zero);

    /// <summary><c>d * relu'(z)</c> from the output <c>y = relu(z)</c>, per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ReluBackward(Vector512<float> y, Vector512<float> d) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(y, Vector512<float>.Zero), d, Vector512<float>.Zero);

    // ---- float: the one-lane width, so a unit count that is not a multiple of 4 lowers like the rest ----

    /// <summary><c>a * b + c</c> (not fused: a software fused multiply-add would be slow where the hardware lacks one).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MultiplyAdd(float a, float b, float c) => a * b + c;

    /// <summary><see cref="Activations.Tanh(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x) => Activations.Tanh(x);

    /// <summary><see cref="Activations.Sigmoid(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float x) => Activations.Sigmoid(x);

    /// <summary><see cref="Activations.Relu"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Relu(float x) => Activations.Relu(x);

    /// <summary><see cref="Activations.Exp(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Exp(float x) => Activations.Exp(x);

    /// <summary><paramref name="x"/> itself: the one-lane case of the horizontal maxima.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Max(float x) => x;

    /// <summary>The largest lane of <paramref name="x"/> (softmax's shift; not on a recurrence).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Max(Vector128<float> x) => MathF.Max(MathF.Max(x.GetElement(0), x.GetElement(1)), MathF.Max(x.GetElement(2), x.GetElement(3)));

    /// <summary>The largest lane of <paramref name="x"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Max(Vector256<float> x) => Max(Vector128.Max(x.GetLower(), x.GetUpper()));

    /// <summary>The largest lane of <paramref name="x"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Max(Vector512<float> x) => Max(Vector256.Max(x.GetLower(), x.GetUpper()));

    /// <summary><see cref="Activations.HardSigmoid"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float HardSigmoid(float x) => Activations.HardSigmoid(x);

    /// <summary><see cref="Activations.HardSigmoidBackward"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float HardSigmoidBackward(float y, float d) => Activations.HardSigmoidBackward(y, d);


    // ---- Vector512<float> ----

    /// <summary><c>a * b + c</c>, fused (one rounding) where the runtime offers it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) =>
#if NET9_0_OR_GREATER
        Vector512.FusedMultiplyAdd(a, b, c);
#else
        a * b + c;
#endif

    /// <summary><c>exp(x)</c> per lane, relative error below 3e-7; the argument is clamped to [-87, 88].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(MinExpArgument)), Vector512.Create(MaxExpArgument));
        Vector512<float> p = ExpParts(x, MultiplyAdd(x, Vector512.Create(Log2E), Vector512.Create(RoundingShift)), minusOne: false, out Vector512<float> scale);
        return p * scale;
    }

    /// <summary>
    /// <c>e^x = p · scale</c> for x in [-87, 88], given <paramref name="shifted"/> = <c>x log2 e + 1.5 · 2^23</c> (the caller
    /// computes it from whatever x was made of, off the critical path): n = round(x log2 e) by the 1.5 · 2^23 trick;
    /// r = x - n ln 2 in two parts (Cody-Waite), |r| &lt;= ln2 / 2; p = e^r by its Taylor polynomial to degree 7
    /// (truncation below 6e-9 on |r| &lt;= 0.347) in Estrin form, three multiply-adds deep instead of seven; scale = 2^n from
    /// its exponent bits, which are the low bits of <paramref name="shifted"/> itself (no float-to-int conversion). Callers
    /// fuse the last multiply with what follows it. With <paramref name="minusOne"/> (a constant at every call, so the JIT
    /// keeps one branch) p is <c>e^r - 1</c> instead: the polynomial without its constant term, which keeps its relative
    /// precision however small r is.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ExpParts(Vector512<float> x, Vector512<float> shifted, bool minusOne, out Vector512<float> scale)
    {
        Vector512<float> n = shifted - Vector512.Create(RoundingShift);
        Vector512<float> r = MultiplyAdd(n, Vector512.Create(-Ln2High), x);
        r = MultiplyAdd(n, Vector512.Create(-Ln2Low), r);
        Vector512<float> r2 = r * r;
        Vector512<float> low = MultiplyAdd(r2, MultiplyAdd(r, Vector512.Create(1f / 6f), Vector512.Create(0.5f)), minusOne ? r : r + Vector512<float>.One);
        Vector512<float> high = MultiplyAdd(r2, MultiplyAdd(r, Vector512.Create(1f / 5040f), Vector512.Create(1f / 720f)), MultiplyAdd(r, Vector512.Create(1f / 120f), Vector512.Create(1f / 24f)));
        scale = Vector512.ShiftLeft(shifted.AsInt32() - Vector512.Create(ShiftedBias), 23).AsSingle();
        return MultiplyAdd(r2 * r2, high, low);
    }

    /// <summary><c>1 / (1 + exp(-x))</c> per lane, relative error below 1e-6; <c>1 + p · scale</c> is one multiply-add.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x)
    {
        Vector512<float> m = Vector512.Min(Vector512.Max(-x, Vector512.Create(MinExpArgument)), Vector512.Create(MaxExpArgument));
        Vector512<float> p = ExpParts(m, MultiplyAdd(m, Vector512.Create(Log2E), Vector512.Create(RoundingShift)), minusOne: false, out Vector512<float> scale);
        return Vector512<float>.One / MultiplyAdd(p, scale, Vector512<float>.One);
    }

    /// <summary>
    /// <c>tanh(x)</c> per lane, relative error below 3e-7 (2.2e-7 in the sweep): <c>m / (m + 2)</c> with <c>m = e^2|x| - 1</c>,
    /// and the sign of x put back. m is <c>q · 2^n + (2^n - 1)</c> with <c>q = e^r - 1</c>, so it has no cancellation for small
    /// |x| (n = 0: m is q itself) and needs no separate series or select; |x| is clamped to 10, where tanh rounds to 1, so
    /// e^2|x| needs no clamp, and n comes from |x| itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x)
    {
        Vector512<float> sign = x & Vector512.Create(-0f);
        Vector512<float> a = Vector512.Min(x ^ sign, Vector512.Create(TanhSaturation));
        Vector512<float> q = ExpParts(a + a, MultiplyAdd(a, Vector512.Create(2f * Log2E), Vector512.Create(RoundingShift)), minusOne: true, out Vector512<float> scale);
        Vector512<float> m = MultiplyAdd(q, scale, scale - Vector512<float>.One);
        return m / (m + Vector512.Create(2f)) | sign;
    }

    /// <summary><c>max(0, x)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Relu(Vector512<float> x) => Vector512.Max(x, Vector512<float>.Zero);

    /// <summary>
    /// <c>clip(0.2 x + 0.5, 0, 1)</c> per lane: a multiply, then an add (not fused, so every lane equals
    /// <see cref="Activations.HardSigmoid"/> and TensorFlow.js bit for bit), then the clip.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> HardSigmoid(Vector512<float> x) =>
        Vector512.Min(Vector512.Max(x * Vector512.Create(0.2f) + Vector512.Create(0.5f), Vector512<float>.Zero), Vector512<float>.One);

    /// <summary><c>d * hard_sigmoid'(z)</c> from the output <c>y</c>, per lane: <c>0.2 d</c> where <c>0 &lt; y &lt; 1</c>, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> HardSigmoidBackward(Vector512<float> y, Vector512<float> d) =>
        Vector512.ConditionalSelect(
            Vector512.GreaterThan(y, Vector512<float>.Zero) & Vector512.LessThan(y, Vector512<float>.One),
            d * Vector512.Create(0.2f),
            Vector512<float>.Zero);

    // ---- Vector256<float> ----

    /// <summary><c>a * b + c</c>, fused (one rounding) where the runtime offers it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
#if NET9_0_OR_GREATER
        Vector256.FusedMultiplyAdd(a, b, c);
#else
        a * b + c;
#endif

    /// <summary><c>exp(x)</c> per lane, relative error below 3e-7; the argument is clamped to [-87, 88].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(MinExpArgument)), Vector256.Create(MaxExpArgument));
        Vector256<float> p = ExpParts(x, MultiplyAdd(x, Vector256.Create(Log2E), Vector256.Create(RoundingShift)), minusOne: false, out Vector256<float> scale);
        return p * scale;
    }

    /// <summary>
    /// <c>e^x = p · scale</c> for x in [-87, 88], given <paramref name="shifted"/> = <c>x log2 e + 1.5 · 2^23</c> (the caller
    /// computes it from whatever x was made of, off the critical path): n = round(x log2 e) by the 1.5 · 2^23 trick;
    /// r = x - n ln 2 in two parts (Cody-Waite), |r| &lt;= ln2 / 2; p = e^r by its Taylor polynomial to degree 7
    /// (truncation below 6e-9 on |r| &lt;= 0.347) in Estrin form, three multiply-adds deep instead of seven; scale = 2^n from
    /// its exponent bits, which are the low bits of <paramref name="shifted"/> itself (no float-to-int conversion). Callers
    /// fuse the last multiply with what follows it. With <paramref name="minusOne"/> (a constant at every call, so the JIT
    /// keeps one branch) p is <c>e^r - 1</c> instead: the polynomial without its constant term, which keeps its relative
    /// precision however small r is.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ExpParts(Vector256<float> x, Vector256<float> shifted, bool minusOne, out Vector256<float> scale)
    {
        Vector256<float> n = shifted - Vector256.Create(RoundingShift);
        Vector256<float> r = MultiplyAdd(n, Vector256.Create(-Ln2High), x);
        r = MultiplyAdd(n, Vector256.Create(-Ln2Low), r);
        Vector256<float> r2 = r * r;
        Vector256<float> low = MultiplyAdd(r2, MultiplyAdd(r, Vector256.Create(1f / 6f), Vector256.Create(0.5f)), minusOne ? r : r + Vector256<float>.One);
        Vector256<float> high = MultiplyAdd(r2, MultiplyAdd(r, Vector256.Create(1f / 5040f), Vector256.Create(1f / 720f)), MultiplyAdd(r, Vector256.Create(1f / 120f), Vector256.Create(1f / 24f)));
        scale = Vector256.ShiftLeft(shifted.AsInt32() - Vector256.Create(ShiftedBias), 23).AsSingle();
        return MultiplyAdd(r2 * r2, high, low);
    }

    /// <summary><c>1 / (1 + exp(-x))</c> per lane, relative error below 1e-6; <c>1 + p · scale</c> is one multiply-add.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x)
    {
        Vector256<float> m = Vector256.Min(Vector256.Max(-x, Vector256.Create(MinExpArgument)), Vector256.Create(MaxExpArgument));
        Vector256<float> p = ExpParts(m, MultiplyAdd(m, Vector256.Create(Log2E), Vector256.Create(RoundingShift)), minusOne: false, out Vector256<float> scale);
        return Vector256<float>.One / MultiplyAdd(p, scale, Vector256<float>.One);
    }

    /// <summary>
    /// <c>tanh(x)</c> per lane, relative error below 3e-7 (2.2e-7 in the sweep): <c>m / (m + 2)</c> with <c>m = e^2|x| - 1</c>,
    /// and the sign of x put back. m is <c>q · 2^n + (2^n - 1)</c> with <c>q = e^r - 1</c>, so it has no cancellation for small
    /// |x| (n = 0: m is q itself) and needs no separate series or select; |x| is clamped to 10, where tanh rounds to 1, so
    /// e^2|x| needs no clamp, and n comes from |x| itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        Vector256<float> sign = x & Vector256.Create(-0f);
        Vector256<float> a = Vector256.Min(x ^ sign, Vector256.Create(TanhSaturation));
        Vector256<float> q = ExpParts(a + a, MultiplyAdd(a, Vector256.Create(2f * Log2E), Vector256.Create(RoundingShift)), minusOne: true, out Vector256<float> scale);
        Vector256<float> m = MultiplyAdd(q, scale, scale - Vector256<float>.One);
        return m / (m + Vector256.Create(2f)) | sign;
    }

    /// <summary><c>max(0, x)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Relu(Vector256<float> x) => Vector256.Max(x, Vector256<float>.Zero);

    /// <summary>
    /// <c>clip(0.2 x + 0.5, 0, 1)</c> per lane: a multiply, then an add (not fused, so every lane equals
    /// <see cref="Activations.HardSigmoid"/> and TensorFlow.js bit for bit), then the clip.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> HardSigmoid(Vector256<float> x) =>
        Vector256.Min(Vector256.Max(x * Vector256.Create(0.2f) + Vector256.Create(0.5f), Vector256<float>.Zero), Vector256<float>.One);

    /// <summary><c>d * hard_sigmoid'(z)</c> from the output <c>y</c>, per lane: <c>0.2 d</c> where <c>0 &lt; y &lt; 1</c>, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> HardSigmoidBackward(Vector256<float> y, Vector256<float> d) =>
        Vector256.ConditionalSelect(
            Vector256.GreaterThan(y, Vector256<float>.Zero) & Vector256.LessThan(y, Vector256<float>.One),
            d * Vector256.Create(0.2f),
            Vector256<float>.Zero);

    // ---- Vector128<float> ----

    /// <summary><c>a * b + c</c>, fused (one rounding) where the runtime offers it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) =>
#if NET9_0_OR_GREATER
        Vector128.FusedMultiplyAdd(a, b, c);
#else
        a * b + c;
#endif

    /// <summary><c>exp(x)</c> per lane, relative error below 3e-7; the argument is clamped to [-87, 88].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Exp(Vector128<float> x)
    {
        x = Vector128.Min(Vector128.Max(x, Vector128.Create(MinExpArgument)), Vector128.Create(MaxExpArgument));
        Vector128<float> p = ExpParts(x, MultiplyAdd(x, Vector128.Create(Log2E), Vector128.Create(RoundingShift)), minusOne: false, out Vector128<float> scale);
        return p * scale;
    }

    /// <summary>
    /// <c>e^x = p · scale</c> for x in [-87, 88], given <paramref name="shifted"/> = <c>x log2 e + 1.5 · 2^23</c> (the caller
    /// computes it from whatever x was made of, off the critical path): n = round(x log2 e) by the 1.5 · 2^23 trick;
    /// r = x - n ln 2 in two parts (Cody-Waite), |r| &lt;= ln2 / 2; p = e^r by its Taylor polynomial to degree 7
    /// (truncation below 6e-9 on |r| &lt;= 0.347) in Estrin form, three multiply-adds deep instead of seven; scale = 2^n from
    /// its exponent bits, which are the low bits of <paramref name="shifted"/> itself (no float-to-int conversion). Callers
    /// fuse the last multiply with what follows it. With <paramref name="minusOne"/> (a constant at every call, so the JIT
    /// keeps one branch) p is <c>e^r - 1</c> instead: the polynomial without its constant term, which keeps its relative
    /// precision however small r is.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> ExpParts(Vector128<float> x, Vector128<float> shifted, bool minusOne, out Vector128<float> scale)
    {
        Vector128<float> n = shifted - Vector128.Create(RoundingShift);
        Vector128<float> r = MultiplyAdd(n, Vector128.Create(-Ln2High), x);
        r = MultiplyAdd(n, Vector128.Create(-Ln2Low), r);
        Vector128<float> r2 = r * r;
        Vector128<float> low = MultiplyAdd(r2, MultiplyAdd(r, Vector128.Create(1f / 6f), Vector128.Create(0.5f)), minusOne ? r : r + Vector128<float>.One);
        Vector128<float> high = MultiplyAdd(r2, MultiplyAdd(r, Vector128.Create(1f / 5040f), Vector128.Create(1f / 720f)), MultiplyAdd(r, Vector128.Create(1f / 120f), Vector128.Create(1f / 24f)));
        scale = Vector128.ShiftLeft(shifted.AsInt32() - Vector128.Create(ShiftedBias), 23).AsSingle();
        return MultiplyAdd(r2 * r2, high, low);
    }

    /// <summary><c>1 / (1 + exp(-x))</c> per lane, relative error below 1e-6; <c>1 + p · scale</c> is one multiply-add.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sigmoid(Vector128<float> x)
    {
        Vector128<float> m = Vector128.Min(Vector128.Max(-x, Vector128.Create(MinExpArgument)), Vector128.Create(MaxExpArgument));
        Vector128<float> p = ExpParts(m, MultiplyAdd(m, Vector128.Create(Log2E), Vector128.Create(RoundingShift)), minusOne: false, out Vector128<float> scale);
        return Vector128<float>.One / MultiplyAdd(p, scale, Vector128<float>.One);
    }

    /// <summary>
    /// <c>tanh(x)</c> per lane, relative error below 3e-7 (2.2e-7 in the sweep): <c>m / (m + 2)</c> with <c>m = e^2|x| - 1</c>,
    /// and the sign of x put back. m is <c>q · 2^n + (2^n - 1)</c> with <c>q = e^r - 1</c>, so it has no cancellation for small
    /// |x| (n = 0: m is q itself) and needs no separate series or select; |x| is clamped to 10, where tanh rounds to 1, so
    /// e^2|x| needs no clamp, and n comes from |x| itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Tanh(Vector128<float> x)
    {
        Vector128<float> sign = x & Vector128.Create(-0f);
        Vector128<float> a = Vector128.Min(x ^ sign, Vector128.Create(TanhSaturation));
        Vector128<float> q = ExpParts(a + a, MultiplyAdd(a, Vector128.Create(2f * Log2E), Vector128.Create(RoundingShift)), minusOne: true, out Vector128<float> scale);
        Vector128<float> m = MultiplyAdd(q, scale, scale - Vector128<float>.One);
        return m / (m + Vector128.Create(2f)) | sign;
    }

    /// <summary><c>max(0, x)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Relu(Vector128<float> x) => Vector128.Max(x, Vector128<float>.Zero);

    /// <summary>
    /// <c>clip(0.2 x + 0.5, 0, 1)</c> per lane: a multiply, then an add (not fused, so every lane equals
    /// <see cref="Activations.HardSigmoid"/> and TensorFlow.js bit for bit), then the clip.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> HardSigmoid(Vector128<float> x) =>
        Vector128.Min(Vector128.Max(x * Vector128.Create(0.2f) + Vector128.Create(0.5f), Vector128<float>.Zero), Vector128<float>.One);

    /// <summary><c>d * hard_sigmoid'(z)</c> from the output <c>y</c>, per lane: <c>0.2 d</c> where <c>0 &lt; y &lt; 1</c>, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> HardSigmoidBackward(Vector128<float> y, Vector128<float> d) =>
        Vector128.ConditionalSelect(
            Vector128.GreaterThan(y, Vector128<float>.Zero) & Vector128.LessThan(y, Vector128<float>.One),
            d * Vector128.Create(0.2f),
            Vector128<float>.Zero);

}
