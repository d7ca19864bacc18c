using RnnGen.Dynamic.Runtime;

namespace RnnGen.Dynamic;

/// <summary>
/// Keras <c>GRU(units)</c>; gate blocks z, r, h; σ is <see cref="RecurrentActivation"/> (sigmoid by default).
/// <c>z = σ(x K_z + h R_z + b_z)</c>, <c>r = σ(x K_r + h R_r + b_r)</c>, <c>h_t = z h_{t-1} + (1 - z) hh</c>, where
/// with <see cref="ResetAfter"/> (Keras 2 default, PyTorch's <c>nn.GRU</c>) <c>hh = act(x K_h + bi_h + r (h R_h + br_h))</c>
/// and bias <c>[2, 3u]</c> (input row, recurrent row); otherwise <c>hh = act(x K_h + (r h) R_h + b_h)</c> and bias <c>[3u]</c>.
/// Weights: kernel <c>[in, 3u]</c>, recurrent_kernel <c>[u, 3u]</c>, bias.
/// </summary>
public sealed class GruLayer : RecurrentLayer
{
    /// <summary>Creates the configuration. Softmax is not allowed.</summary>
    /// <param name="units">Hidden units (at least 1).</param>
    /// <param name="activation">Candidate activation. Keras default tanh.</param>
    /// <param name="returnSequences">Output the whole sequence of states.</param>
    /// <param name="useBias">Whether the layer has biases.</param>
    /// <param name="goBackwards">Process the input sequence backwards.</param>
    /// <param name="resetAfter">Apply the reset gate after the recurrent matmul (default true).</param>
    /// <param name="recurrentActivation">Keras <c>recurrent_activation</c>, the gates' activation (default sigmoid; TensorFlow.js uses hard sigmoid).</param>
    /// <param name="dropout">Keras <c>dropout</c>: the input dropout rate in training, in [0, 1) (default 0).</param>
    /// <param name="recurrentDropout">Keras <c>recurrent_dropout</c>: the recurrent-state dropout rate in training, in [0, 1) (default 0).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dropout"/> or <paramref name="recurrentDropout"/> is outside [0, 1) or NaN.</exception>
    public GruLayer(int units, Activation activation = Activation.Tanh, bool returnSequences = false, bool useBias = true, bool goBackwards = false, bool resetAfter = true,
        Activation recurrentActivation = Activation.Sigmoid, float dropout = 0f, float recurrentDropout = 0f)
        : base(units, activation, returnSequences, useBias, goBackwards, dropout, recurrentDropout)
    {
        ResetAfter = resetAfter;
        RecurrentActivation = CheckRecurrentActivation(recurrentActivation);
    }

    /// <summary>Keras <c>recurrent_activation</c>: the activation of the update and reset gates z and r.</summary>
    public Activation RecurrentActivation { get; }

    /// <summary>Keras <c>reset_after</c>: <c>hh = act(x K_h + bi_h + r (h R_h + br_h))</c> with a <c>[2, 3u]</c> bias; false: <c>hh = act(x K_h + (r h) R_h + b_h)</c>.</summary>
    public bool ResetAfter { get; }

    /// <inheritdoc/>
    public override LayerKind Kind => LayerKind.Gru;

    internal override string KerasClassName => "GRU";

    internal override string KerasName => "gru";

    internal override RecurrentLayer Reversed() => new GruLayer(Units, Activation, ReturnSequences, UseBias, !GoBackwards, ResetAfter, RecurrentActivation, Dropout, RecurrentDropout);

    internal override LayerRuntime Bind(int steps, int inputWidth, bool inputIsSequence) => new GruRuntime(this, steps, inputWidth);
}
