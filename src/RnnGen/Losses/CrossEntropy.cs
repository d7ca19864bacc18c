namespace RnnGen;

/// <summary>Cross-entropy on one class vector, shared by the categorical losses. Computed in double.</summary>
internal static class CrossEntropy
{
    private const double Lo = Loss.Epsilon;
    private const double Hi = 1f - Loss.Epsilon;

    /// <summary>
    /// <c>q = o / Σo; p = clip(q, ε, 1 - ε); L = -Σ t log p</c>. Writes <c>scale * dL/do</c>; returns L.
    /// </summary>
    public static double FromProbabilities(ReadOnlySpan<float> o, ReadOnlySpan<float> t, Span<float> grad, double scale)
    {
        double total = 0;
        for (int i = 0; i < o.Length; i++)
        {
            total += o[i];
        }

        // Keras divides by the sum as is; an all-zero output would be 0/0. Keep it finite.
        if (!(total > 0))
        {
            total = double.Epsilon;
        }

        double loss = 0, gq = 0;
        for (int i = 0; i < o.Length; i++)
        {
            double q = o[i] / total;
            double p = Math.Clamp(q, Lo, Hi);
            double ti = t[i];
            if (ti != 0)
            {
                loss -= ti * Math.Log(p);
            }

            // g_i = dL/dq_i = -t_i / p_i inside the clip range, 0 outside.
            double g = q < Lo || q > Hi ? 0 : -ti / p;
            grad[i] = (float)g;
            gq += g * q;
        }

        // dL/do_j = (g_j - Σ g_i q_i) / Σo
        double s = scale / total;
        for (int i = 0; i < o.Length; i++)
        {
            grad[i] = (float)((grad[i] - gq) * s);
        }

        return loss;
    }

    /// <summary><c>L = logsumexp(x) Σt - Σ t x</c>, <c>dL/dx = softmax(x) Σt - t</c>. Writes <c>scale * dL/dx</c>.</summary>
    public static double FromLogits(ReadOnlySpan<float> x, ReadOnlySpan<float> t, Span<float> grad, double scale)
    {
        double max = MaxOf(x);
        double sumExp = 0, sumT = 0, dot = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sumExp += Math.Exp(x[i] - max);
            sumT += t[i];
            dot += t[i] * (double)x[i];
        }

        double lse = max + Math.Log(sumExp);
        for (int i = 0; i < x.Length; i++)
        {
            grad[i] = (float)((Math.Exp(x[i] - lse) * sumT - t[i]) * scale);
        }

        return lse * sumT - dot;
    }

    /// <summary>Probabilities with a one-hot target at <paramref name="y"/>.</summary>
    public static double SparseFromProbabilities(ReadOnlySpan<float> o, int y, Span<float> grad, double scale)
    {
        double total = 0;
        for (int i = 0; i < o.Length; i++)
        {
            total += o[i];
        }

        if (!(total > 0))
        {
            total = double.Epsilon;
        }

        double q = o[y] / total;
        double p = Math.Clamp(q, Lo, Hi);
        // g_y = -1 / p inside the clip, else 0; dL/do_j = (g_j - g_y q_y) / Σo
        double gy = q < Lo || q > Hi ? 0 : -1 / p;
        double s = scale / total;
        float rest = (float)(-gy * q * s);
        grad.Fill(rest);
        grad[y] = (float)((gy - gy * q) * s);
        return -Math.Log(p);
    }

    /// <summary>Logits with a one-hot target at <paramref name="y"/>: <c>L = logsumexp(x) - x_y</c>.</summary>
    public static double SparseFromLogits(ReadOnlySpan<float> x, int y, Span<float> grad, double scale)
    {
        double max = MaxOf(x);
        double sumExp = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sumExp += Math.Exp(x[i] - max);
        }

        double lse = max + Math.Log(sumExp);
        for (int i = 0; i < x.Length; i++)
        {
            grad[i] = (float)(Math.Exp(x[i] - lse) * scale);
        }

        grad[y] = (float)((Math.Exp(x[y] - lse) - 1) * scale);
        return lse - x[y];
    }

    private static double MaxOf(ReadOnlySpan<float> x)
    {
        double max = double.NegativeInfinity;
        for (int i = 0; i < x.Length; i++)
        {
            max = Math.Max(max, x[i]);
        }

        return max;
    }
}
