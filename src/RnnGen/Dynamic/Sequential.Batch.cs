using RnnGen.CompilerServices;
using RnnGen.Dynamic.Runtime;

namespace RnnGen.Dynamic;

/// <summary>The batched members (<see cref="IBatchModel"/>): every layer runs the whole minibatch through matrix–matrix kernels.</summary>
/// <remarks>
/// Batch buffer layout for <c>n</c> samples, recomputed per call (no allocation):
/// <c>[inputs n × InputSize | mask n × Timesteps | per layer: outputs n × OutputLength, cache | dY ping | dY pong | scratch]</c>
/// (the mask only in a masked model).
/// Training keeps it in <see cref="_batchBuffer"/>, grown on the first call with a larger <c>n</c>; <see cref="PredictBatch"/>
/// uses a per-thread buffer without the input copy, the gradients and the backward cache (recurrent layers keep two steps).
/// </remarks>
public sealed partial class Sequential
{
    [ThreadStatic]
    private static AlignedBuffer t_predictBatchWorkspace;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="inputs"/> is not a whole number of samples, or <paramref name="outputs"/> has not <c>n × OutputSize</c> values.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An Embedding model gets an id that is not an integer in <c>[0, inputDim)</c>.</exception>
    public void PredictBatch(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        int n = BatchCount(inputs.Length, outputs.Length);
        if (n == 0) return;
        int count = _runtimes.Length;
        Span<int> outputOffsets = count <= 64 ? stackalloc int[count] : new int[count];
        Span<int> cacheOffsets = count <= 64 ? stackalloc int[count] : new int[count];
        int length = BatchLayout(n, training: false, outputOffsets, cacheOffsets, out _, out _);
        Span<float> ws = AlignedBuffer.Reserve(ref t_predictBatchWorkspace, length);
        RunForwardBatch(n, inputs, ws, outputOffsets, cacheOffsets, training: false);
        BatchOutput(n, ws, outputOffsets).CopyTo(outputs);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="inputs"/> is not a whole number of samples, or <paramref name="outputs"/> has not <c>n × OutputSize</c> values.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An Embedding model gets an id that is not an integer in <c>[0, inputDim)</c>.</exception>
    public void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        int n = BatchCount(inputs.Length, outputs.Length);
        _batchCount = -1;
        if (n == 0)
        {
            _batchCount = 0;
            return;
        }

        int length = BatchLayout(n, training: true, _batchOutputOffsets, _batchCacheOffsets, out _batchGradientOffset, out _batchScratchOffset);
        Span<float> ws = AlignedBuffer.Reserve(ref _batchBuffer, length);
        Span<float> input = ws[..(n * InputSize)];
        inputs.CopyTo(input);
        RunForwardBatch(n, input, ws, _batchOutputOffsets, _batchCacheOffsets, training: true);
        BatchOutput(n, ws, _batchOutputOffsets).CopyTo(outputs);
        _batchCount = n;
        _dropoutSequence += n;
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">No <see cref="ForwardBatch"/> preceded it on this instance.</exception>
    /// <exception cref="ArgumentException"><paramref name="outputGradients"/> has not <c>n × OutputSize</c> values.</exception>
    public void BackwardBatch(ReadOnlySpan<float> outputGradients)
    {
        int n = _batchCount;
        if (n < 0) ThrowBackwardBatchWithoutForward();
        Guard.Length(outputGradients.Length, n * OutputSize, nameof(outputGradients));
        if (n == 0) return;

        Span<float> ws = _batchBuffer.Span;
        int innerLength = n * _innerOutputLength;
        ReadOnlySpan<float> dy = outputGradients;
        ReadOnlySpan<float> mask = BatchMask(n, ws, training: true);
        Span<float> scratch = ws[_batchScratchOffset..];
        for (int i = _runtimes.Length - 1; i >= 0; i--)
        {
            LayerRuntime r = _runtimes[i];
            ReadOnlySpan<float> x = i == 0 ? ws[..(n * InputSize)] : ws.Slice(_batchOutputOffsets[i - 1], n * r.InputLength);

            // Layer i writes dL/dx into buffer i % 2; its dy came from layer i + 1, in the other one.
            Span<float> dx = i == 0 ? default : ws.Slice(_batchGradientOffset + (i & 1) * innerLength, n * r.InputLength);
            r.BackwardBatch(
                n, LayerParameters(i), LayerGradients(i),
                x, ws.Slice(_batchOutputOffsets[i], n * r.OutputLength), ws.Slice(_batchCacheOffsets[i], r.BatchCacheLength(n, true)),
                dy, dx, scratch, mask);
            dy = dx;
        }
    }

    /// <inheritdoc/>
    /// <remarks>The replica starts with zero gradients, no batch cache and a reset streaming state.</remarks>
    public IBatchModel CreateReplica() => new Sequential(this);

    private int BatchCount(int inputsLength, int outputsLength)
    {
        int n = inputsLength / InputSize;
        if (n * InputSize != inputsLength)
        {
            throw new ArgumentException(
                $"Expected 'inputs' to hold whole samples of {InputSize} values (n × InputSize), but its length {inputsLength} is not a multiple of {InputSize}.",
                "inputs");
        }

        Guard.Length(outputsLength, n * OutputSize, "outputs");
        return n;
    }

    private int BatchLayout(int n, bool training, Span<int> outputOffsets, Span<int> cacheOffsets, out int gradientOffset, out int scratchOffset)
    {
        // The mask (n × Timesteps, masked models only) follows the inputs.
        int offset = (training ? n * InputSize : 0) + (_maskSource is null ? 0 : n * Timesteps);
        int scratch = 0;
        for (int i = 0; i < _runtimes.Length; i++)
        {
            LayerRuntime r = _runtimes[i];
            outputOffsets[i] = offset;
            offset += n * r.OutputLength;
            cacheOffsets[i] = offset;
            offset += r.BatchCacheLength(n, training);
            if (training) scratch = Math.Max(scratch, r.BatchScratchLength(n));
        }

        gradientOffset = offset;
        if (training) offset += 2 * n * _innerOutputLength;
        scratchOffset = offset;
        return offset + scratch;
    }

    private void RunForwardBatch(int n, ReadOnlySpan<float> inputs, Span<float> ws, ReadOnlySpan<int> outputOffsets, ReadOnlySpan<int> cacheOffsets, bool training)
    {
        Span<float> mask = BatchMask(n, ws, training);
        _maskSource?.ComputeMask(inputs, n * Timesteps, mask);
        ReadOnlySpan<float> x = inputs;
        for (int i = 0; i < _runtimes.Length; i++)
        {
            LayerRuntime r = _runtimes[i];
            Span<float> y = ws.Slice(outputOffsets[i], n * r.OutputLength);
            Span<float> cache = ws.Slice(cacheOffsets[i], r.BatchCacheLength(n, training));
            if (training && r.HasDropout) r.ForwardBatchDropout(n, LayerParameters(i), x, y, cache, mask, new DropoutDraw(_dropoutSeed, _dropoutSequence));
            else r.ForwardBatch(n, LayerParameters(i), x, y, cache, training, mask);
            x = y;
        }
    }

    private Span<float> BatchOutput(int n, Span<float> ws, ReadOnlySpan<int> outputOffsets)
    {
        int last = _runtimes.Length - 1;
        return ws.Slice(outputOffsets[last], n * _runtimes[last].OutputLength);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowBackwardBatchWithoutForward() =>
        throw new InvalidOperationException("BackwardBatch needs a preceding ForwardBatch call on this instance.");
}
