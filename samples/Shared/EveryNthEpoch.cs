namespace RnnGen.Samples;

/// <summary>
/// Prints every <c>n</c>-th Keras-style epoch line (and the last), so a run of hundreds of epochs stays readable.
/// Pass it as <see cref="TrainingOptions.Progress"/> with <see cref="TrainingOptions.Verbose"/> off.
/// </summary>
internal sealed class EveryNthEpoch(TextWriter output, int n) : IProgress<EpochResult>
{
    public void Report(EpochResult value)
    {
        if (value.Epoch % n == 0 || value.Epoch == value.Epochs || value.Epoch == 1)
        {
            output.WriteLine(value.ToString());
        }
    }
}
