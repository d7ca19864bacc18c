namespace RnnGen;

/// <summary>
/// Stops training as soon as a batch loss is NaN or infinite (Keras <c>keras.callbacks.TerminateOnNaN</c>).
/// The reason is written to the progress output and recorded as <see cref="History.StopReason"/>. Unlike Keras, the
/// poisoned batch was never applied (Fit skips non-finite batches), so the model keeps the last finite weights.
/// </summary>
public sealed class TerminateOnNaN : Callback
{
    /// <inheritdoc/>
    public override void OnBatchEnd(int batch, float loss)
    {
        if (!float.IsFinite(loss))
        {
            RequestStop($"Batch {batch}: invalid loss {loss}, terminating training; the batch was not applied, the weights are those of the last finite step.");
        }
    }
}
