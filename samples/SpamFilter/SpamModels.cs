namespace RnnGen.Samples.SpamFilter;

/// <summary>
/// The Keras tutorial's text classifier: <c>Embedding(10000, 32)</c>, <c>SimpleRNN(32)</c>,
/// <c>Dense(1, activation="sigmoid")</c>, over <see cref="SpamFilterSample.SequenceLength"/> token ids.
/// </summary>
[RnnModel(timesteps: SpamFilterSample.SequenceLength, features: 32)]
[Embedding(SpamFilterSample.Vocabulary, 32)]
[SimpleRnn(32)]
[Dense(1, Activation = Activation.Sigmoid)]
public partial class SpamRnnModel;

/// <summary>The <c>--lstm</c> variant: <c>Embedding(10000, 32)</c>, <c>LSTM(32)</c>, <c>Dense(1, activation="sigmoid")</c>.</summary>
[RnnModel(timesteps: SpamFilterSample.SequenceLength, features: 32)]
[Embedding(SpamFilterSample.Vocabulary, 32)]
[Lstm(32)]
[Dense(1, Activation = Activation.Sigmoid)]
public partial class SpamLstmModel;
