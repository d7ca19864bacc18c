namespace RnnGen;

/// <summary>
/// Sets the learning rate at the start of every epoch to <c>schedule(epoch, lr)</c>
/// (Keras <c>keras.callbacks.LearningRateScheduler</c>): <c>epoch</c> is 0-based and <c>lr</c> is the current rate.
/// </summary>
/// <example><c>new LearningRateScheduler((epoch, lr) =&gt; epoch &lt; 10 ? lr : lr * MathF.Exp(-0.1f))</c>, Keras's own example.</example>
public sealed class LearningRateScheduler : Callback
{
    private readonly Func<int, float, float> _schedule;

    /// <summary>Creates the callback.</summary>
    /// <param name="schedule">Maps (0-based epoch, current learning rate) to the epoch's learning rate.</param>
    public LearningRateScheduler(Func<int, float, float> schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        _schedule = schedule;
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The schedule returned a negative or non-finite rate.</exception>
    public override void OnEpochBegin(int epoch)
    {
        float lr = _schedule(epoch, Optimizer.LearningRate);
        if (!float.IsFinite(lr) || lr < 0f)
        {
            throw new InvalidOperationException($"The learning-rate schedule returned {lr} for epoch {epoch}; expected a finite value >= 0.");
        }

        Optimizer.LearningRate = lr;
    }
}
