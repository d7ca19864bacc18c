namespace RnnGen;

/// <summary>
/// A model whose training passes (<see cref="IRnnModel.Forward"/>, <see cref="IBatchModel.ForwardBatch"/>) apply
/// dropout: a generated model with a <c>Dropout</c> or <c>RecurrentDropout</c> option or a <c>[Dropout]</c> layer, and
/// <see cref="Dynamic.Sequential"/>. Inference (<c>Predict</c>, <c>PredictBatch</c>, <c>Step</c>) never drops anything.
/// </summary>
/// <remarks>
/// Every sample of a training pass draws its masks from a sequence number (see
/// <see cref="CompilerServices.Dropout"/>): sample <c>i</c> of a pass uses <c>sequence + i</c>, and the pass then moves
/// the sequence number on by its sample count, so consecutive passes draw fresh masks. The backward pass uses the masks
/// of the forward pass it follows. <see cref="ModelExtensions.Fit"/> seeds every batch from
/// <see cref="TrainingOptions.Seed"/>, the epoch and the sample's position in it, so a sample's masks do not depend on
/// the parallelism degree.
/// </remarks>
public interface IDropoutModel
{
    /// <summary>Seeds the masks of the next training pass: its sample <c>i</c> is sequence <c>sequence + i</c> under <paramref name="seed"/>.</summary>
    void SeedDropout(ulong seed, long sequence);
}
