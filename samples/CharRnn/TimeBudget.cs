using System.Diagnostics;
using System.Globalization;

namespace RnnGen.Samples.CharRnn;

/// <summary>Stops <c>Fit</c> at the end of the first batch that finishes after <paramref name="seconds"/> of training.</summary>
public sealed class TimeBudget(double seconds) : Callback
{
    private readonly Stopwatch _clock = new();

    /// <summary>Seconds since training began.</summary>
    public double Elapsed => _clock.Elapsed.TotalSeconds;

    /// <inheritdoc />
    public override void OnTrainBegin() => _clock.Restart();

    /// <inheritdoc />
    public override void OnBatchEnd(int batch, float loss)
    {
        if (!StopTraining && _clock.Elapsed.TotalSeconds >= seconds)
        {
            RequestStop(string.Create(CultureInfo.InvariantCulture, $"Time budget of {seconds} s reached; stopping after batch {batch + 1}."));
        }
    }

    /// <inheritdoc />
    public override void OnTrainEnd() => _clock.Stop();
}
