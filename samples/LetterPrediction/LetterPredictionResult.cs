namespace RnnGen.Samples.LetterPrediction;

/// <summary>What one run of <see cref="LetterPredictionSample.Run"/> measured.</summary>
/// <param name="Epochs">Epochs trained.</param>
/// <param name="Loss">Training loss (sparse categorical cross-entropy, nats) of the last epoch.</param>
/// <param name="Accuracy">Training accuracy of the last epoch.</param>
/// <param name="Predictions">The predicted next letter for 'a', 'b', 'c', 'd', 'e', in that order.</param>
/// <param name="WeightsPath">The saved safetensors file.</param>
/// <param name="LossPlotPath">The saved loss/accuracy chart.</param>
public sealed record LetterPredictionResult(
    int Epochs, float Loss, float Accuracy, string Predictions, string WeightsPath, string LossPlotPath);
