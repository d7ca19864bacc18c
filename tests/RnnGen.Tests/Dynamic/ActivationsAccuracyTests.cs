using RnnGen.CompilerServices;

namespace RnnGen.Tests.Dynamic;

/// <summary>
/// The fast scalar activations of straight-line code, held to 1 float ulp of the exact function (they measure 0.501: the
/// double-precision evaluation leaves the one rounding to float as about the only error).
/// </summary>
public class ActivationsAccuracyTests
{
    /// <summary>Every float in [-lo, lo] on a fine logarithmic grid, both signs, plus exact edge values.</summary>
    private static IEnumerable<float> Sweep(float limit)
    {
        yield return 0f;
        for (double a = 1e-30; a < limit; a *= 1.0007)
        {
            yield return (float)a;
            yield return -(float)a;
        }
    }

    private static double UlpError(float actual, double exact)
    {
        float rounded = (float)exact;
        if (actual == rounded) return 0;
        double ulp = Math.Max(Math.Abs(MathF.BitIncrement(rounded) - rounded), float.Epsilon);
        return Math.Abs(actual - exact) / ulp;
    }

    [Fact]
    public void Tanh_is_within_1_ulp()
    {
        double worst = 0;
        foreach (float x in Sweep(20f)) worst = Math.Max(worst, UlpError(Activations.Tanh(x), Math.Tanh(x)));
        Assert.True(worst <= 1, $"worst tanh error {worst:F2} ulp");
    }

    [Fact]
    public void Sigmoid_is_within_1_ulp()
    {
        double worst = 0;
        foreach (float x in Sweep(120f)) worst = Math.Max(worst, UlpError(Activations.Sigmoid(x), 1.0 / (1.0 + Math.Exp(-(double)x))));
        Assert.True(worst <= 1, $"worst sigmoid error {worst:F2} ulp");
    }

    [Fact]
    public void Exp_is_within_1_ulp_and_saturates_like_MathF()
    {
        double worst = 0;
        foreach (float x in Sweep(88.7f)) worst = Math.Max(worst, UlpError(Activations.Exp(x), Math.Exp(x)));
        Assert.True(worst <= 1, $"worst exp error {worst:F2} ulp");
        Assert.Equal(float.PositiveInfinity, Activations.Exp(89f));
        Assert.Equal(0f, Activations.Exp(-105f));
        Assert.True(float.IsNaN(Activations.Exp(float.NaN)));
        Assert.True(float.IsNaN(Activations.Tanh(float.NaN)));
        Assert.Equal(1f, Activations.Tanh(float.PositiveInfinity));
        Assert.Equal(0f, Activations.Sigmoid(float.NegativeInfinity));
        Assert.Equal(-1f, Activations.Tanh(float.NegativeInfinity));
        Assert.Equal(1f, Activations.Tanh(9.1f));
        Assert.Equal(0f, Activations.Tanh(0f));
        Assert.Equal(3f, Activations.Max(3f, -2f));
        Assert.Equal(3f, Activations.Max(-2f, 3f));
    }

    /// <summary>Edge values every four-value function must treat like its scalar twin.</summary>
    private static readonly float[] Specials =
    [
        float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, float.Epsilon, -float.Epsilon,
        9.1f, -9.1f, 9.01f, 40f, 40.0001f, -104f, -104.0001f, 88.72f, 88.73f, 88.7301f, -87.4f, 1e-30f, float.MaxValue, float.MinValue,
    ];

    [Theory]
    [InlineData("tanh")]
    [InlineData("sigmoid")]
    [InlineData("exp")]
    public void Four_value_functions_return_the_scalar_bits_in_every_lane(string function)
    {
        Func<float, float> scalar = function switch { "tanh" => Activations.Tanh, "sigmoid" => Activations.Sigmoid, _ => Activations.Exp };
        Func<float, float, float, float, System.Runtime.Intrinsics.Vector128<float>> four = function switch
        {
            "tanh" => Activations.Tanh,
            "sigmoid" => Activations.Sigmoid,
            _ => Activations.Exp,
        };
        var values = Sweep(130f).Concat(Specials).ToArray();
        int checkedLanes = 0;
        for (int i = 0; i + 4 <= values.Length; i += 3) // overlapping groups, so every value lands in several lanes
        {
            var result = four(values[i], values[i + 1], values[i + 2], values[i + 3]);
            for (int lane = 0; lane < 4; lane++)
            {
                float expected = scalar(values[i + lane]);
                float actual = System.Runtime.Intrinsics.Vector128.GetElement(result, lane);
                if (BitConverter.SingleToInt32Bits(actual) != BitConverter.SingleToInt32Bits(expected) && !(float.IsNaN(actual) && float.IsNaN(expected)))
                    Assert.Fail($"{function}({values[i + lane]:R}) in lane {lane}: expected {expected:R}, got {actual:R}");
                checkedLanes++;
            }
        }

        Assert.True(checkedLanes > 100_000, $"only {checkedLanes} lanes checked");
    }
}
