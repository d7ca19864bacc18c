using System.Runtime.CompilerServices;

namespace RnnGen.CompilerServices;

/// <summary>
/// Scalar activations for straight-line generated code: inlinable, branch-light, and accurate to about one float ulp
/// (the tests hold them to 2 ulp of the double-precision function over a dense sweep of inputs).
/// <c>MathF.Tanh</c> and <c>MathF.Exp</c> are calls into the C runtime (~15 ns for tanh here); these run in a few
/// nanoseconds and overlap across units because nothing serializes them.
/// </summary>
/// <remarks>
/// All three go through <see cref="Exp2Scaled"/>: <c>x log2(e) = n + r</c> with <c>|r| &lt;= 1/2</c>, <c>2^r</c> by a degree-7
/// polynomial fitted on Chebyshev nodes (relative error 5.6e-11, see tests/reference/README.md), <c>2^n</c> by
/// building the exponent bits. Working in double makes the one rounding to float the only visible error.
/// </remarks>
public static class Activations
{
    private const double Log2E = 1.4426950408889634;

    /// <summary><c>tanh(x)</c>: odd Taylor polynomial below 2^-7, <c>(e^2|x| - 1) / (e^2|x| + 1)</c> up to 9.1, then ±1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x)
    {
        double d = x;
        double a = Math.Abs(d);
        if (a < 0.0078125)
        {
            // tanh x = x - x^3/3 + 2x^5/15 - ...; the next term is below 1e-13 relative here.
            double x2 = d * d;
            return (float)(d + d * x2 * (-1.0 / 3.0 + x2 * (2.0 / 15.0)));
        }

        if (a > 9.1)
        {
            return x > 0f ? 1f : -1f; // |tanh| rounds to 1 in float from 9.01 on
        }

        double e = Exp2Scaled(2.0 * a * Log2E);
        double t = (e - 1.0) / (e + 1.0);
        return (float)(x < 0f ? -t : t);
    }

    /// <summary><c>1 / (1 + exp(-x))</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float x)
    {
        if (x > 40f) return 1f;        // 1 - e^-40 rounds to 1
        if (x < -104f) return 0f;      // below the smallest subnormal
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

    /// <summary><c>exp(x)</c>; overflows to +infinity above 88.72 and underflows to 0 below -104, like <c>MathF.Exp</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Exp(float x)
    {
        if (x > 88.73f) return float.PositiveInfinity;
        if (x < -104f) return 0f;
        if (float.IsNaN(x)) return x;
        return (float)Exp2Scaled(x * Log2E);
    }

    /// <summary><c>a * b + c</c>, fused where the hardware has FMA (one rounding, half the latency), else plain.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Mad(double a, double b, double c) =>
        System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported
            ? Math.FusedMultiplyAdd(a, b, c)
            : a * b + c;

    /// <summary><c>2^t</c> for <c>|t| &lt; 1000</c>: split <c>t = n + r</c>, polynomial for <c>2^r</c>, exponent bits for <c>2^n</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Exp2Scaled(double t)
    {
        double n = Math.Round(t);
        double r = t - n;

        // Estrin's scheme: four independent pairs, then two levels, so the chain is 4 deep instead of Horner's 7.
        double r2 = r * r;
        double r4 = r2 * r2;
        double p01 = Mad(6.9314718054590910e-01, r, 9.9999999995963100e-01);
        double p23 = Mad(5.5504109412957810e-02, r, 2.4022651213607954e-01);
        double p45 = Mad(1.3333450483367518e-03, r, 9.6180256012822220e-03);
        double p67 = Mad(1.5310101775576584e-05, r, 1.5469732510017215e-04);
        double p = Mad(Mad(p67, r2, p45), r4, Mad(p23, r2, p01));
        return p * BitConverter.Int64BitsToDouble((long)(n + 1023.0) << 52);
    }
}
