namespace RnnGen;

/// <summary>
/// Hooks into <see cref="ModelExtensions.Fit"/> (Keras <c>keras.callbacks.Callback</c>). A callback stops training by
/// calling <see cref="RequestStop"/> (Keras <c>model.stop_training = True</c>).
/// </summary>
public abstract class Callback
{
    private IRnnModel? _model;
    private Optimizer? _optimizer;

    /// <summary>The model being trained (available from <see cref="OnTrainBegin"/> on).</summary>
    protected IRnnModel Model => _model ?? throw new InvalidOperationException("The callback is not attached to a Fit call.");

    /// <summary>The optimizer of the Fit call (available from <see cref="OnTrainBegin"/> on); its learning rate may be changed.</summary>
    protected Optimizer Optimizer => _optimizer ?? throw new InvalidOperationException("The callback is not attached to a Fit call with an optimizer.");

    /// <summary>Whether this callback asked training to stop.</summary>
    public bool StopTraining { get; private set; }

    /// <summary>Why this callback asked training to stop.</summary>
    public string? StopReason { get; private set; }

    /// <summary>Called once before the first epoch.</summary>
    public virtual void OnTrainBegin()
    {
    }

    /// <summary>Called at the start of each epoch, before its first batch (Keras <c>on_epoch_begin</c>).</summary>
    /// <param name="epoch">0-based epoch index.</param>
    public virtual void OnEpochBegin(int epoch)
    {
    }

    /// <summary>Called after each batch's optimizer step, with the batch's mean loss. Must not allocate on the normal path.</summary>
    /// <param name="batch">0-based batch index within the epoch.</param>
    /// <param name="loss">Mean loss of the batch's samples.</param>
    public virtual void OnBatchEnd(int batch, float loss)
    {
    }

    /// <summary>Called after each epoch with its logs (<c>loss</c>, metrics, <c>val_</c> keys).</summary>
    /// <param name="epoch">0-based epoch index.</param>
    /// <param name="logs">The epoch's values.</param>
    public virtual void OnEpochEnd(int epoch, IReadOnlyDictionary<string, float> logs)
    {
    }

    /// <summary>Called once after training, also when it stopped early.</summary>
    public virtual void OnTrainEnd()
    {
    }

    /// <summary>Asks Fit to stop after the current batch.</summary>
    /// <param name="reason">Recorded as <see cref="History.StopReason"/> and written to the progress output.</param>
    protected void RequestStop(string reason)
    {
        StopTraining = true;
        StopReason = reason;
    }

    internal void Attach(IRnnModel model, Optimizer? optimizer = null)
    {
        _model = model;
        _optimizer = optimizer;
        StopTraining = false;
        StopReason = null;
    }

    /// <summary>Keras's <c>mode="auto"</c>: a monitor containing "acc" is maximized, anything else minimized.</summary>
    internal static bool IsMaximized(string monitor) => monitor.Contains("acc", StringComparison.Ordinal);

    internal static float Monitored(IReadOnlyDictionary<string, float> logs, string monitor, string callback)
    {
        if (!logs.TryGetValue(monitor, out float value))
        {
            throw new InvalidOperationException(
                $"{callback} monitors '{monitor}', which is not in the logs ({string.Join(", ", logs.Keys)}). " +
                "val_ keys need ValidationSplit or ValidationData.");
        }

        return value;
    }
}
