using RnnGen.Dynamic.Runtime;

namespace RnnGen.Dynamic;

/// <summary>
/// Masking: a first <see cref="MaskingLayer"/> or <see cref="EmbeddingLayer"/> with <c>maskZero</c> computes one mask value
/// per timestep (1 kept, 0 masked) from the model input, and every layer receives it (recurrent layers follow it, the
/// Masking layer zeroes the masked rows, Dense and Embedding ignore it). Per sample the mask sits at the end of the
/// workspace, where Backward finds the one Forward computed; batched, after the inputs in the batch buffer.
/// </summary>
public sealed partial class Sequential
{
    /// <summary>Keras's rules for Masking: first layer only, and not together with an Embedding (which masks with <c>maskZero</c>).</summary>
    private static void CheckMasking(Layer[] layers, int i)
    {
        if (layers[i] is not MaskingLayer) return;
        if (i != 0)
        {
            throw new ArgumentException(
                $"Layer {i} is a Masking layer: Masking must be the first layer (it masks the model input).", nameof(layers));
        }

        for (int k = 1; k < layers.Length; k++)
        {
            if (layers[k] is EmbeddingLayer)
            {
                throw new ArgumentException(
                    $"Layer 0 is a Masking layer and layer {k} an Embedding: Masking is for float input; to mask token ids use EmbeddingLayer(inputDim, outputDim, maskZero: true) as the first layer instead.",
                    nameof(layers));
            }
        }
    }

    /// <summary>The mask Forward (or Predict) computed in <paramref name="ws"/>; empty for a model without masking.</summary>
    private Span<float> Mask(Span<float> ws) => _maskSource is null ? default : ws.Slice(_maskOffset, Timesteps);

    /// <summary>Computes the mask of one input into <paramref name="ws"/>.</summary>
    private ReadOnlySpan<float> ComputeMask(ReadOnlySpan<float> input, Span<float> ws)
    {
        Span<float> mask = Mask(ws);
        _maskSource?.ComputeMask(input, Timesteps, mask);
        return mask;
    }

    /// <summary>The mask of a batch of <paramref name="n"/> samples in the batch buffer <paramref name="ws"/>; empty for a model without masking.</summary>
    private Span<float> BatchMask(int n, Span<float> ws, bool training) =>
        _maskSource is null ? default : ws.Slice(training ? n * InputSize : 0, n * Timesteps);

    /// <summary>Whether the model's mask masks one <see cref="Step"/> input.</summary>
    private bool IsMaskedStep(ReadOnlySpan<float> x)
    {
        if (_maskSource is null) return false;
        Span<float> mask = stackalloc float[1];
        _maskSource.ComputeMask(x, 1, mask);
        return mask[0] == 0f;
    }
}
