namespace RnnGen.Samples.LetterPrediction;

/// <summary>
/// One letter of "abcde" in (one-hot, one timestep), a softmax over the five letters out:
/// the classic Keras example <c>SimpleRNN(3, input_shape=(1, 5))</c> then <c>Dense(5, activation="softmax")</c>.
/// The generator writes the forward pass, the backward pass and the parameter layout at build time.
/// </summary>
[RnnModel(timesteps: 1, features: 5)]
[SimpleRnn(3)]
[Dense(5, Activation = Activation.Softmax)]
public partial class LetterModel;
