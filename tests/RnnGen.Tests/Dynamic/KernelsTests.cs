using RnnGen.CompilerServices;

namespace RnnGen.Tests.Dynamic;

/// <summary>The vectorized kernels against naive loops, for sizes around every vector width and with strides.</summary>
public class KernelsTests
{
    public static TheoryData<int, int, int> Shapes()
    {
        var data = new TheoryData<int, int, int>();
        foreach (int m in new[] { 1, 3, 9 })
        {
            foreach (int n in new[] { 1, 3, 4, 7, 8, 12, 16, 31, 32, 33, 70 })
            {
                data.Add(m, n, 0);
                data.Add(m, n, 5);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatVecAdd_adds_x_times_a_column_block(int m, int n, int extraColumns)
    {
        var random = new Random(m * 100 + n);
        int stride = n + extraColumns;
        float[] x = Random(m, random), w = Random(m * stride, random), y = Random(n, random);
        float[] expected = (float[])y.Clone();
        for (int j = 0; j < n; j++)
        {
            double s = expected[j];
            for (int i = 0; i < m; i++) s += (double)x[i] * w[i * stride + j];
            expected[j] = (float)s;
        }

        Kernels.MatVecAdd(x, w, stride, y);

        AssertClose(expected, y);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatTransposeVecAdd_adds_the_matrix_times_d(int m, int n, int extraColumns)
    {
        var random = new Random(m * 100 + n + 1);
        int stride = n + extraColumns;
        float[] w = Random(m * stride, random), d = Random(n, random), y = Random(m, random);
        float[] expected = (float[])y.Clone();
        for (int i = 0; i < m; i++)
        {
            double s = expected[i];
            for (int j = 0; j < n; j++) s += (double)w[i * stride + j] * d[j];
            expected[i] = (float)s;
        }

        Kernels.MatTransposeVecAdd(w, stride, d, y);

        AssertClose(expected, y);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void OuterAdd_adds_x_outer_d_and_leaves_other_columns(int m, int n, int extraColumns)
    {
        var random = new Random(m * 100 + n + 2);
        int stride = n + extraColumns;
        float[] x = Random(m, random), d = Random(n, random), g = Random(m * stride, random);
        x[0] = 0f; // one-hot rows are skipped; the result must not change
        float[] expected = (float[])g.Clone();
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++) expected[i * stride + j] += x[i] * d[j];
        }

        Kernels.OuterAdd(x, d, stride, g);

        AssertClose(expected, g);
    }

    [Theory]
    [InlineData(Activation.Linear)]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.Softmax)]
    public void ActivationBackward_is_the_vector_Jacobian_product(Activation activation)
    {
        var random = new Random((int)activation);
        foreach (int n in new[] { 1, 5, 8, 19 })
        {
            float[] z = Random(n, random), dy = Random(n, random);
            float[] y = (float[])z.Clone();
            Kernels.Activate(activation, y);
            float[] dz = (float[])dy.Clone();
            Kernels.ActivationBackward(activation, y, dz);

            // Central differences of sum_j dy_j act(z)_j in double.
            for (int k = 0; k < n; k++)
            {
                double Loss(double delta)
                {
                    double[] zz = z.Select(v => (double)v).ToArray();
                    zz[k] += delta;
                    double[] yy = activation switch
                    {
                        Activation.Tanh => zz.Select(Math.Tanh).ToArray(),
                        Activation.Sigmoid => zz.Select(v => 1 / (1 + Math.Exp(-v))).ToArray(),
                        Activation.Relu => zz.Select(v => Math.Max(0, v)).ToArray(),
                        Activation.Softmax => zz.Select(v => Math.Exp(v) / zz.Sum(Math.Exp)).ToArray(),
                        _ => zz,
                    };
                    return yy.Select((v, j) => v * dy[j]).Sum();
                }

                double numeric = (Loss(1e-6) - Loss(-1e-6)) / 2e-6;
                Assert.True(Math.Abs(numeric - dz[k]) < 1e-5, $"{activation} n={n} k={k}: {dz[k]} vs {numeric}");
            }
        }
    }

    [Fact]
    public void A_matrix_span_that_is_too_short_throws_instead_of_reading_past_it()
    {
        var e = Assert.Throws<ArgumentException>(() => Kernels.MatVecAdd(new float[3], new float[8], new float[3]));
        Assert.Equal("w", e.ParamName);
        Assert.Contains("9", e.Message);
        Assert.Throws<ArgumentException>(() => Kernels.OuterAdd(new float[3], new float[3], new float[8]));
        Assert.Throws<ArgumentException>(() => Kernels.MatTransposeVecAdd(new float[8], new float[3], new float[3]));
    }

    private static float[] Random(int n, Random random) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

    private static void AssertClose(float[] expected, float[] actual)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f * Math.Max(1f, Math.Abs(expected[i])), $"[{i}] expected {expected[i]}, got {actual[i]}");
        }
    }
}

public class SoftmaxStabilityTests
{
    [Fact]
    public void Softmax_stays_finite_for_large_logits()
    {
        float[] z = [1000f, 0f, -1000f, 999f];
        RnnGen.CompilerServices.Kernels.Activate(Activation.Softmax, z);

        Assert.All(z, v => Assert.True(float.IsFinite(v), $"softmax gave {v}"));
        Assert.Equal(1f, z.Sum(), 5);
        Assert.Equal(1f / (1f + MathF.Exp(-1f)), z[0], 5);
    }
}
