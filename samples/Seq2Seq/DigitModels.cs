namespace RnnGen.Samples.Seq2Seq;

/// <summary>
/// The encoder: <see cref="Tokens.SourceLength"/> token ids (the digits, left-padded with <see cref="Tokens.Pad"/>)
/// through PyTorch's <c>Embedding(13, 16)</c> → <c>LSTM(16, 64)</c>. What the decoder needs is the LSTM's final
/// <c>(h, c)</c>, which <c>Predict(input, output, initialState, finalState)</c> writes into <c>finalState</c>
/// (<see cref="StateSize"/> = 128: h, then c).
/// </summary>
/// <remarks>
/// The model ends at the LSTM, with no Dense after it: that is a valid model (Keras's
/// <c>Sequential([Embedding, LSTM])</c>), its output is the last <c>h</c> (64 floats, the first half of the final
/// state), and it has exactly the PyTorch encoder's tensors. A Dense head would add weights the encoder's
/// state_dict does not have, and <c>ImportWeights</c> refuses a file that leaves a parameter unfilled.
/// </remarks>
[RnnModel(timesteps: Tokens.SourceLength, features: Tokens.EmbeddingWidth)]
[Embedding(Tokens.Vocabulary, Tokens.EmbeddingWidth)]
[Lstm(Tokens.Units)]
public partial class DigitEncoder;

/// <summary>
/// The decoder, declared for one timestep and driven by the streaming <c>Step</c>: it starts from the encoder's
/// state (<c>WriteState</c>), reads one token and gives the softmax over the next one. PyTorch's
/// <c>Embedding(13, 16)</c> → <c>LSTM(16, 64)</c> → <c>Linear(64, 13)</c>; the softmax is the
/// <c>CrossEntropyLoss</c> PyTorch trained with, applied here rather than in the loss.
/// </summary>
[RnnModel(timesteps: 1, features: Tokens.EmbeddingWidth)]
[Embedding(Tokens.Vocabulary, Tokens.EmbeddingWidth)]
[Lstm(Tokens.Units)]
[Dense(Tokens.Vocabulary, Activation = Activation.Softmax)]
public partial class DigitDecoder;

/// <summary>
/// The same decoder over a whole target sequence at once, for teacher forcing: <c>&lt;s&gt;</c> and the reversed digits
/// in (padded to <see cref="Tokens.DecodeSteps"/>), a softmax per timestep out (Dense on every timestep of the
/// LSTM's sequence), from the encoder's state with <c>Predict(input, output, initialState, finalState)</c>. It has
/// the same tensors as <see cref="DigitDecoder"/>, so <c>decoder.pt</c> loads into both.
/// </summary>
[RnnModel(timesteps: Tokens.DecodeSteps, features: Tokens.EmbeddingWidth)]
[Embedding(Tokens.Vocabulary, Tokens.EmbeddingWidth)]
[Lstm(Tokens.Units, ReturnSequences = true)]
[Dense(Tokens.Vocabulary, Activation = Activation.Softmax)]
public partial class DigitDecoderSequence;
