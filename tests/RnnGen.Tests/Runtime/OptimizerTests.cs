namespace RnnGen.Tests.Runtime;

/// <summary>
/// Optimizer updates against the Keras formulas evaluated independently in double precision.
/// Fixture-based checks against real Keras/PyTorch runs still need wiring once the reference fixtures land.
/// </summary>
public class OptimizerTests
{
    private static readonly float[] Start = [0.5f, -1.25f, 2f, 0f];
    private static readonly float[][] Grads =
    [
        [0.1f, -0.2f, 0.3f, 0f],
        [-0.4f, 0.5f, 0.05f, 1e-4f],
        [0.2f, 0.2f, -0.6f, -2f],
    ];

    private static float[] Run(Optimizer optimizer)
    {
        float[] p = (float[])Start.Clone();
        foreach (float[] g in Grads) optimizer.Step(p, g);
        return p;
    }

    private static void AssertClose(double[] expected, float[] actual, double tolerance = 1e-6)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])),
                $"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    [Fact]
    public void Sgd_without_momentum_subtracts_lr_times_gradient()
    {
        double[] p = Array.ConvertAll(Start, x => (double)x);
        foreach (float[] g in Grads) for (int i = 0; i < p.Length; i++) p[i] -= 0.1 * g[i];
        AssertClose(p, Run(new Sgd(0.1f)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Sgd_with_momentum_follows_keras_velocity_formula(bool nesterov)
    {
        double lr = 0.05, m = 0.9;
        double[] p = Array.ConvertAll(Start, x => (double)x), v = new double[p.Length];
        foreach (float[] g in Grads)
        {
            for (int i = 0; i < p.Length; i++)
            {
                v[i] = m * v[i] - lr * g[i];
                p[i] += nesterov ? m * v[i] - lr * g[i] : v[i];
            }
        }

        AssertClose(p, Run(new Sgd(0.05f, 0.9f, nesterov)));
    }

    [Fact]
    public void Adam_follows_keras_formula_with_epsilon_hat()
    {
        double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-7;
        double[] p = Array.ConvertAll(Start, x => (double)x), m = new double[p.Length], v = new double[p.Length];
        int t = 0;
        foreach (float[] g in Grads)
        {
            t++;
            double alpha = lr * Math.Sqrt(1 - Math.Pow(b2, t)) / (1 - Math.Pow(b1, t));
            for (int i = 0; i < p.Length; i++)
            {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                p[i] -= alpha * m[i] / (Math.Sqrt(v[i]) + eps);
            }
        }

        AssertClose(p, Run(new Adam(0.01f)), 1e-5);
    }

    [Fact]
    public void RmsProp_follows_keras3_formula_with_epsilon_under_the_root()
    {
        double lr = 0.01, rho = 0.9, eps = 1e-7;
        double[] p = Array.ConvertAll(Start, x => (double)x), v = new double[p.Length];
        foreach (float[] g in Grads)
        {
            for (int i = 0; i < p.Length; i++)
            {
                v[i] = rho * v[i] + (1 - rho) * g[i] * g[i];
                p[i] -= lr * g[i] / Math.Sqrt(v[i] + eps);
            }
        }

        AssertClose(p, Run(new RmsProp(0.01f)), 1e-5);
    }

    [Fact]
    public void ClipNorm_rescales_the_whole_gradient_and_leaves_the_callers_span_alone()
    {
        float[] g = [3f, 4f]; // norm 5
        float[] p = [0f, 0f];
        new Sgd(1f) { ClipNorm = 1f }.Step(p, g);
        Assert.Equal([-0.6f, -0.8f], p);
        Assert.Equal([3f, 4f], g);
    }

    [Fact]
    public void ClipNorm_leaves_a_small_gradient_unchanged()
    {
        float[] p = [0f, 0f];
        new Sgd(1f) { ClipNorm = 10f }.Step(p, [3f, 4f]);
        Assert.Equal([-3f, -4f], p);
    }

    [Fact]
    public void ClipValue_clamps_each_element()
    {
        float[] g = [3f, -0.25f, -7f];
        float[] p = new float[3];
        new Sgd(1f) { ClipValue = 0.5f }.Step(p, g);
        Assert.Equal([-0.5f, 0.25f, 0.5f], p);
        Assert.Equal(3f, g[0]);
    }

    [Fact]
    public void Step_with_a_different_length_than_the_first_throws_with_both_lengths()
    {
        var adam = new Adam();
        adam.Step(new float[4], new float[4]);
        var e = Assert.Throws<ArgumentException>(() => adam.Step(new float[5], new float[5]));
        Assert.Contains("4", e.Message);
        Assert.Contains("5", e.Message);
    }

    [Fact]
    public void Step_with_mismatched_gradient_length_throws()
    {
        var e = Assert.Throws<ArgumentException>(() => new Sgd().Step(new float[3], new float[2]));
        Assert.Contains("3", e.Message);
        Assert.Contains("2", e.Message);
    }

    [Fact]
    public void Steps_after_the_first_allocate_nothing()
    {
        foreach (Optimizer optimizer in new Optimizer[] { new Sgd(0.1f, 0.9f, true), new Adam(), new RmsProp(), new Adam { ClipNorm = 1f, ClipValue = 0.1f } })
        {
            float[] p = new float[1000], g = new float[1000];
            g.AsSpan().Fill(0.5f);
            optimizer.Step(p, g);
            optimizer.Step(p, g);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++) optimizer.Step(p, g);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }
}
