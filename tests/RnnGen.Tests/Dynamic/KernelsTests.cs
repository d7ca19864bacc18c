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

    public static TheoryData<int, int, int, int> GemmShapes()
    {
        var data = new TheoryData<int, int, int, int>();
        foreach ((int m, int n, int k) in new[]
        {
            (1, 1, 1), (1, 7, 3), (3, 5, 1), (4, 8, 4), (5, 16, 9), (7, 31, 17), (9, 33, 12), (17, 37, 5), (32, 32, 32),
            (13, 64, 3), (6, 70, 33), (2, 3, 65), (33, 19, 8),
        })
        {
            data.Add(m, n, k, 0);
            data.Add(m, n, k, 3);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(GemmShapes))]
    public void Gemm_adds_A_times_B(int m, int n, int k, int pad)
    {
        var random = new Random(m * 10000 + n * 100 + k);
        int lda = k + pad, ldb = n + pad, ldc = n + pad;
        float[] a = Random(m * lda, random), b = Random(k * ldb, random), c = Random(m * ldc, random);
        double[] expected = NaiveGemm(m, n, k, (i, p) => a[i * lda + p], (p, j) => b[p * ldb + j], c, ldc);

        Kernels.Gemm(m, n, k, a, lda, b, ldb, c, ldc);

        AssertBlockClose(expected, c, m, n, ldc);
    }

    [Theory]
    [MemberData(nameof(GemmShapes))]
    public void GemmTransposeA_adds_A_transposed_times_B(int m, int n, int k, int pad)
    {
        var random = new Random(m * 10000 + n * 100 + k + 1);
        int lda = m + pad, ldb = n + pad, ldc = n + pad;
        float[] a = Random(k * lda, random), b = Random(k * ldb, random), c = Random(m * ldc, random);
        double[] expected = NaiveGemm(m, n, k, (i, p) => a[p * lda + i], (p, j) => b[p * ldb + j], c, ldc);

        Kernels.GemmTransposeA(m, n, k, a, lda, b, ldb, c, ldc);

        AssertBlockClose(expected, c, m, n, ldc);
    }

    [Theory]
    [MemberData(nameof(GemmShapes))]
    public void GemmTransposeB_adds_A_times_B_transposed(int m, int n, int k, int pad)
    {
        var random = new Random(m * 10000 + n * 100 + k + 2);
        int lda = k + pad, ldb = k + pad, ldc = n + pad;
        float[] a = Random(m * lda, random), b = Random(n * ldb, random), c = Random(m * ldc, random);
        double[] expected = NaiveGemm(m, n, k, (i, p) => a[i * lda + p], (p, j) => b[j * ldb + p], c, ldc);

        Kernels.GemmTransposeB(m, n, k, a, lda, b, ldb, c, ldc);

        AssertBlockClose(expected, c, m, n, ldc);
    }

    [Fact]
    public void Transpose_AddToRows_and_AddRowSums_match_their_definitions()
    {
        var random = new Random(3);
        float[] a = Random(5 * 9, random); // [5, 7] with row stride 9
        var t = new float[7 * 6];          // [7, 5] with row stride 6
        Kernels.Transpose(5, 7, a, 9, t, 6);
        for (int i = 0; i < 5; i++)
        {
            for (int j = 0; j < 7; j++) Assert.Equal(a[i * 9 + j], t[j * 6 + i]);
        }

        float[] v = Random(7, random), c = Random(5 * 9, random), before = (float[])c.Clone();
        Kernels.AddToRows(5, v, c, 9);
        for (int i = 0; i < 5; i++)
        {
            for (int j = 0; j < 9; j++) Assert.Equal(j < 7 ? before[i * 9 + j] + v[j] : before[i * 9 + j], c[i * 9 + j], 6);
        }

        float[] sums = Random(7, random), expected = (float[])sums.Clone();
        for (int i = 0; i < 5; i++)
        {
            for (int j = 0; j < 7; j++) expected[j] += c[i * 9 + j];
        }

        Kernels.AddRowSums(5, c, 9, sums);
        AssertClose(expected, sums);
    }

    [Fact]
    public void Gemm_operands_too_short_for_their_shape_throw_naming_the_operand()
    {
        var a = Assert.Throws<ArgumentException>(() => Kernels.Gemm(3, 4, 5, new float[14], 5, new float[20], 4, new float[12], 4));
        Assert.Equal("a", a.ParamName);
        var b = Assert.Throws<ArgumentException>(() => Kernels.GemmTransposeA(3, 4, 5, new float[15], 3, new float[19], 4, new float[12], 4));
        Assert.Equal("b", b.ParamName);
        var c = Assert.Throws<ArgumentException>(() => Kernels.GemmTransposeB(3, 4, 5, new float[15], 5, new float[20], 5, new float[12], 3));
        Assert.Equal("c", c.ParamName);
        Kernels.Gemm(0, 4, 5, default, 5, new float[20], 4, default, 4); // empty: nothing to do
    }

    private static double[] NaiveGemm(int m, int n, int k, Func<int, int, float> a, Func<int, int, float> b, float[] c, int ldc)
    {
        var expected = new double[m * ldc];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < ldc; j++)
            {
                double s = c[i * ldc + j];
                if (j < n)
                {
                    for (int p = 0; p < k; p++) s += (double)a(i, p) * b(p, j);
                }

                expected[i * ldc + j] = s;
            }
        }

        return expected;
    }

    private static void AssertBlockClose(double[] expected, float[] actual, int m, int n, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < ldc; j++)
            {
                double e = expected[i * ldc + j], a = actual[i * ldc + j];
                if (j >= n) Assert.True(e == a, $"padding ({i}, {j}) changed: {e} -> {a}");
                else Assert.True(Math.Abs(e - a) <= 1e-5 * Math.Max(1, Math.Abs(e)) * Math.Max(1, Math.Sqrt(m + n)), $"({i}, {j}) expected {e}, got {a}");
            }
        }
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
