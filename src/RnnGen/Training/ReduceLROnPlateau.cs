namespace RnnGen;

/// <summary>
/// Multiplies the learning rate by <see cref="Factor"/> when the monitored value has stopped improving for
/// <see cref="Patience"/> epochs (Keras <c>keras.callbacks.ReduceLROnPlateau</c>, same defaults).
/// </summary>
/// <remarks>
/// Each epoch end, as Keras: if in cooldown, the cooldown counter drops by one and the wait restarts. An improvement
/// is <c>current &lt; best - minDelta</c> (mode <c>min</c>) or <c>current &gt; best + minDelta</c> (mode <c>max</c>); it
/// sets <c>best</c> and restarts the wait. Otherwise, outside cooldown, the wait grows; when it reaches
/// <see cref="Patience"/> and <c>lr &gt; minLr</c>, <c>lr = max(lr · factor, minLr)</c>, the cooldown starts and the wait
/// restarts. Mode <c>auto</c> maximizes a monitor whose name contains "acc" and minimizes anything else.
/// </remarks>
public sealed class ReduceLROnPlateau : Callback
{
    private bool _maximize;

    /// <summary>Creates the callback.</summary>
    /// <param name="monitor">Key to watch (default <c>val_loss</c>).</param>
    /// <param name="factor">Multiplier of the learning rate, in [0, 1).</param>
    /// <param name="patience">Epochs without improvement before a reduction.</param>
    /// <param name="mode"><c>auto</c>, <c>min</c> or <c>max</c>.</param>
    /// <param name="minDelta">Smallest change that counts as an improvement.</param>
    /// <param name="cooldown">Epochs to wait after a reduction before counting again.</param>
    /// <param name="minLr">Lower bound of the learning rate.</param>
    public ReduceLROnPlateau(
        string monitor = "val_loss",
        float factor = 0.1f,
        int patience = 10,
        string mode = "auto",
        float minDelta = 1e-4f,
        int cooldown = 0,
        float minLr = 0f)
    {
        ArgumentException.ThrowIfNullOrEmpty(monitor);
        if (!(factor >= 0f && factor < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "ReduceLROnPlateau does not support a factor >= 1 (or negative); expected a value in [0, 1).");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(patience);
        ArgumentOutOfRangeException.ThrowIfNegative(cooldown);
        if (mode is not ("auto" or "min" or "max"))
        {
            throw new ArgumentException($"Expected mode \"auto\", \"min\" or \"max\", but got \"{mode}\".", nameof(mode));
        }

        if (!(minLr >= 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(minLr), minLr, "minLr must be >= 0.");
        }

        Monitor = monitor;
        Factor = factor;
        Patience = patience;
        Mode = mode;
        MinDelta = minDelta;
        Cooldown = cooldown;
        MinLr = minLr;
    }

    /// <summary>Monitored key.</summary>
    public string Monitor { get; }

    /// <summary>Multiplier applied to the learning rate on a plateau.</summary>
    public float Factor { get; }

    /// <summary>Epochs without improvement before a reduction.</summary>
    public int Patience { get; }

    /// <summary><c>auto</c>, <c>min</c> or <c>max</c>.</summary>
    public string Mode { get; }

    /// <summary>Smallest change that counts as an improvement.</summary>
    public float MinDelta { get; }

    /// <summary>Epochs after a reduction during which no plateau is counted.</summary>
    public int Cooldown { get; }

    /// <summary>Lower bound of the learning rate.</summary>
    public float MinLr { get; }

    /// <summary>Best monitored value so far.</summary>
    public float Best { get; private set; }

    /// <summary>Epochs since the last improvement (Keras <c>wait</c>).</summary>
    public int Wait { get; private set; }

    /// <summary>Epochs of cooldown left.</summary>
    public int CooldownCounter { get; private set; }

    /// <summary>Number of reductions made in the current Fit.</summary>
    public int Reductions { get; private set; }

    /// <inheritdoc/>
    public override void OnTrainBegin()
    {
        _maximize = Mode == "max" || (Mode == "auto" && IsMaximized(Monitor));
        Best = _maximize ? float.NegativeInfinity : float.PositiveInfinity;
        Wait = 0;
        CooldownCounter = 0;
        Reductions = 0;
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, float> logs)
    {
        float current = Monitored(logs, Monitor, nameof(ReduceLROnPlateau));
        if (CooldownCounter > 0)
        {
            CooldownCounter--;
            Wait = 0;
        }

        // in double, as Keras compares with numpy against a Python float
        bool improved = _maximize ? current > (double)Best + MinDelta : current < (double)Best - MinDelta;
        if (improved)
        {
            Best = current;
            Wait = 0;
        }
        else if (CooldownCounter == 0)
        {
            Wait++;
            if (Wait >= Patience)
            {
                float lr = Optimizer.LearningRate;
                if (lr > MinLr)
                {
                    Optimizer.LearningRate = Math.Max(lr * Factor, MinLr);
                    Reductions++;
                    CooldownCounter = Cooldown;
                    Wait = 0;
                }
            }
        }
    }
}
