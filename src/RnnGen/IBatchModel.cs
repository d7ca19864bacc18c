namespace RnnGen;

/// <summary>
/// A model that runs a whole minibatch through one call: what the generator emits (fixed-shape batched code) and what
/// <see cref="Dynamic.Sequential"/> builds (batched kernels). <see cref="ModelExtensions.Fit"/>,
/// <see cref="ModelExtensions.Evaluate"/> and <c>PredictBatch</c> use it when a model has it, and the per-sample members
/// of <see cref="IRnnModel"/> otherwise.
/// </summary>
/// <remarks>
/// Samples are laid out one after another: sample <c>i</c>'s input at <c>inputs[i * InputSize ..]</c>, its output at
/// <c>outputs[i * OutputSize ..]</c>. The batch size <c>n</c> is <c>inputs.Length / InputSize</c>. The training cache
/// grows on the first call with a larger <c>n</c> than any before (the only allocation); every later call of that size or
/// smaller allocates nothing.
/// </remarks>
public interface IBatchModel : IRnnModel
{
    /// <summary>Inference on <c>n</c> samples. Allocation-free after a thread's first call; safe to call concurrently on one instance.</summary>
    /// <param name="inputs"><c>n × InputSize</c> values.</param>
    /// <param name="outputs">Receives <c>n × OutputSize</c> values.</param>
    void PredictBatch(ReadOnlySpan<float> inputs, Span<float> outputs);

    /// <summary>Training forward pass on <c>n</c> samples: like <see cref="PredictBatch"/>, and keeps what <see cref="BackwardBatch"/> needs. Not thread-safe.</summary>
    /// <param name="inputs"><c>n × InputSize</c> values.</param>
    /// <param name="outputs">Receives <c>n × OutputSize</c> values.</param>
    void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs);

    /// <summary>
    /// Adds <c>Σ_i dLoss_i/dParameters</c> over the samples of the last <see cref="ForwardBatch"/> into
    /// <see cref="IRnnModel.Gradients"/>.
    /// </summary>
    /// <param name="outputGradients"><c>n × OutputSize</c> values: dLoss/dOutput of each sample, <c>n</c> that of the last ForwardBatch.</param>
    void BackwardBatch(ReadOnlySpan<float> outputGradients);

    /// <summary>
    /// A model of the same shape that shares this one's <see cref="IRnnModel.Parameters"/> (the same memory, so an
    /// optimizer step on this model is seen by the replica) and has its own <see cref="IRnnModel.Gradients"/>, caches and
    /// streaming state: one per worker of a parallel <see cref="ModelExtensions.Fit"/>.
    /// </summary>
    IBatchModel CreateReplica();
}
