using System.Globalization;
using System.Numerics.Tensors;

namespace RnnGen;

/// <summary>
/// Stops training when the monitored value stops improving (Keras <c>keras.callbacks.EarlyStopping</c>).
/// </summary>
/// <remarks>
/// Each epoch: an improvement is <c>current + minDelta &lt; best</c> (minimized) or <c>current - minDelta &gt; best</c>
/// (maximized, for monitors containing "acc"). Otherwise a wait counter grows; when it reaches
/// <see cref="Patience"/> (and it is not the first epoch) training stops, and with
/// <see cref="RestoreBestWeights"/> the weights of the best epoch are copied back — as in Keras 3. Only finite
/// weights are ever kept: the weights at the start of training are the first snapshot, and an epoch whose weights hold
/// a NaN or an infinity never replaces it, so a restore never brings back non-finite weights.
/// </remarks>
public sealed class EarlyStopping : Callback
{
    private float[] _bestWeights = [];
    private bool _haveBestWeights;

    /// <summary>Creates the callback.</summary>
    /// <param name="monitor">Key to watch.</param>
    /// <param name="patience">Epochs without improvement before stopping.</param>
    /// <param name="restoreBestWeights">Whether to restore the best epoch's weights when stopping.</param>
    /// <param name="minDelta">Smallest change that counts as an improvement.</param>
    public EarlyStopping(string monitor = "val_loss", int patience = 0, bool restoreBestWeights = false, float minDelta = 0f)
    {
        ArgumentException.ThrowIfNullOrEmpty(monitor);
        ArgumentOutOfRangeException.ThrowIfNegative(patience);
        Monitor = monitor;
        Patience = patience;
        RestoreBestWeights = restoreBestWeights;
        MinDelta = Math.Abs(minDelta);
    }

    /// <summary>Monitored key.</summary>
    public string Monitor { get; }

    /// <summary>Epochs without improvement tolerated.</summary>
    public int Patience { get; }

    /// <summary>Whether the best weights are restored when stopping.</summary>
    public bool RestoreBestWeights { get; }

    /// <summary>Smallest change that counts as an improvement.</summary>
    public float MinDelta { get; }

    /// <summary>Best monitored value so far.</summary>
    public float Best { get; private set; }

    /// <summary>0-based epoch of <see cref="Best"/>, or -1.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>0-based epoch at which training was stopped, or -1.</summary>
    public int StoppedEpoch { get; private set; }

    /// <summary>Epochs since the last improvement.</summary>
    public int Wait { get; private set; }

    /// <inheritdoc/>
    public override void OnTrainBegin()
    {
        Best = IsMaximized(Monitor) ? float.NegativeInfinity : float.PositiveInfinity;
        BestEpoch = -1;
        StoppedEpoch = -1;
        Wait = 0;
        _haveBestWeights = false;
        if (RestoreBestWeights && _bestWeights.Length != Model.ParameterCount)
        {
            _bestWeights = new float[Model.ParameterCount];
        }

        if (RestoreBestWeights)
        {
            Snapshot();
        }
    }

    /// <summary>Keeps the current weights as the best, if they are all finite.</summary>
    private void Snapshot()
    {
        if (TensorPrimitives.IsFiniteAll(Model.Parameters))
        {
            Model.Parameters.CopyTo(_bestWeights);
            _haveBestWeights = true;
        }
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, float> logs)
    {
        float current = Monitored(logs, Monitor, nameof(EarlyStopping));
        if (RestoreBestWeights && !_haveBestWeights)
        {
            Snapshot();
        }

        Wait++;
        bool improved = IsMaximized(Monitor) ? current - MinDelta > Best : current + MinDelta < Best;
        if (improved)
        {
            Best = current;
            BestEpoch = epoch;
            Wait = 0;
            if (RestoreBestWeights)
            {
                Snapshot();
            }

            return;
        }

        if (Wait >= Patience && epoch > 0)
        {
            StoppedEpoch = epoch;
            string reason = string.Create(CultureInfo.InvariantCulture,
                $"Epoch {epoch + 1}: early stopping; {Monitor} did not improve for {Wait} epoch(s) (best {EpochResult.Format(Best)} at epoch {BestEpoch + 1}).");
            if (RestoreBestWeights && _haveBestWeights)
            {
                _bestWeights.CopyTo(Model.Parameters);
                reason += " Restored the weights from the best epoch.";
            }

            RequestStop(reason);
        }
    }
}
