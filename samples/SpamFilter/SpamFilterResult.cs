namespace RnnGen.Samples.SpamFilter;

/// <summary>What one run of <see cref="SpamFilterSample.Run"/> measured on the validation messages (the last 20%).</summary>
/// <param name="Model">Which model ran (<c>SimpleRnn(32)</c> or <c>Lstm(32)</c>).</param>
/// <param name="TrainingMessages">Messages trained on.</param>
/// <param name="ValidationMessages">Messages held out.</param>
/// <param name="Epochs">Epochs trained.</param>
/// <param name="SecondsPerEpoch">Mean wall-clock seconds per training epoch (validation pass included).</param>
/// <param name="ValidationAccuracy">Accuracy after the last epoch.</param>
/// <param name="ValidationPrecision">Spam precision after the last epoch.</param>
/// <param name="ValidationRecall">Spam recall after the last epoch.</param>
/// <param name="ValidationAuc">Area under the ROC curve of the validation predictions (Keras <c>AUC()</c>).</param>
/// <param name="BaselineAccuracy">Accuracy of always answering the majority class of the training messages (ham).</param>
/// <param name="Confusion">Validation confusion matrix: [actual, predicted], 0 = ham, 1 = spam.</param>
/// <param name="Live">Messages classified after training: text and spam probability.</param>
public sealed record SpamFilterResult(
    string Model,
    int TrainingMessages,
    int ValidationMessages,
    int Epochs,
    double SecondsPerEpoch,
    float ValidationAccuracy,
    float ValidationPrecision,
    float ValidationRecall,
    float ValidationAuc,
    float BaselineAccuracy,
    int[,] Confusion,
    IReadOnlyList<(string Text, float Spam)> Live);
