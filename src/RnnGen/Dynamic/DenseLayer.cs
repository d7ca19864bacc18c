using RnnGen.Dynamic.Runtime;

namespace RnnGen.Dynamic;

/// <summary>
/// Keras <c>Dense(units)</c>: <c>y = act(x W + b)</c>, kernel <c>[in, units]</c>, bias <c>[units]</c>.
/// After a layer that returns sequences it applies to every timestep (Keras on 3-D input). Softmax normalizes over the units.
/// PyTorch: <c>nn.Linear</c> with <c>W = weight^T</c>.
/// </summary>
public sealed class DenseLayer : Layer
{
    /// <summary>Creates the configuration.</summary>
    /// <param name="units">Output units (at least 1).</param>
    /// <param name="activation">Output activation. Keras default linear.</param>
    /// <param name="useBias">Whether the layer has a bias.</param>
    public DenseLayer(int units, Activation activation = Activation.Linear, bool useBias = true)
        : base(units, activation, useBias)
    {
    }

    /// <inheritdoc/>
    public override LayerKind Kind => LayerKind.Dense;

    internal override string KerasClassName => "Dense";

    internal override string KerasName => "dense";

    internal override LayerRuntime Bind(int steps, int inputWidth, bool inputIsSequence) => new DenseRuntime(this, steps, inputWidth, inputIsSequence);
}
