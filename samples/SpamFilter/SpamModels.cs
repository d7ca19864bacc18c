namespace RnnGen.Samples.SpamFilter;

/// <summary>
/// The Keras tutorial's text classifier: <c>Embedding(10000, 32, mask_zero=True)</c>, <c>SimpleRNN(32)</c>,
/// <c>Dense(1, activation="sigmoid")</c>, over <see cref="SpamFilterSample.SequenceLength"/> token ids. The padding
/// (token 0, in front of short messages) is masked: the recurrent layer skips it instead of learning it as a word.
/// </summary>
[RnnModel(timesteps: SpamFilterSample.SequenceLength, features: 32)]
[Embedding(SpamFilterSample.Vocabulary, 32, MaskZero = true)]
[SimpleRnn(32)]
[Dense(1, Activation = Activation.Sigmoid)]
public partial class SpamRnnModel;

/// <summary>The <c>--lstm</c> variant: <c>Embedding(10000, 32, mask_zero=True)</c>, <c>LSTM(32)</c>, <c>Dense(1, activation="sigmoid")</c>.</summary>
[RnnModel(timesteps: SpamFilterSample.SequenceLength, features: 32)]
[Embedding(SpamFilterSample.Vocabulary, 32, MaskZero = true)]
[Lstm(32)]
[Dense(1, Activation = Activation.Sigmoid)]
public partial class SpamLstmModel;

/// <summary>The <c>--bidirectional</c> variant: <c>Bidirectional(SimpleRNN(32))</c>, each message read both ways.</summary>
[RnnModel(timesteps: SpamFilterSample.SequenceLength, features: 32)]
[Embedding(SpamFilterSample.Vocabulary, 32, MaskZero = true)]
[SimpleRnn(32, Bidirectional = true)]
[Dense(1, Activation = Activation.Sigmoid)]
public partial class SpamBidirectionalRnnModel;

/// <summary><c>--lstm --bidirectional</c>: <c>Bidirectional(LSTM(32))</c>.</summary>
[RnnModel(timesteps: SpamFilterSample.SequenceLength, features: 32)]
[Embedding(SpamFilterSample.Vocabulary, 32, MaskZero = true)]
[Lstm(32, Bidirectional = true)]
[Dense(1, Activation = Activation.Sigmoid)]
public partial class SpamBidirectionalLstmModel;

// --dropout: the same four models with Keras's dropout on the recurrent layer (dropout=0.2, recurrent_dropout=0.2, the
// rates of Keras's IMDB LSTM example). The rates are compiled in, like every shape.

/// <summary><c>--dropout</c>: <c>SimpleRNN(32, dropout=0.2, recurrent_dropout=0.2)</c>.</summary>
[RnnModel(timesteps: SpamFilterSample.SequenceLength, features: 32)]
[Embedding(SpamFilterSample.Vocabulary, 32, MaskZero = true)]
[SimpleRnn(32, Dropout = SpamFilterSample.DropoutRate, RecurrentDropout = SpamFilterSample.DropoutRate)]
[Dense(1, Activation = Activation.Sigmoid)]
public partial class SpamRnnDropoutModel;

/// <summary><c>--lstm --dropout</c>: <c>LSTM(32, dropout=0.2, recurrent_dropout=0.2)</c>.</summary>
[RnnModel(timesteps: SpamFilterSample.SequenceLength, features: 32)]
[Embedding(SpamFilterSample.Vocabulary, 32, MaskZero = true)]
[Lstm(32, Dropout = SpamFilterSample.DropoutRate, RecurrentDropout = SpamFilterSample.DropoutRate)]
[Dense(1, Activation = Activation.Sigmoid)]
public partial class SpamLstmDropoutModel;

/// <summary><c>--bidirectional --dropout</c>: <c>Bidirectional(SimpleRNN(32, dropout=0.2, recurrent_dropout=0.2))</c>.</summary>
[RnnModel(timesteps: SpamFilterSample.SequenceLength, features: 32)]
[Embedding(SpamFilterSample.Vocabulary, 32, MaskZero = true)]
[SimpleRnn(32, Bidirectional = true, Dropout = SpamFilterSample.DropoutRate, RecurrentDropout = SpamFilterSample.DropoutRate)]
[Dense(1, Activation = Activation.Sigmoid)]
public partial class SpamBidirectionalRnnDropoutModel;

/// <summary><c>--lstm --bidirectional --dropout</c>: <c>Bidirectional(LSTM(32, dropout=0.2, recurrent_dropout=0.2))</c>.</summary>
[RnnModel(timesteps: SpamFilterSample.SequenceLength, features: 32)]
[Embedding(SpamFilterSample.Vocabulary, 32, MaskZero = true)]
[Lstm(32, Bidirectional = true, Dropout = SpamFilterSample.DropoutRate, RecurrentDropout = SpamFilterSample.DropoutRate)]
[Dense(1, Activation = Activation.Sigmoid)]
public partial class SpamBidirectionalLstmDropoutModel;
