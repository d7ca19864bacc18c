namespace RnnGen.CompilerServices;

/// <summary>
/// Keras default initializers, deterministic for a seed. Generated constructors and the dynamic
/// layers call these in layer order with one <see cref="Random"/>, so the same seed gives the same weights.
/// </summary>
public static class Initializers
{
    /// <summary>Keras <c>glorot_uniform</c>: U(-l, l) with <c>l = sqrt(6 / (fanIn + fanOut))</c>, for a <c>[fanIn, fanOut]</c> kernel.</summary>
    public static void GlorotUniform(Span<float> weights, int fanIn, int fanOut, Random random)
    {
        double limit = Math.Sqrt(6.0 / (fanIn + fanOut));
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = (float)((random.NextDouble() * 2.0 - 1.0) * limit);
        }
    }

    /// <summary>Keras <c>RandomUniform(-0.05, 0.05)</c>, the Embedding default.</summary>
    public static void Uniform(Span<float> weights, float limit, Random random)
    {
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = (float)((random.NextDouble() * 2.0 - 1.0) * limit);
        }
    }

    /// <summary>
    /// Keras <c>orthogonal</c> for a <c>[rows, cols]</c> matrix: QR of a normal matrix of shape
    /// <c>(max, min)</c>, columns sign-corrected by <c>diag(R)</c>, transposed when <c>rows &lt; cols</c>.
    /// </summary>
    public static void Orthogonal(Span<float> weights, int rows, int cols, Random random)
    {
        int n = Math.Max(rows, cols), m = Math.Min(rows, cols);
        var a = new double[n, m];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < m; j++)
            {
                a[i, j] = NextNormal(random);
            }
        }

        // Modified Gram-Schmidt: columns of a become Q; r_jj signs are folded in (q *= sign(diag(r))).
        for (int j = 0; j < m; j++)
        {
            for (int k = 0; k < j; k++)
            {
                double dot = 0;
                for (int i = 0; i < n; i++) dot += a[i, k] * a[i, j];
                for (int i = 0; i < n; i++) a[i, j] -= dot * a[i, k];
            }

            double norm = 0;
            for (int i = 0; i < n; i++) norm += a[i, j] * a[i, j];
            norm = Math.Sqrt(norm);
            for (int i = 0; i < n; i++) a[i, j] /= norm;
        }

        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                weights[r * cols + c] = (float)(rows >= cols ? a[r, c] : a[c, r]);
            }
        }
    }

    private static double NextNormal(Random random)
    {
        // Box-Muller transform.
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
