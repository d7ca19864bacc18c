using RnnGen.Dynamic.Runtime;

namespace RnnGen.Dynamic;

/// <summary>
/// Keras <c>Embedding(input_dim, output_dim)</c>: token id <c>k</c> at timestep <c>t</c> becomes row <c>k</c> of the
/// <c>[inputDim, outputDim]</c> table, initialized uniform(-0.05, 0.05). First layer only: the model then takes
/// <c>Timesteps</c> token ids (stored as floats) and its <c>features</c> must equal <see cref="OutputDim"/>.
/// An id that is not an integer in <c>[0, inputDim)</c> throws <see cref="ArgumentOutOfRangeException"/>.
/// PyTorch: <c>nn.Embedding</c>, same table.
/// With <see cref="MaskZero"/> (Keras <c>mask_zero=True</c>) token 0 masks its timestep: see <see cref="MaskingLayer"/> for
/// how the mask flows (the lookup itself is unchanged, id 0 still reads row 0).
/// </summary>
public sealed class EmbeddingLayer : Layer
{
    /// <summary>Creates the configuration.</summary>
    /// <param name="inputDim">Vocabulary size (at least 1).</param>
    /// <param name="outputDim">Embedding width (at least 1).</param>
    /// <param name="maskZero">Keras <c>mask_zero</c>: token 0 is padding and masks its timestep.</param>
    public EmbeddingLayer(int inputDim, int outputDim, bool maskZero = false)
        : base(outputDim, Activation.Linear, useBias: false, nameof(outputDim))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputDim, 1);
        InputDim = inputDim;
        MaskZero = maskZero;
    }

    /// <summary>Keras <c>mask_zero</c>: whether token 0 masks its timestep.</summary>
    public bool MaskZero { get; }

    /// <summary>Vocabulary size: ids are in <c>[0, InputDim)</c>.</summary>
    public int InputDim { get; }

    /// <summary>Embedding width (same as <see cref="Layer.Units"/>).</summary>
    public int OutputDim => Units;

    /// <inheritdoc/>
    public override LayerKind Kind => LayerKind.Embedding;

    internal override string KerasClassName => "Embedding";

    internal override string KerasName => "embedding";

    internal override LayerRuntime Bind(int steps, int inputWidth, bool inputIsSequence) => new EmbeddingRuntime(this, steps);
}
