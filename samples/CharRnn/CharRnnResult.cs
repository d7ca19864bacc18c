namespace RnnGen.Samples.CharRnn;

/// <summary>What one run of <see cref="CharRnnSample.Run"/> measured; losses are per character, in nats.</summary>
/// <param name="Epochs">Epochs trained (the last one may have been cut by the time budget).</param>
/// <param name="TrainingSeconds">Wall-clock training time.</param>
/// <param name="UnigramEntropy">Entropy of the training text's character frequencies: the loss of a model that ignores context.</param>
/// <param name="InitialValidationLoss">Validation loss of the untrained model (about ln 36 = 3.58).</param>
/// <param name="TrainingLoss">Training loss of the last epoch.</param>
/// <param name="ValidationLoss">Loss on the held-out last 10% of the text after training.</param>
/// <param name="Samples">Generated text per temperature.</param>
public sealed record CharRnnResult(
    int Epochs,
    double TrainingSeconds,
    double UnigramEntropy,
    float InitialValidationLoss,
    float TrainingLoss,
    float ValidationLoss,
    IReadOnlyList<(float Temperature, string Text)> Samples);
