namespace RnnGen.Samples.TinyPredictor;

/// <summary>
/// The model of samples/LetterPrediction (<c>SimpleRNN(3)</c> then <c>Dense(5, softmax)</c> on one-hot "abcde"), with
/// the weights that sample trained frozen in at build time: <c>new LetterModel()</c> predicts straight away.
/// </summary>
[RnnModel(timesteps: 1, features: 5, Weights = "letter.safetensors")]
[SimpleRnn(3)]
[Dense(5, Activation = Activation.Softmax)]
public partial class LetterModel;
