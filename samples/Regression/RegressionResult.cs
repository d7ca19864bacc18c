namespace RnnGen.Samples.Regression;

/// <summary>What one run of <see cref="RegressionSample.Run"/> measured.</summary>
/// <param name="Epochs">Epochs trained.</param>
/// <param name="Loss">Mean squared error of the last epoch.</param>
/// <param name="Targets">The targets 10, 20, 30.</param>
/// <param name="Predictions">The model's prediction for each sequence, in the order of <paramref name="Targets"/>.</param>
public sealed record RegressionResult(int Epochs, float Loss, float[] Targets, float[] Predictions)
{
    /// <summary>The largest <c>|prediction - target|</c>.</summary>
    public float MaxError
    {
        get
        {
            float max = 0;
            for (int i = 0; i < Targets.Length; i++)
            {
                max = Math.Max(max, Math.Abs(Predictions[i] - Targets[i]));
            }

            return max;
        }
    }
}
