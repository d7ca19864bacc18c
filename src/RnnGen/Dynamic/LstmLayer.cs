using RnnGen.Dynamic.Runtime;

namespace RnnGen.Dynamic;

/// <summary>
/// Keras <c>LSTM(units)</c>. With <c>a = x K + h R + b</c> split into gate blocks i, f, c, o:
/// <c>i = σ(a_i)</c>, <c>f = σ(a_f)</c>, <c>g = act(a_c)</c>, <c>o = σ(a_o)</c>, <c>c_t = f c_{t-1} + i g</c>, <c>h_t = o act(c_t)</c>,
/// where σ is <see cref="RecurrentActivation"/> (sigmoid by default).
/// Weights: kernel <c>[in, 4u]</c>, recurrent_kernel <c>[u, 4u]</c>, bias <c>[4u]</c> (forget block initialized to 1).
/// PyTorch: <c>nn.LSTM</c>, same gate order (i, f, g, o), <c>K = W_ih^T</c>, <c>R = W_hh^T</c>, <c>b = b_ih + b_hh</c>.
/// </summary>
public sealed class LstmLayer : RecurrentLayer
{
    /// <summary>Creates the configuration. Softmax is not allowed.</summary>
    /// <param name="units">Hidden units (at least 1).</param>
    /// <param name="activation">Cell and output activation. Keras default tanh.</param>
    /// <param name="returnSequences">Output the whole sequence of hidden states.</param>
    /// <param name="useBias">Whether the layer has a bias.</param>
    /// <param name="goBackwards">Process the input sequence backwards.</param>
    /// <param name="recurrentActivation">Keras <c>recurrent_activation</c>, the gates' activation (default sigmoid; TensorFlow.js uses hard sigmoid).</param>
    /// <param name="dropout">Keras <c>dropout</c>: the input dropout rate in training, in [0, 1) (default 0).</param>
    /// <param name="recurrentDropout">Keras <c>recurrent_dropout</c>: the recurrent-state dropout rate in training, in [0, 1) (default 0).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dropout"/> or <paramref name="recurrentDropout"/> is outside [0, 1) or NaN.</exception>
    public LstmLayer(int units, Activation activation = Activation.Tanh, bool returnSequences = false, bool useBias = true, bool goBackwards = false,
        Activation recurrentActivation = Activation.Sigmoid, float dropout = 0f, float recurrentDropout = 0f)
        : base(units, activation, returnSequences, useBias, goBackwards, dropout, recurrentDropout)
    {
        RecurrentActivation = CheckRecurrentActivation(recurrentActivation);
    }

    /// <summary>Keras <c>recurrent_activation</c>: the activation of the gates i, f and o.</summary>
    public Activation RecurrentActivation { get; }

    /// <inheritdoc/>
    public override LayerKind Kind => LayerKind.Lstm;

    internal override string KerasClassName => "LSTM";

    internal override string KerasName => "lstm";

    internal override RecurrentLayer Reversed() => new LstmLayer(Units, Activation, ReturnSequences, UseBias, !GoBackwards, RecurrentActivation, Dropout, RecurrentDropout);

    internal override LayerRuntime Bind(int steps, int inputWidth, bool inputIsSequence) => new LstmRuntime(this, steps, inputWidth);
}
