using System.Globalization;

namespace RnnGen.Dynamic;

/// <summary>The options shared by <see cref="SimpleRnnLayer"/>, <see cref="LstmLayer"/> and <see cref="GruLayer"/>.</summary>
public abstract class RecurrentLayer : Layer
{
    private protected RecurrentLayer(int units, Activation activation, bool returnSequences, bool useBias, bool goBackwards,
        float dropout, float recurrentDropout)
        : base(units, activation, useBias)
    {
        if (activation == Activation.Softmax)
        {
            throw new ArgumentException("Softmax is only available on Dense layers.", nameof(activation));
        }

        ReturnSequences = returnSequences;
        GoBackwards = goBackwards;
        Dropout = CheckRate(dropout, nameof(dropout));
        RecurrentDropout = CheckRate(recurrentDropout, nameof(recurrentDropout));
    }

    /// <summary>Keras <c>return_sequences</c>: output every state <c>[T, units]</c> instead of the last one <c>[units]</c>.</summary>
    public bool ReturnSequences { get; }

    /// <summary>
    /// Keras <c>go_backwards</c>: read <c>x_{T-1}, ..., x_0</c>. With <see cref="ReturnSequences"/> the output sequence is in
    /// processing order (<c>output[s]</c> is the state after <c>s + 1</c> reversed inputs), as in Keras.
    /// </summary>
    public bool GoBackwards { get; }

    /// <summary>
    /// Keras <c>dropout</c>: in training (<see cref="Sequential.Forward"/>, <see cref="Sequential.ForwardBatch"/>, and so
    /// <c>Fit</c>) each input feature is dropped with this probability and the rest scaled by <c>1 / (1 - rate)</c>, with
    /// one mask per sequence shared by every timestep (with <see cref="RecurrentDropout"/> too, one mask per gate, as
    /// Keras 3). Inference never drops. In [0, 1); 0 is off.
    /// </summary>
    public float Dropout { get; }

    /// <summary>
    /// Keras <c>recurrent_dropout</c>: in training, the previous state is dropped with this probability (one mask per gate
    /// and sequence, scaled by <c>1 / (1 - rate)</c>) before each gate's recurrent product. In [0, 1); 0 is off.
    /// </summary>
    public float RecurrentDropout { get; }

    /// <summary>The same configuration reading the sequence the other way (<see cref="GoBackwards"/> flipped): the backward half of a <see cref="BidirectionalLayer"/>.</summary>
    internal abstract RecurrentLayer Reversed();

    /// <summary>A dropout rate must be in [0, 1) (NaN is not).</summary>
    internal static float CheckRate(float rate, string paramName) =>
        rate >= 0f && rate < 1f
            ? rate
            : throw new ArgumentOutOfRangeException(paramName, rate,
                $"A dropout rate must be in [0, 1), but {paramName} is {rate.ToString(CultureInfo.InvariantCulture)}.");

    /// <summary>A gate activation must act on each unit alone: every activation but softmax (Keras accepts softmax too).</summary>
    private protected static Activation CheckRecurrentActivation(Activation recurrentActivation) =>
        recurrentActivation is Activation.Softmax || !Enum.IsDefined(recurrentActivation)
            ? throw new ArgumentException($"The recurrent activation must act on each unit alone, but is {recurrentActivation}; use Sigmoid, HardSigmoid, Tanh, Relu or Linear.", nameof(recurrentActivation))
            : recurrentActivation;
}
