using RnnGen.Dynamic.Runtime;

namespace RnnGen.Dynamic;

/// <summary>
/// Keras <c>Masking(mask_value)</c>: a timestep whose features all equal <see cref="MaskValue"/> is masked, and the layer
/// outputs <c>x_t · m_t</c> (zeros at masked steps, which therefore get zero input gradient). The mask then flows through
/// the recurrent layers that return sequences and through Dense, as in Keras: a recurrent layer keeps its state over a
/// masked step and repeats its last output (zero before the first kept step; zero at every masked step inside a
/// <see cref="BidirectionalLayer"/> returning sequences, Keras's <c>zero_output_for_mask</c>). Masked steps add nothing
/// to the gradients.
/// </summary>
/// <remarks>
/// First layer only, for float input (for token ids use <see cref="EmbeddingLayer"/> with <c>maskZero</c>; the two cannot be
/// combined). It has no weights: it is a row <c>masking (Masking)</c> with 0 parameters in <see cref="Sequential.Summary"/>
/// but has no entry in <see cref="Sequential.Layers"/>, whose <see cref="LayerInfo"/> describes the layers with a
/// <see cref="LayerKind"/>.
/// </remarks>
/// <example>
/// Keras <c>Sequential([Masking(0.0, input_shape=(10, 3)), LSTM(8), Dense(1)])</c>:
/// <code>new Sequential(timesteps: 10, features: 3, seed: 42, new MaskingLayer(), new LstmLayer(8), new DenseLayer(1));</code>
/// </example>
public sealed class MaskingLayer : Layer
{
    /// <summary>Creates the configuration.</summary>
    /// <param name="maskValue">The value every feature of a masked timestep equals (Keras default 0.0).</param>
    public MaskingLayer(float maskValue = 0f)
        : base(1, Activation.Linear, useBias: false)
    {
        MaskValue = maskValue;
    }

    /// <summary>Keras <c>mask_value</c>.</summary>
    public float MaskValue { get; }

    /// <summary>Not meaningful for Masking (it has no <see cref="LayerKind"/> of its own and is not listed in <see cref="Sequential.Layers"/>); reports <see cref="LayerKind.Dense"/>.</summary>
    public override LayerKind Kind => LayerKind.Dense;

    internal override string KerasClassName => "Masking";

    internal override string KerasName => "masking";

    internal override LayerRuntime Bind(int steps, int inputWidth, bool inputIsSequence) => new MaskingRuntime(MaskValue, steps, inputWidth);
}
