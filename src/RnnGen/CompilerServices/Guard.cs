using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace RnnGen.CompilerServices;

/// <summary>Argument checks shared by generated models and the runtime. Public so generated code can call it.</summary>
public static class Guard
{
    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="actual"/> equals <paramref name="expected"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Length(int actual, int expected, string paramName)
    {
        if (actual != expected)
        {
            ThrowLength(actual, expected, paramName);
        }
    }

    [DoesNotReturn]
    private static void ThrowLength(int actual, int expected, string paramName) =>
        throw new ArgumentException($"Expected a span of length {expected} for '{paramName}', but got length {actual}.", paramName);

    /// <summary>
    /// The number of samples in a batch span of <paramref name="length"/> floats, <paramref name="sampleSize"/> per sample;
    /// throws <see cref="ArgumentException"/> when the length is zero or not a whole number of samples.
    /// </summary>
    public static int BatchCount(int length, int sampleSize, string paramName)
    {
        if (length == 0 || length % sampleSize != 0)
        {
            throw new ArgumentException(
                $"Expected a span of n x {sampleSize} floats (n >= 1 samples of {sampleSize}) for '{paramName}', but got length {length}.", paramName);
        }

        return length / sampleSize;
    }

    /// <summary>Throws <see cref="InvalidOperationException"/> when BackwardBatch is called without a preceding ForwardBatch.</summary>
    [DoesNotReturn]
    public static void ThrowBackwardBatchWithoutForward() =>
        throw new InvalidOperationException("BackwardBatch needs a preceding ForwardBatch call on this instance.");

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a token id outside <c>[0, inputDim)</c>.</summary>
    [DoesNotReturn]
    public static void ThrowTokenOutOfRange(string paramName, int position, float id, int inputDim) =>
        throw new ArgumentOutOfRangeException(paramName, id,
            $"Token id {id} at position {position} is out of range: expected an integer in [0, {inputDim}).");

    /// <summary>Throws <see cref="InvalidOperationException"/> when Backward is called without a preceding Forward.</summary>
    [DoesNotReturn]
    public static void ThrowBackwardWithoutForward() =>
        throw new InvalidOperationException("Backward needs a preceding Forward call on this instance.");

    /// <summary>Throws <see cref="NotSupportedException"/> for streaming on a model that reads its sequence backwards.</summary>
    [DoesNotReturn]
    public static void ThrowStepGoBackwards() =>
        throw new NotSupportedException("Step is not available for a model with a GoBackwards or Bidirectional layer: it needs the whole sequence. Use Predict.");

    /// <summary>Throws <see cref="ArgumentException"/> when a vector-tier layer method gets slices shorter than its constant offsets need.</summary>
    [DoesNotReturn]
    public static void ThrowBadSlice() =>
        throw new ArgumentException("A generated layer method was given a slice shorter than its shapes need.");
}
