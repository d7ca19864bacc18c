using RnnGen.Dynamic.Runtime;

namespace RnnGen.Dynamic;

/// <summary>
/// Keras <c>SimpleRNN(units)</c>: <c>h_t = act(x_t K + h_{t-1} R + b)</c>, <c>h_{-1} = 0</c>.
/// Weights: kernel <c>[in, units]</c>, recurrent_kernel <c>[units, units]</c>, bias <c>[units]</c>.
/// PyTorch: <c>nn.RNN</c> with <c>K = W_ih^T</c>, <c>R = W_hh^T</c>, <c>b = b_ih + b_hh</c>.
/// </summary>
public sealed class SimpleRnnLayer : RecurrentLayer
{
    /// <summary>Creates the configuration. Softmax is not allowed.</summary>
    /// <param name="units">Hidden units (at least 1).</param>
    /// <param name="activation">Output activation. Keras default tanh.</param>
    /// <param name="returnSequences">Output the whole sequence of states.</param>
    /// <param name="useBias">Whether the layer has a bias.</param>
    /// <param name="goBackwards">Process the input sequence backwards.</param>
    /// <param name="dropout">Keras <c>dropout</c>: the input dropout rate in training, in [0, 1) (default 0).</param>
    /// <param name="recurrentDropout">Keras <c>recurrent_dropout</c>: the recurrent-state dropout rate in training, in [0, 1) (default 0).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dropout"/> or <paramref name="recurrentDropout"/> is outside [0, 1) or NaN.</exception>
    public SimpleRnnLayer(int units, Activation activation = Activation.Tanh, bool returnSequences = false, bool useBias = true, bool goBackwards = false,
        float dropout = 0f, float recurrentDropout = 0f)
        : base(units, activation, returnSequences, useBias, goBackwards, dropout, recurrentDropout)
    {
    }

    /// <inheritdoc/>
    public override LayerKind Kind => LayerKind.SimpleRnn;

    internal override string KerasClassName => "SimpleRNN";

    internal override string KerasName => "simple_rnn";

    internal override RecurrentLayer Reversed() => new SimpleRnnLayer(Units, Activation, ReturnSequences, UseBias, !GoBackwards, Dropout, RecurrentDropout);

    internal override LayerRuntime Bind(int steps, int inputWidth, bool inputIsSequence) => new SimpleRnnRuntime(this, steps, inputWidth);
}
