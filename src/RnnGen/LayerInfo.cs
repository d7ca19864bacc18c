namespace RnnGen;

/// <summary>The kind of a layer.</summary>
public enum LayerKind
{
    /// <summary>Keras <c>SimpleRNN</c>.</summary>
    SimpleRnn,
    /// <summary>Keras <c>LSTM</c>.</summary>
    Lstm,
    /// <summary>Keras <c>GRU</c>.</summary>
    Gru,
    /// <summary>Keras <c>Dense</c>.</summary>
    Dense,
    /// <summary>Keras <c>Embedding</c>.</summary>
    Embedding,
}

/// <summary>One weight tensor inside <see cref="IRnnModel.Parameters"/>.</summary>
/// <param name="Name">Keras-style name, for example <c>simple_rnn/kernel</c>.</param>
/// <param name="Shape">Keras shape, row-major.</param>
/// <param name="Offset">Offset of the first element in <see cref="IRnnModel.Parameters"/>.</param>
/// <param name="Length">Number of elements (product of <paramref name="Shape"/>).</param>
public sealed record TensorInfo(string Name, IReadOnlyList<int> Shape, int Offset, int Length);

/// <summary>Describes one layer of a model: what it is, its shapes and where its weights live.</summary>
/// <param name="Name">Keras-style layer name (<c>simple_rnn</c>, <c>dense_1</c>, ...).</param>
/// <param name="Kind">The layer kind.</param>
/// <param name="Units">Units (for Embedding: output dimension).</param>
/// <param name="Activation">Output activation.</param>
/// <param name="ReturnSequences">Whether the layer outputs a sequence (Dense after a sequence: true).</param>
/// <param name="GoBackwards">Whether a recurrent layer runs backwards.</param>
/// <param name="UseBias">Whether the layer has a bias.</param>
/// <param name="InputShape">Input shape, batch excluded.</param>
/// <param name="OutputShape">Output shape, batch excluded.</param>
/// <param name="ParameterOffset">Offset of the layer's first weight in <see cref="IRnnModel.Parameters"/>.</param>
/// <param name="ParameterCount">Number of weights in the layer.</param>
/// <param name="Tensors">The layer's weights, in Keras <c>get_weights()</c> order.</param>
public sealed record LayerInfo(
    string Name,
    LayerKind Kind,
    int Units,
    Activation Activation,
    bool ReturnSequences,
    bool GoBackwards,
    bool UseBias,
    IReadOnlyList<int> InputShape,
    IReadOnlyList<int> OutputShape,
    int ParameterOffset,
    int ParameterCount,
    IReadOnlyList<TensorInfo> Tensors)
{
    /// <summary>
    /// For a <see cref="LayerKind.Gru"/>: whether the reset gate is applied after the recurrent matrix product
    /// (Keras <c>reset_after=True</c>, the Keras 2 / PyTorch variant, bias <c>[2, 3u]</c>). <see langword="true"/> for
    /// every other kind.
    /// </summary>
    public bool ResetAfter { get; init; } = true;

    /// <summary>
    /// For an <see cref="LayerKind.Lstm"/> or <see cref="LayerKind.Gru"/>: the activation of the gates (Keras
    /// <c>recurrent_activation</c>: i, f, o; z, r). <see cref="Activation.Sigmoid"/> for every other kind.
    /// </summary>
    public Activation RecurrentActivation { get; init; } = Activation.Sigmoid;

    /// <summary>
    /// For a recurrent layer: whether it is Keras <c>Bidirectional</c>. <see cref="Units"/> is then each direction's,
    /// <see cref="Tensors"/> holds the forward layer's weights, then the backward layer's
    /// (<c>bidirectional/forward_lstm/kernel</c>, ..., <c>bidirectional/backward_lstm/bias</c>), and
    /// <see cref="OutputShape"/> is the merged output's.
    /// </summary>
    public bool Bidirectional { get; init; }

    /// <summary>For a <see cref="Bidirectional"/> layer: how the directions are merged. <see cref="MergeMode.Concat"/> otherwise.</summary>
    public MergeMode Merge { get; init; } = MergeMode.Concat;

    /// <summary>For a recurrent layer: Keras <c>dropout</c>, the rate of its input dropout in training; 0 otherwise.</summary>
    public float Dropout { get; init; }

    /// <summary>For a recurrent layer: Keras <c>recurrent_dropout</c>, the rate of its recurrent dropout in training; 0 otherwise.</summary>
    public float RecurrentDropout { get; init; }

    /// <summary>
    /// The rate of a Keras <c>Dropout</c> layer right after this one (which has no weights and no <see cref="LayerKind"/>,
    /// so it is not one of the layers); 0 when there is none. A <c>Dropout</c> in front of the first layer is
    /// <see cref="InputDropout"/> of the first layer.
    /// </summary>
    public float OutputDropout { get; init; }

    /// <summary>On the first layer: the rate of a Keras <c>Dropout</c> layer in front of it; 0 otherwise.</summary>
    public float InputDropout { get; init; }

    /// <summary>For an <see cref="LayerKind.Embedding"/>: Keras <c>mask_zero</c>, token 0 masks its timestep.</summary>
    public bool MaskZero { get; init; }

    /// <summary>
    /// On the first layer of a model with a Keras <c>Masking(mask_value)</c> layer in front of it (which has no weights and
    /// no <see cref="LayerKind"/>, so it is not one of the layers): its mask value; null otherwise.
    /// </summary>
    public float? MaskValue { get; init; }
}
