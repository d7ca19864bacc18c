using System.Globalization;

namespace RnnGen;

/// <summary>
/// Saves the weights with <see cref="WeightFiles.SaveWeights(IRnnModel, string)"/> after each epoch, or only when the
/// monitored value improved (Keras <c>keras.callbacks.ModelCheckpoint(save_weights_only=True)</c>).
/// </summary>
/// <remarks>
/// <para>Mode is Keras's <c>"auto"</c>: a monitor containing "acc" must increase, anything else decrease.
/// <c>{epoch}</c> in the path is replaced by the 1-based epoch number.</para>
/// <para>It never writes non-finite weights or an epoch whose loss is NaN or infinite, so the last good checkpoint
/// survives a diverging run.</para>
/// </remarks>
public sealed class ModelCheckpoint : Callback
{
    private float _best;

    /// <summary>Creates the callback.</summary>
    /// <param name="path">Weights file; may contain <c>{epoch}</c>.</param>
    /// <param name="monitor">Key compared between epochs when <paramref name="saveBestOnly"/> is set.</param>
    /// <param name="saveBestOnly">Save only when the monitored value improved on the best so far.</param>
    public ModelCheckpoint(string path, string monitor = "val_loss", bool saveBestOnly = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(monitor);
        Path = path;
        Monitor = monitor;
        SaveBestOnly = saveBestOnly;
    }

    /// <summary>Weights file (may contain <c>{epoch}</c>).</summary>
    public string Path { get; }

    /// <summary>Monitored key.</summary>
    public string Monitor { get; }

    /// <summary>Whether only improvements are saved.</summary>
    public bool SaveBestOnly { get; }

    /// <summary>Best monitored value so far.</summary>
    public float Best => _best;

    /// <summary>The file written last, or <c>null</c>.</summary>
    public string? LastSavedPath { get; private set; }

    /// <summary>1-based epoch of the last save, or 0.</summary>
    public int LastSavedEpoch { get; private set; }

    /// <inheritdoc/>
    public override void OnTrainBegin()
    {
        _best = IsMaximized(Monitor) ? float.NegativeInfinity : float.PositiveInfinity;
        LastSavedPath = null;
        LastSavedEpoch = 0;
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, float> logs)
    {
        if (logs.TryGetValue("loss", out float loss) && !float.IsFinite(loss))
        {
            return;
        }

        foreach (float weight in Model.Parameters)
        {
            if (!float.IsFinite(weight))
            {
                return;
            }
        }

        if (SaveBestOnly)
        {
            float current = Monitored(logs, Monitor, nameof(ModelCheckpoint));
            bool improved = IsMaximized(Monitor) ? current > _best : current < _best;
            if (!float.IsFinite(current) || !improved)
            {
                return;
            }

            _best = current;
        }

        string path = Path.Replace("{epoch}", (epoch + 1).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Model.SaveWeights(path);
        LastSavedPath = path;
        LastSavedEpoch = epoch + 1;
    }
}
