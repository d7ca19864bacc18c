using System.Numerics.Tensors;

namespace RnnGen.CompilerServices;

/// <summary>
/// The merge of a bidirectional layer (Keras <c>Bidirectional</c>'s <c>merge_mode</c>), forward and backward, for
/// generated code. Each direction's output is <c>steps</c> rows of <c>width</c> floats: one row per
/// timestep for a layer that returns sequences, else one row. The backward direction's rows are in processing order,
/// so row <c>t</c> of the output merges the forward row <c>t</c> with the backward row <c>steps - 1 - t</c>, as Keras
/// reverses the backward layer's sequence before merging. In the batched tier a row is its floats widened to lanes, so
/// the same functions serve it with <c>width = units * lanes</c>.
/// </summary>
public static class Merge
{
    /// <summary><c>y_t = [f_t, b_(T-1-t)]</c>: rows of <c>2 width</c>.</summary>
    public static void Concat(ReadOnlySpan<float> forward, ReadOnlySpan<float> backward, Span<float> output, int steps, int width)
    {
        for (int t = 0; t < steps; t++)
        {
            forward.Slice(t * width, width).CopyTo(output.Slice(2 * t * width, width));
            backward.Slice((steps - 1 - t) * width, width).CopyTo(output.Slice((2 * t + 1) * width, width));
        }
    }

    /// <summary><c>y_t = f_t + b_(T-1-t)</c>.</summary>
    public static void Sum(ReadOnlySpan<float> forward, ReadOnlySpan<float> backward, Span<float> output, int steps, int width)
    {
        for (int t = 0; t < steps; t++)
        {
            TensorPrimitives.Add(forward.Slice(t * width, width), backward.Slice((steps - 1 - t) * width, width), output.Slice(t * width, width));
        }
    }

    /// <summary><c>y_t = f_t * b_(T-1-t)</c>, element-wise.</summary>
    public static void Multiply(ReadOnlySpan<float> forward, ReadOnlySpan<float> backward, Span<float> output, int steps, int width)
    {
        for (int t = 0; t < steps; t++)
        {
            TensorPrimitives.Multiply(forward.Slice(t * width, width), backward.Slice((steps - 1 - t) * width, width), output.Slice(t * width, width));
        }
    }

    /// <summary><c>y_t = (f_t + b_(T-1-t)) / 2</c>.</summary>
    public static void Average(ReadOnlySpan<float> forward, ReadOnlySpan<float> backward, Span<float> output, int steps, int width)
    {
        for (int t = 0; t < steps; t++)
        {
            Span<float> y = output.Slice(t * width, width);
            TensorPrimitives.Add(forward.Slice(t * width, width), backward.Slice((steps - 1 - t) * width, width), y);
            TensorPrimitives.Multiply(y, 0.5f, y);
        }
    }

    /// <summary>Backward of <see cref="Concat"/>: <c>df_t</c> and <c>db_(T-1-t)</c> are the two halves of <c>dy_t</c>.</summary>
    public static void ConcatBackward(ReadOnlySpan<float> outputGradient, Span<float> forwardGradient, Span<float> backwardGradient, int steps, int width)
    {
        for (int t = 0; t < steps; t++)
        {
            outputGradient.Slice(2 * t * width, width).CopyTo(forwardGradient.Slice(t * width, width));
            outputGradient.Slice((2 * t + 1) * width, width).CopyTo(backwardGradient.Slice((steps - 1 - t) * width, width));
        }
    }

    /// <summary>Backward of <see cref="Sum"/>: <c>df_t = db_(T-1-t) = dy_t</c>.</summary>
    public static void SumBackward(ReadOnlySpan<float> outputGradient, Span<float> forwardGradient, Span<float> backwardGradient, int steps, int width)
    {
        for (int t = 0; t < steps; t++)
        {
            ReadOnlySpan<float> dy = outputGradient.Slice(t * width, width);
            dy.CopyTo(forwardGradient.Slice(t * width, width));
            dy.CopyTo(backwardGradient.Slice((steps - 1 - t) * width, width));
        }
    }

    /// <summary>Backward of <see cref="Multiply"/>: <c>df_t = dy_t * b_(T-1-t)</c>, <c>db_(T-1-t) = dy_t * f_t</c>.</summary>
    public static void MultiplyBackward(ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> forward, ReadOnlySpan<float> backward,
        Span<float> forwardGradient, Span<float> backwardGradient, int steps, int width)
    {
        for (int t = 0; t < steps; t++)
        {
            ReadOnlySpan<float> dy = outputGradient.Slice(t * width, width);
            int r = (steps - 1 - t) * width;
            TensorPrimitives.Multiply(dy, backward.Slice(r, width), forwardGradient.Slice(t * width, width));
            TensorPrimitives.Multiply(dy, forward.Slice(t * width, width), backwardGradient.Slice(r, width));
        }
    }

    /// <summary>Backward of <see cref="Average"/>: <c>df_t = db_(T-1-t) = dy_t / 2</c>.</summary>
    public static void AverageBackward(ReadOnlySpan<float> outputGradient, Span<float> forwardGradient, Span<float> backwardGradient, int steps, int width)
    {
        for (int t = 0; t < steps; t++)
        {
            ReadOnlySpan<float> dy = outputGradient.Slice(t * width, width);
            TensorPrimitives.Multiply(dy, 0.5f, forwardGradient.Slice(t * width, width));
            TensorPrimitives.Multiply(dy, 0.5f, backwardGradient.Slice((steps - 1 - t) * width, width));
        }
    }

    /// <summary><c>into += gradient</c>: the backward direction's input gradient added to the forward direction's.</summary>
    public static void Accumulate(ReadOnlySpan<float> gradient, Span<float> into) =>
        TensorPrimitives.Add(into.Slice(0, gradient.Length), gradient, into);
}
