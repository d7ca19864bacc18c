namespace RnnGen;

/// <summary>
/// A model with a fixed shape: what the generator emits and what the dynamic layers build.
/// The trainer, weight files and metrics work against this interface.
/// </summary>
public interface IRnnModel
{
    /// <summary>Timesteps per input sequence.</summary>
    int Timesteps { get; }
    /// <summary>Features per timestep (for an Embedding model: the embedding width).</summary>
    int Features { get; }
    /// <summary>Length of one input: <c>Timesteps * Features</c> (Embedding model: <c>Timesteps</c> token ids).</summary>
    int InputSize { get; }
    /// <summary>Length of one output.</summary>
    int OutputSize { get; }
    /// <summary>Length of the output of one <see cref="Step"/>: the last layer's units.</summary>
    int StepOutputSize { get; }
    /// <summary>Total number of weights.</summary>
    int ParameterCount { get; }

    /// <summary>Every weight, in Keras <c>get_weights()</c> order, flattened.</summary>
    Span<float> Parameters { get; }
    /// <summary>Gradient accumulator with the layout of <see cref="Parameters"/>; <see cref="Backward(ReadOnlySpan{float})"/> adds into it.</summary>
    Span<float> Gradients { get; }

    /// <summary>The layers, in order.</summary>
    IReadOnlyList<LayerInfo> Layers { get; }
    /// <summary>Keras-style summary table.</summary>
    string Summary { get; }

    /// <summary>Inference. Allocation-free and safe to call concurrently on one instance.</summary>
    void Predict(ReadOnlySpan<float> input, Span<float> output);
    /// <summary>Training forward pass: like <see cref="Predict"/>, and keeps what <see cref="Backward(ReadOnlySpan{float})"/> needs.</summary>
    void Forward(ReadOnlySpan<float> input, Span<float> output);
    /// <summary>Adds dLoss/dParameters for the last <see cref="Forward"/> into <see cref="Gradients"/>.</summary>
    void Backward(ReadOnlySpan<float> outputGradient);
    /// <summary>Like <see cref="Backward(ReadOnlySpan{float})"/>, and writes dLoss/dInput into <paramref name="inputGradient"/>.</summary>
    void Backward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient);

    /// <summary>Streaming: zero the recurrent state used by <see cref="Step"/>.</summary>
    void ResetState();
    /// <summary>Streaming: feed one timestep (<see cref="Features"/> values, or one token id) and get the last layer's output for it.</summary>
    void Step(ReadOnlySpan<float> x, Span<float> y);
}
