using System.Runtime.Intrinsics;
using RnnGen.CompilerServices;

namespace RnnGen.Tests.Dynamic;

/// <summary>
/// The vector activations of the vector tier, held to their documented bound over a dense sweep, at every width
/// (a width the CPU does not accelerate still runs, in software, so all three are checked on any machine):
/// <c>|f(x) - exact| &lt;= 1e-6 |exact| + 1e-37</c>; exp also to 3e-7 relative on [-87, 88], and tanh to 3e-7 relative.
/// </summary>
public class SimdAccuracyTests
{
    private const double Relative = 1e-6;
    private const double Floor = 1e-37;

    private static float[] Sweep(float limit)
    {
        var values = new List<float> { 0f };
        for (double a = 1e-30; a < limit; a *= 1.0007)
        {
            values.Add((float)a);
            values.Add(-(float)a);
        }

        while (values.Count % 16 != 0) values.Add(0f);
        return values.ToArray();
    }

    private delegate void Apply(ReadOnlySpan<float> x, Span<float> y);

    /// <summary>The function at each width, lane by lane over the sweep.</summary>
    private static IEnumerable<(string Width, Apply Apply)> Widths(Func<Vector128<float>, Vector128<float>> f128,
        Func<Vector256<float>, Vector256<float>> f256, Func<Vector512<float>, Vector512<float>> f512)
    {
        yield return ("Vector128", (x, y) => { for (int i = 0; i < x.Length; i += 4) f128(Vector128.Create(x.Slice(i, 4))).CopyTo(y.Slice(i, 4)); });
        yield return ("Vector256", (x, y) => { for (int i = 0; i < x.Length; i += 8) f256(Vector256.Create(x.Slice(i, 8))).CopyTo(y.Slice(i, 8)); });
        yield return ("Vector512", (x, y) => { for (int i = 0; i < x.Length; i += 16) f512(Vector512.Create(x.Slice(i, 16))).CopyTo(y.Slice(i, 16)); });
    }

    private static void AssertBound(float[] x, Apply apply, Func<double, double> exact, double relative, string what)
    {
        var y = new float[x.Length];
        apply(x, y);
        double worst = 0;
        float worstX = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double e = exact(x[i]);
            double excess = Math.Abs(y[i] - e) / (relative * Math.Abs(e) + Floor);
            if (excess > worst)
            {
                worst = excess;
                worstX = x[i];
            }
        }

        Assert.True(worst <= 1, $"{what}: at x = {worstX:R} the error is {worst:F2} times the bound");
    }

    [Fact]
    public void Tanh_is_within_the_bound_at_every_width()
    {
        float[] x = Sweep(30f);
        foreach (var (width, apply) in Widths(Simd.Tanh, Simd.Tanh, Simd.Tanh))
        {
            AssertBound(x, apply, Math.Tanh, Relative, "tanh " + width);
        }
    }

    [Fact]
    public void Tanh_is_odd_and_exact_near_zero_at_every_width()
    {
        // m / (m + 2) with m = e^2|x| - 1 has no cancellation near zero, and the sign is put back last, so tanh is odd bit
        // for bit, keeps -0, is x itself where tanh x rounds to x, and stays within 3e-7 relative everywhere
        float[] x = Sweep(30f);
        float[] special = [-0f, 1e-30f, -1e-20f, 1e-10f, -3e-5f, float.PositiveInfinity, float.NegativeInfinity, float.NaN];
        foreach (var (width, apply) in Widths(Simd.Tanh, Simd.Tanh, Simd.Tanh))
        {
            AssertBound(x, apply, Math.Tanh, 3e-7, "tanh " + width);
            var y = new float[x.Length];
            var yNegated = new float[x.Length];
            apply(x, y);
            apply(x.Select(v => -v).ToArray(), yNegated);
            for (int i = 0; i < x.Length; i++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(-y[i]), BitConverter.SingleToInt32Bits(yNegated[i]));
            }

            float[] edges = [.. special, .. special];
            var yEdges = new float[edges.Length];
            apply(edges, yEdges);
            Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(yEdges[0]));
            Assert.Equal([1e-30f, -1e-20f, 1e-10f, -3e-5f, 1f, -1f], yEdges[1..7]);
            Assert.True(float.IsNaN(yEdges[7]), $"tanh {width} of NaN gave {yEdges[7]}");
        }
    }

    [Fact]
    public void Sigmoid_is_within_the_bound_at_every_width()
    {
        float[] x = Sweep(120f);
        foreach (var (width, apply) in Widths(Simd.Sigmoid, Simd.Sigmoid, Simd.Sigmoid))
        {
            AssertBound(x, apply, v => 1.0 / (1.0 + Math.Exp(-v)), Relative, "sigmoid " + width);
        }
    }

    [Fact]
    public void Exp_is_within_3e_7_on_its_range_at_every_width()
    {
        float[] x = Sweep(87f).Where(v => v <= 87f).ToArray();
        Array.Resize(ref x, x.Length / 16 * 16);
        foreach (var (width, apply) in Widths(Simd.Exp, Simd.Exp, Simd.Exp))
        {
            AssertBound(x, apply, Math.Exp, 3e-7, "exp " + width);
        }
    }

    [Fact]
    public void Hard_sigmoid_equals_the_scalar_and_the_kernel_bit_for_bit_at_every_width()
    {
        // The scalar is clip(0.2f * x + 0.5f, 0, 1) with float rounding after the multiply and after the add, as
        // TensorFlow.js computes it; every width and the loop tier's kernel must give the same bits.
        float[] x = [.. Sweep(40f), -2.5f, 2.5f, 2.4999998f, 2.5000002f, -2.4999998f, -2.5000002f, 0f, 0.1f, 1e30f, -1e30f, 3f, -3f, 2.6f, -2.6f, -0.1f, 1f];
        var expected = x.Select(Activations.HardSigmoid).ToArray();
        Assert.All(x.Zip(expected), pair => Assert.Equal((float)Math.Clamp((float)(0.2f * pair.First) + 0.5f, 0f, 1f), pair.Second));
        Assert.Equal(0f, Activations.HardSigmoid(-2.5f));
        Assert.Equal(1f, Activations.HardSigmoid(2.5f));
        Assert.Equal(0.5f, Activations.HardSigmoid(0f));
        Assert.Equal(0.6f, Activations.HardSigmoid(0.5f));

        foreach (var (width, apply) in Widths(Simd.HardSigmoid, Simd.HardSigmoid, Simd.HardSigmoid))
        {
            var y = new float[x.Length];
            apply(x, y);
            Assert.True(expected.AsSpan().SequenceEqual(y), "hard sigmoid " + width);
        }

        float[] kernel = (float[])x.Clone();
        Kernels.Activate(Activation.HardSigmoid, kernel);
        Assert.Equal(expected, kernel);
    }

    [Fact]
    public void Hard_sigmoid_backward_is_0_2_strictly_inside_and_0_where_saturated_at_every_width()
    {
        float[] y = [0f, 1e-7f, 0.3f, 0.5f, 0.9999999f, 1f, 0f, 1f];
        float[] d = [2f, 2f, 2f, -1f, 3f, 3f, -5f, -5f];
        float[] expected = [0f, 0.4f, 0.4f, -0.2f, 0.6f, 0f, 0f, 0f];
        for (int i = 0; i < y.Length; i++)
        {
            Assert.Equal(expected[i], Activations.HardSigmoidBackward(y[i], d[i]), 6);
            Assert.Equal(expected[i], Simd.HardSigmoidBackward(y[i], d[i]), 6);
        }

        Assert.Equal(expected.AsSpan(0, 4).ToArray(), ToArray(Simd.HardSigmoidBackward(Vector128.Create(y.AsSpan(0, 4)), Vector128.Create(d.AsSpan(0, 4)))));
        Assert.Equal(expected, ToArray(Simd.HardSigmoidBackward(Vector256.Create(y), Vector256.Create(d))));
        float[] y16 = [.. y, .. y], d16 = [.. d, .. d];
        Assert.Equal([.. expected, .. expected], ToArray(Simd.HardSigmoidBackward(Vector512.Create(y16), Vector512.Create(d16))));

        float[] dy = (float[])d.Clone();
        Kernels.ActivationBackward(Activation.HardSigmoid, y, dy);
        Assert.Equal(expected.Select(v => (double)v), dy.Select(v => (double)v), (a, b) => Math.Abs(a - b) < 1e-6);
    }

    private static float[] ToArray<T>(T vector) where T : struct => vector switch
    {
        Vector128<float> v => [.. Enumerable.Range(0, 4).Select(i => v.GetElement(i))],
        Vector256<float> v => [.. Enumerable.Range(0, 8).Select(i => v.GetElement(i))],
        Vector512<float> v => [.. Enumerable.Range(0, 16).Select(i => v.GetElement(i))],
        _ => throw new ArgumentException(typeof(T).Name),
    };

    [Fact]
    public void Saturation_and_relu_behave_at_the_edges()
    {
        Assert.Equal(1f, Simd.Tanh(Vector256.Create(1e30f)).GetElement(0));
        Assert.Equal(-1f, Simd.Tanh(Vector256.Create(-1e30f)).GetElement(0));
        Assert.Equal(1f, Simd.Sigmoid(Vector512.Create(200f)).GetElement(3));
        Assert.True(Simd.Sigmoid(Vector128.Create(-200f)).GetElement(1) < 1e-37f);
        Assert.Equal(0f, Simd.Relu(Vector128.Create(-2f)).GetElement(2));
        Assert.Equal(2f, Simd.Relu(Vector512.Create(2f)).GetElement(15));
    }
}
