using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.CompilerServices;

/// <summary>
/// Scalar activations for straight-line generated code: inlinable, branch-light, and accurate to about one float ulp
/// (0.501 ulp measured; the tests hold them to 1 ulp of the double-precision function over a dense sweep of inputs).
/// <c>MathF.Tanh</c> and <c>MathF.Exp</c> are calls into the C runtime (~15 ns for tanh here); these run in a few
/// nanoseconds and overlap across units because nothing serializes them.
/// </summary>
/// <remarks>
/// Tanh is a rational function of <c>x^2</c> (see <see cref="Tanh(float)"/>). Sigmoid and Exp go through <see cref="Exp2Scaled(double)"/>: <c>x log2(e) = n + r</c> with <c>|r| &lt;= 1/2</c>, <c>2^r</c> by a degree-7
/// polynomial fitted on Chebyshev nodes (relative error 5.6e-11, see tests/reference/README.md), <c>2^n</c> by
/// building the exponent bits. Working in double makes the one rounding to float the only visible error.
/// The four-value overloads (<see cref="Tanh(float, float, float, float)"/> and its kin) take the same steps on four
/// lanes at once, so they return the same bits.
/// </remarks>
public static class Activations
{
    private const double Log2E = 1.4426950408889634;

    /// <summary>
    /// <c>tanh(x) = x P(x^2) / Q(x^2)</c> in double, the argument clamped to <c>|x| &lt;= 9.1</c> (from 9.01 on float tanh is ±1,
    /// and the rational rounds to ±1 there): branch-free, one double division. P and Q have degree 5 in <c>x^2</c> with
    /// <c>P(0) = Q(0) = 1</c>, fitted for minimax relative error (4.2e-11) by tests/reference/tanh_rational_scalar.py, which
    /// measures 0.501 ulp after rounding to float over every float of the range.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x)
    {
        double d = Math.Clamp((double)x, -TanhClamp, TanhClamp); // NaN passes through
        double y = d * d;
        double y2 = y * y;
        double y4 = y2 * y2;

        // Estrin's scheme for both: (c0 + c1 y) + (c2 + c3 y) y^2 + (c4 + c5 y) y^4.
        double p = Mad(Mad(TanhP5, y, TanhP4), y4, Mad(Mad(TanhP3, y, TanhP2), y2, Mad(TanhP1, y, 1.0)));
        double q = Mad(Mad(TanhQ5, y, TanhQ4), y4, Mad(Mad(TanhQ3, y, TanhQ2), y2, Mad(TanhQ1, y, 1.0)));
        return (float)(d * p / q);
    }

    // The edges the scalar and four-value functions share, so that their lanes agree there too.
    private const double TanhClamp = 9.1;           // from 9.01 on, float tanh is ±1
    private const float SigmoidOneAbove = 40f;      // 1 - e^-40 rounds to 1
    private const float ExpInfinityAbove = 88.73f;  // e^x overflows float
    private const float ZeroBelow = -104f;          // e^x is below the smallest subnormal

    // Tanh's P and Q from tests/reference/tanh_rational_scalar.py (the constant terms are 1).
    private const double TanhP1 = 1.40972489822887015e-01;
    private const double TanhP2 = 4.42332636324258011e-03;
    private const double TanhP3 = 4.22053199168152205e-05;
    private const double TanhP4 = 1.10774117816728356e-07;
    private const double TanhP5 = 3.64854020595766593e-11;
    private const double TanhQ1 = 4.74305822860746129e-01;
    private const double TanhQ2 = 2.91919346251929696e-02;
    private const double TanhQ3 = 5.00327237862832033e-04;
    private const double TanhQ4 = 2.59743307313454601e-06;
    private const double TanhQ5 = 2.93605003936955580e-09;

    /// <summary><c>1 / (1 + exp(-x))</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float x)
    {
        if (x > SigmoidOneAbove) return 1f;
        if (x < ZeroBelow) return 0f;
        return (float)(1.0 / (1.0 + Exp2Scaled(-x * Log2E)));
    }

    /// <summary><c>max(0, x)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Relu(float x) => x > 0f ? x : 0f;

    /// <summary>
    /// <c>clip(0.2 x + 0.5, 0, 1)</c>, as Keras 2 and TensorFlow.js compute it (a float multiply, then a float add, then the
    /// clip), so the value is bit-identical to theirs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float HardSigmoid(float x) => Math.Clamp(0.2f * x + 0.5f, 0f, 1f);

    /// <summary>
    /// <c>d * hard_sigmoid'(z)</c> from the output <c>y = hard_sigmoid(z)</c>: <c>0.2 d</c> where <c>0 &lt; y &lt; 1</c>
    /// (<c>-2.5 &lt; z &lt; 2.5</c>), else 0. TensorFlow's clip gradient also passes where <c>0.2 z + 0.5</c> is exactly 0 or 1
    /// (<c>z = ±2.5</c>); from the output alone that point cannot be told from saturation, and it is taken as saturated.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float HardSigmoidBackward(float y, float d) => y > 0f && y < 1f ? d * 0.2f : 0f;

    /// <summary>
    /// <c>max(a, b)</c> for the softmax's shift: one <c>maxss</c> where SSE is there. Unlike <c>MathF.Max</c> (IEEE maximum: on
    /// x64 a range and two fix-up instructions, three times the latency) which operand comes back for a NaN or for ±0 is
    /// unspecified; neither matters there (a NaN logit makes every output NaN either way, and <c>z - 0 = z + 0</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Max(float a, float b) =>
        System.Runtime.Intrinsics.X86.Sse.IsSupported
            ? System.Runtime.Intrinsics.Vector128.ToScalar(System.Runtime.Intrinsics.X86.Sse.MaxScalar(System.Runtime.Intrinsics.Vector128.CreateScalarUnsafe(a), System.Runtime.Intrinsics.Vector128.CreateScalarUnsafe(b)))
            : MathF.Max(a, b);

    /// <summary><c>exp(x)</c>; overflows to +infinity above 88.72 and underflows to 0 below -104, like <c>MathF.Exp</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Exp(float x)
    {
        if (x > ExpInfinityAbove) return float.PositiveInfinity;
        if (x < ZeroBelow) return 0f;
        if (float.IsNaN(x)) return x;
        return (float)Exp2Scaled(x * Log2E);
    }

    /// <summary>
    /// <see cref="Tanh(float)"/> of four values at once, for straight-line code that activates several units of one step:
    /// lane <c>i</c> of the result is bit-identical to <c>Tanh</c> of argument <c>i</c>. Where 256-bit vectors and FMA are
    /// there, the same double-precision steps run on all four lanes together (one division instead of four); elsewhere the
    /// lanes go through the scalar function.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Tanh(float a, float b, float c, float d)
    {
        if (!Vectorized) return Vector128.Create(Tanh(a), Tanh(b), Tanh(c), Tanh(d));

        // the constant first: MAXPD and MINPD return their second operand for a NaN, so a NaN passes through
        Vector256<double> x = Avx.Min(Vector256.Create(TanhClamp), Avx.Max(Vector256.Create(-TanhClamp), Widen(Vector128.Create(a, b, c, d))));
        Vector256<double> y = x * x;
        Vector256<double> y2 = y * y;
        Vector256<double> y4 = y2 * y2;
        Vector256<double> p = Mad(Mad(TanhP5, y, TanhP4), y4, Mad(Mad(TanhP3, y, TanhP2), y2, Mad(TanhP1, y, 1.0)));
        Vector256<double> q = Mad(Mad(TanhQ5, y, TanhQ4), y4, Mad(Mad(TanhQ3, y, TanhQ2), y2, Mad(TanhQ1, y, 1.0)));
        return Narrow(x * p / q);
    }

    /// <summary><see cref="Sigmoid(float)"/> of four values at once; each lane bit-identical to the scalar function (see <see cref="Tanh(float, float, float, float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sigmoid(float a, float b, float c, float d)
    {
        if (!Vectorized) return Vector128.Create(Sigmoid(a), Sigmoid(b), Sigmoid(c), Sigmoid(d));

        Vector128<float> x = Vector128.Create(a, b, c, d);
        Vector256<double> one = Vector256.Create(1.0);
        Vector128<float> s = Narrow(one / (one + Exp2Scaled(Widen(-x) * Vector256.Create(Log2E))));
        s = Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128.Create(SigmoidOneAbove)), Vector128.Create(1f), s);
        return Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128.Create(ZeroBelow)), Vector128<float>.Zero, s);
    }

    /// <summary><see cref="Exp(float)"/> of four values at once (a softmax's exps); each lane bit-identical to the scalar function (see <see cref="Tanh(float, float, float, float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Exp(float a, float b, float c, float d)
    {
        if (!Vectorized) return Vector128.Create(Exp(a), Exp(b), Exp(c), Exp(d));

        Vector128<float> x = Vector128.Create(a, b, c, d);
        Vector128<float> e = Narrow(Exp2Scaled(Widen(x) * Vector256.Create(Log2E)));
        e = Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128.Create(ExpInfinityAbove)), Vector128.Create(float.PositiveInfinity), e);
        e = Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128.Create(ZeroBelow)), Vector128<float>.Zero, e);
        return Vector128.ConditionalSelect(Vector128.Equals(x, x), e, x); // a NaN comes back as itself
    }

    /// <summary>Whether the four-value functions run as vectors: 256-bit lanes, and FMA so that they round as the scalar <c>Mad</c> does.</summary>
    private static bool Vectorized => Avx2.IsSupported && Fma.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Widen(Vector128<float> x) => Vector256.Create(Vector128.WidenLower(x), Vector128.WidenUpper(x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Narrow(Vector256<double> x) => Vector128.Narrow(x.GetLower(), x.GetUpper());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Mad(double a, Vector256<double> b, double c) => Fma.MultiplyAdd(Vector256.Create(a), b, Vector256.Create(c));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Mad(Vector256<double> a, Vector256<double> b, Vector256<double> c) => Fma.MultiplyAdd(a, b, c);

    /// <summary>The scalar <c>Exp2Scaled</c> on four lanes: the same steps, so the same bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Exp2Scaled(Vector256<double> t)
    {
        Vector256<double> shift = Vector256.Create(RoundingShift);
        Vector256<double> shifted = t + shift;
        Vector256<double> r = t - (shifted - shift);
        Vector256<long> scaleBits = Vector256.ShiftLeft(shifted.AsInt64(), 52) + Vector256.Create(1023L << 52);
        Vector256<double> r2 = r * r;
        Vector256<double> r4 = r2 * r2;
        Vector256<double> p01 = Mad(Exp2C1, r, Exp2C0);
        Vector256<double> p23 = Mad(Exp2C3, r, Exp2C2);
        Vector256<double> p45 = Mad(Exp2C5, r, Exp2C4);
        Vector256<double> p67 = Mad(Exp2C7, r, Exp2C6);
        Vector256<double> p = Mad(Mad(p67, r2, p45), r4, Mad(p23, r2, p01));
        return p * scaleBits.AsDouble();
    }

    /// <summary><c>a * b + c</c>, fused where the hardware has FMA (one rounding, half the latency), else plain.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Mad(double a, double b, double c) =>
        System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported
            ? Math.FusedMultiplyAdd(a, b, c)
            : a * b + c;

    /// <summary>
    /// <c>2^t</c> for <c>|t| &lt; 1000</c>: split <c>t = n + r</c>, polynomial for <c>2^r</c>, exponent bits for <c>2^n</c>. Adding
    /// <c>1.5 * 2^52</c> rounds <c>t</c> to the integer <c>n</c> (to nearest even) and leaves <c>n</c> in the low bits of the sum,
    /// so neither a rounding instruction nor a float-to-integer conversion is on the path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Exp2Scaled(double t)
    {
        double shifted = t + RoundingShift;
        double n = shifted - RoundingShift;
        double r = t - n;
        long scaleBits = (BitConverter.DoubleToInt64Bits(shifted) << 52) + (1023L << 52); // (n + 1023) << 52, i.e. 2^n

        // Estrin's scheme: four independent pairs, then two levels, so the chain is 4 deep instead of Horner's 7.
        double r2 = r * r;
        double r4 = r2 * r2;
        double p01 = Mad(Exp2C1, r, Exp2C0);
        double p23 = Mad(Exp2C3, r, Exp2C2);
        double p45 = Mad(Exp2C5, r, Exp2C4);
        double p67 = Mad(Exp2C7, r, Exp2C6);
        double p = Mad(Mad(p67, r2, p45), r4, Mad(p23, r2, p01));
        return p * BitConverter.Int64BitsToDouble(scaleBits);
    }

    private const double RoundingShift = 6755399441055744.0; // 1.5 * 2^52

    // 2^r on |r| <= 1/2, degree 7 (tests/reference/README.md): c0 + c1 r + ... + c7 r^7.
    private const double Exp2C0 = 9.9999999995963100e-01;
    private const double Exp2C1 = 6.9314718054590910e-01;
    private const double Exp2C2 = 2.4022651213607954e-01;
    private const double Exp2C3 = 5.5504109412957810e-02;
    private const double Exp2C4 = 9.6180256012822220e-03;
    private const double Exp2C5 = 1.3333450483367518e-03;
    private const double Exp2C6 = 1.5469732510017215e-04;
    private const double Exp2C7 = 1.5310101775576584e-05;
}
