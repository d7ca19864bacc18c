namespace RnnGen;

/// <summary>
/// Keras <c>keras.metrics.AUC()</c> with its defaults: area under the ROC curve, <c>num_thresholds=200</c>,
/// <c>summation_method="interpolation"</c>, over every output element since the last <see cref="Metric.Reset"/>.
/// </summary>
/// <remarks>
/// <para>Thresholds (Keras <c>keras/src/metrics/confusion_metrics.py</c>, <c>AUC.__init__</c>):
/// <c>θ_0 = -1e-7</c>, <c>θ_i = i / (n - 1)</c> for <c>i = 1 … n-2</c>, <c>θ_{n-1} = 1 + 1e-7</c>. For each threshold an
/// output predicts positive when <c>o &gt; θ_i</c>, giving <c>TP_i, FP_i, TN_i, FN_i</c>.</para>
/// <para><c>AUC.result</c> for ROC: <c>TPR_i = TP_i / (TP_i + FN_i)</c>, <c>FPR_i = FP_i / (FP_i + TN_i)</c> (0 when a
/// denominator is 0), and the trapezoidal sum
/// <c>AUC = Σ_{i&lt;n-1} (FPR_i - FPR_{i+1}) · (TPR_i + TPR_{i+1}) / 2</c>.</para>
/// <para>Counts are kept per bucket of width <c>1/(n-1)</c> and summed at <see cref="Result"/>, so an update costs one
/// comparison per output element and allocates nothing.</para>
/// </remarks>
public sealed class Auc : Metric
{
    /// <summary>Keras <c>backend.epsilon()</c>, the margin of the two end thresholds.</summary>
    private const double Epsilon = 1e-7;

    // float32, as Keras converts the thresholds to the metric's dtype before comparing

    private readonly float[] _thresholds;
    private readonly long[] _positivesAbove;
    private readonly long[] _negativesAbove;
    private long _positives, _negatives;

    /// <summary>Creates the metric.</summary>
    /// <param name="numThresholds">Number of thresholds, including the two end points (Keras default 200); at least 2.</param>
    public Auc(int numThresholds = 200)
    {
        if (numThresholds < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(numThresholds), numThresholds, "numThresholds must be at least 2.");
        }

        NumThresholds = numThresholds;
        _thresholds = new float[numThresholds];
        _thresholds[0] = (float)(0.0 - Epsilon);
        for (int i = 1; i < numThresholds - 1; i++)
        {
            _thresholds[i] = (float)(i * 1.0 / (numThresholds - 1));
        }

        _thresholds[numThresholds - 1] = (float)(1.0 + Epsilon);
        _positivesAbove = new long[numThresholds];
        _negativesAbove = new long[numThresholds];
    }

    /// <summary>Number of thresholds, end points included.</summary>
    public int NumThresholds { get; }

    /// <summary>History key: <c>auc</c>.</summary>
    public override string Name => "auc";

    /// <inheritdoc/>
    public override void Reset()
    {
        Array.Clear(_positivesAbove);
        Array.Clear(_negativesAbove);
        _positives = _negatives = 0;
    }

    /// <inheritdoc/>
    public override void Update(ReadOnlySpan<float> output, ReadOnlySpan<float> target)
    {
        RequireTargetLength(output, target);
        for (int i = 0; i < output.Length; i++)
        {
            // k = number of thresholds strictly below the output: o > θ_j exactly for j < k
            int k = ThresholdsBelow(output[i]);
            if (target[i] == 1f)
            {
                _positives++;
                if (k > 0)
                {
                    _positivesAbove[k - 1]++;
                }
            }
            else
            {
                _negatives++;
                if (k > 0)
                {
                    _negativesAbove[k - 1]++;
                }
            }
        }
    }

    /// <summary>The trapezoidal area under (FPR, TPR) over the thresholds, or 0 before any update.</summary>
    public override float Result
    {
        get
        {
            // _xAbove[j] counts outputs above θ_0..θ_j; TP_i = Σ_{j ≥ i} _positivesAbove[j]
            double area = 0, previousTpr = 0, previousFpr = 0;
            long tp = 0, fp = 0;
            for (int i = NumThresholds - 1; i >= 0; i--)
            {
                tp += _positivesAbove[i];
                fp += _negativesAbove[i];
                double tpr = _positives == 0 ? 0 : (double)tp / _positives;
                double fpr = _negatives == 0 ? 0 : (double)fp / _negatives;
                if (i < NumThresholds - 1)
                {
                    area += (fpr - previousFpr) * (tpr + previousTpr) / 2;
                }

                previousTpr = tpr;
                previousFpr = fpr;
            }

            return (float)area;
        }
    }

    private int ThresholdsBelow(float output)
    {
        float o = output;
        int n = NumThresholds;
        // first guess from the even spacing, then settle exactly against the stored thresholds
        int k = !(o > _thresholds[0]) ? 0 : (int)Math.Clamp(Math.Ceiling((double)o * (n - 1)), 1, n);
        while (k < n && o > _thresholds[k])
        {
            k++;
        }

        while (k > 0 && !(o > _thresholds[k - 1]))
        {
            k--;
        }

        return k;
    }
}
