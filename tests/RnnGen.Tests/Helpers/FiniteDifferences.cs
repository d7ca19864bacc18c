namespace RnnGen.Tests.Helpers;

/// <summary>Numerical gradients for the gradient checks, in double precision.</summary>
internal static class FiniteDifferences
{
    /// <summary>
    /// <c>d loss / d values[k]</c> for every k by central differences with step 1e-6: each value is nudged in place, the loss
    /// (which reads <paramref name="values"/>) evaluated on both sides, and the value restored.
    /// </summary>
    public static double[] Central(double[] values, Func<double> loss)
    {
        const double eps = 1e-6;
        var numeric = new double[values.Length];
        for (int k = 0; k < values.Length; k++)
        {
            double saved = values[k];
            values[k] = saved + eps;
            double plus = loss();
            values[k] = saved - eps;
            double minus = loss();
            values[k] = saved;
            numeric[k] = (plus - minus) / (2 * eps);
        }

        return numeric;
    }
}
