using RnnGen.Dynamic.Runtime;

namespace RnnGen.Dynamic;

/// <summary>
/// Keras <c>Dropout(rate)</c>: in training (<see cref="Sequential.Forward"/>, <see cref="Sequential.ForwardBatch"/>, and so
/// <c>Fit</c>) <c>y = x ⊙ m</c>, where each element of the sample's input (on a sequence, every feature of every timestep:
/// Keras's <c>noise_shape=None</c>) is 0 with probability <see cref="Rate"/> and <c>1 / (1 - rate)</c> otherwise; the
/// backward is <c>dx = dy ⊙ m</c>. <c>Predict</c>, <c>PredictBatch</c> and <c>Step</c> pass the input through.
/// </summary>
/// <remarks>
/// It has no weights: it is a row <c>dropout (Dropout)</c> with 0 parameters in <see cref="Sequential.Summary"/> but has
/// no entry in <see cref="Sequential.Layers"/>; its rate shows as <see cref="LayerInfo.OutputDropout"/> of the layer
/// before it, or <see cref="LayerInfo.InputDropout"/> of the first layer when it comes first. Two in a row are refused.
/// The masks are drawn by <see cref="CompilerServices.Dropout"/> (stream <c>LayerPart</c> of the layer before it, -1 when
/// first), from the sequence number <see cref="Sequential.SeedDropout"/> sets.
/// </remarks>
/// <example>
/// Keras <c>Sequential([LSTM(8, input_shape=(10, 3)), Dropout(0.5), Dense(1)])</c>:
/// <code>new Sequential(timesteps: 10, features: 3, seed: 42, new LstmLayer(8), new DropoutLayer(0.5f), new DenseLayer(1));</code>
/// </example>
public sealed class DropoutLayer : Layer
{
    /// <summary>Creates the configuration.</summary>
    /// <param name="rate">The fraction of the input dropped in training, in [0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rate"/> is outside [0, 1) or NaN.</exception>
    public DropoutLayer(float rate)
        : base(1, Activation.Linear, useBias: false)
    {
        Rate = RecurrentLayer.CheckRate(rate, nameof(rate));
    }

    /// <summary>Keras <c>rate</c>: the probability that an element is dropped in training.</summary>
    public float Rate { get; }

    /// <summary>Not meaningful for Dropout (it has no <see cref="LayerKind"/> of its own and is not listed in <see cref="Sequential.Layers"/>); reports <see cref="LayerKind.Dense"/>.</summary>
    public override LayerKind Kind => LayerKind.Dense;

    internal override string KerasClassName => "Dropout";

    internal override string KerasName => "dropout";

    internal override LayerRuntime Bind(int steps, int inputWidth, bool inputIsSequence) => new DropoutRuntime(Rate, steps, inputWidth, inputIsSequence);
}
