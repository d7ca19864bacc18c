using RnnGen.Dynamic.Runtime;

namespace RnnGen.Dynamic;

/// <summary>
/// Dropout (<see cref="IDropoutModel"/>): the training passes (<see cref="Forward"/>, <see cref="ForwardBatch"/>) of a
/// model with a <see cref="DropoutLayer"/> or a recurrent layer's <c>dropout</c>/<c>recurrentDropout</c> draw every
/// sample's masks from a sequence number under a seed (<see cref="CompilerServices.Dropout"/>); inference
/// (<see cref="Predict(ReadOnlySpan{float}, Span{float})"/>, <see cref="PredictBatch"/>, <see cref="Step"/>, Predict from a
/// state) never drops. Each layer keeps its sample's masks in its cache, where the backward pass finds them.
/// </summary>
public sealed partial class Sequential
{
    // The next training pass's sample i draws sequence _dropoutSequence + i under _dropoutSeed (per instance: a replica has its own).
    private ulong _dropoutSeed;
    private long _dropoutSequence;

    /// <inheritdoc/>
    /// <remarks>
    /// The default is seed 0, sequence 0. Every training pass moves the sequence on by its sample count (one for
    /// <see cref="Forward"/>, <c>n</c> for <see cref="ForwardBatch"/>), so repeated passes draw fresh masks;
    /// <see cref="Backward(ReadOnlySpan{float})"/> and <see cref="BackwardBatch"/> use the masks of the pass they follow.
    /// A model without dropout ignores it. <see cref="ModelExtensions.Fit"/> seeds every sample from
    /// <see cref="TrainingOptions.Seed"/> and its position in the training.
    /// </remarks>
    public void SeedDropout(ulong seed, long sequence)
    {
        _dropoutSeed = seed;
        _dropoutSequence = sequence;
    }

    /// <summary>
    /// Not two Dropout layers in a row (the generator refuses them too): their rates would both be the one
    /// <see cref="LayerInfo.OutputDropout"/> of the layer before, and one Dropout of rate <c>1 - (1 - a)(1 - b)</c> is the same layer.
    /// </summary>
    private static void CheckDropout(Layer[] layers, int i)
    {
        if (i > 0 && layers[i] is DropoutLayer && layers[i - 1] is DropoutLayer)
        {
            throw new ArgumentException(
                $"Layers {i - 1} and {i} are both Dropout layers: a Dropout layer must follow another kind of layer (or come first). Use one Dropout of rate 1 - (1 - a)(1 - b) instead.",
                nameof(layers));
        }
    }
}
