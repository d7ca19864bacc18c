namespace RnnGen.Dynamic;

/// <summary>The options shared by <see cref="SimpleRnnLayer"/>, <see cref="LstmLayer"/> and <see cref="GruLayer"/>.</summary>
public abstract class RecurrentLayer : Layer
{
    private protected RecurrentLayer(int units, Activation activation, bool returnSequences, bool useBias, bool goBackwards)
        : base(units, activation, useBias)
    {
        if (activation == Activation.Softmax)
        {
            throw new ArgumentException("Softmax is only available on Dense layers.", nameof(activation));
        }

        ReturnSequences = returnSequences;
        GoBackwards = goBackwards;
    }

    /// <summary>Keras <c>return_sequences</c>: output every state <c>[T, units]</c> instead of the last one <c>[units]</c>.</summary>
    public bool ReturnSequences { get; }

    /// <summary>
    /// Keras <c>go_backwards</c>: read <c>x_{T-1}, ..., x_0</c>. With <see cref="ReturnSequences"/> the output sequence is in
    /// processing order (<c>output[s]</c> is the state after <c>s + 1</c> reversed inputs), as in Keras.
    /// </summary>
    public bool GoBackwards { get; }

    /// <summary>The same configuration reading the sequence the other way (<see cref="GoBackwards"/> flipped): the backward half of a <see cref="BidirectionalLayer"/>.</summary>
    internal abstract RecurrentLayer Reversed();

    /// <summary>A gate activation must act on each unit alone: every activation but softmax (Keras accepts softmax too).</summary>
    private protected static Activation CheckRecurrentActivation(Activation recurrentActivation) =>
        recurrentActivation is Activation.Softmax || !Enum.IsDefined(recurrentActivation)
            ? throw new ArgumentException($"The recurrent activation must act on each unit alone, but is {recurrentActivation}; use Sigmoid, HardSigmoid, Tanh, Relu or Linear.", nameof(recurrentActivation))
            : recurrentActivation;
}
