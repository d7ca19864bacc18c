namespace RnnGen.Samples.CharRnn;

/// <summary>
/// Sixteen characters in (as ids into <see cref="CharVocabulary.Alphabet"/>), a softmax over the next character out:
/// Keras's <c>Embedding(36, 24)</c>, <c>GRU(64)</c>, <c>Dense(36, activation="softmax")</c>.
/// </summary>
[RnnModel(timesteps: CharRnnSample.Context, features: 24)]
[Embedding(CharVocabulary.Size, 24)]
[Gru(64)]
[Dense(CharVocabulary.Size, Activation = Activation.Softmax)]
public partial class CharModel;
