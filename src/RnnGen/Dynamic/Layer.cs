using RnnGen.Dynamic.Runtime;

namespace RnnGen.Dynamic;

/// <summary>
/// A layer of a <see cref="Sequential"/> model: an immutable configuration, like a Keras layer before it is built.
/// The same instance may be used in several models; each model binds it to its own shapes and weights.
/// </summary>
/// <remarks>
/// Concrete layers: <see cref="SimpleRnnLayer"/>, <see cref="LstmLayer"/>, <see cref="GruLayer"/>,
/// <see cref="DenseLayer"/>, <see cref="EmbeddingLayer"/>, and <see cref="BidirectionalLayer"/> around a recurrent one;
/// the weightless <see cref="MaskingLayer"/> and <see cref="DropoutLayer"/>.
/// </remarks>
public abstract class Layer
{
    private protected Layer(int units, Activation activation, bool useBias, string unitsParamName = "units")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(units, 1, unitsParamName);
        if (!Enum.IsDefined(activation))
        {
            throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
        }

        Units = units;
        Activation = activation;
        UseBias = useBias;
    }

    /// <summary>The layer kind.</summary>
    public abstract LayerKind Kind { get; }

    /// <summary>Output width per timestep: the number of units (Embedding: the output dimension).</summary>
    public int Units { get; }

    /// <summary>Output activation (recurrent layers: the candidate/cell activation; the gates use sigmoid).</summary>
    public Activation Activation { get; }

    /// <summary>Whether the layer has a bias vector (Keras <c>use_bias</c>).</summary>
    public bool UseBias { get; }

    /// <summary>Keras class name, as shown in the summary (<c>SimpleRNN</c>, <c>LSTM</c>, ...).</summary>
    internal abstract string KerasClassName { get; }

    /// <summary>Keras base layer name (<c>simple_rnn</c>, <c>lstm</c>, ...); the model appends <c>_1</c>, <c>_2</c>, ... to repeats.</summary>
    internal abstract string KerasName { get; }

    /// <summary>Binds this configuration to a shape: the input is <paramref name="steps"/> rows of <paramref name="inputWidth"/> values.</summary>
    internal abstract LayerRuntime Bind(int steps, int inputWidth, bool inputIsSequence);
}
