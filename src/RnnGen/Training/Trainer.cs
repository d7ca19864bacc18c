using System.Numerics.Tensors;

namespace RnnGen;

/// <summary>
/// The training loop's inner state: every buffer it needs is allocated in the constructor, so
/// <see cref="TrainBatch"/> and <see cref="Shuffle"/> allocate nothing.
/// </summary>
/// <remarks>
/// <para>A model that is not an <see cref="IBatchModel"/> trains sample by sample on the calling thread (Forward,
/// Backward, one sample after another).</para>
/// <para>An <see cref="IBatchModel"/> trains batch by batch on up to <c>degree</c> workers: worker 0 is the model,
/// workers 1 .. degree-1 are replicas from <see cref="IBatchModel.CreateReplica"/> that share its parameters. A batch of
/// <c>count</c> samples is cut into <c>min(degree, count)</c> contiguous parts by a partition that depends only on
/// <c>count</c> and the number of parts; each worker gathers its part's samples, runs ForwardBatch, the loss and
/// BackwardBatch into its own gradients. The gradients and the loss sums are then reduced in worker order, and the
/// metrics see the outputs in sample order, so the same seed and degree give bit-identical weights.</para>
/// </remarks>
internal sealed class Trainer : IDisposable
{
    /// <summary>Samples per PredictBatch call when evaluating a batch model.</summary>
    internal const int EvaluationChunk = 256;

    /// <summary>Doubles between two workers' loss sums: one cache line, so workers never write to a shared line.</summary>
    private const int LossStride = 8;

    private readonly IRnnModel _model;
    private readonly Dataset _data;
    private readonly Loss _loss;
    private readonly Optimizer _optimizer;
    private readonly Metric[] _metrics;
    private readonly int _stepSize;
    private readonly float[] _output;
    private readonly float[] _outputGradient;
    private readonly int[] _order;
    private readonly float[]? _sampleWeights;

    // Batched path: the workers (the model, then its replicas), their pool, and per-batch rows shared by the workers.
    private readonly IBatchModel[]? _workers;
    private readonly WorkerPool? _pool;
    private readonly Action<int> _trainPart;
    private readonly Action<int> _predictPart;
    private readonly double[] _partialLoss;
    private float[] _batchInputs = [];
    private float[] _batchTargets = [];
    private float[] _batchOutputs = [];
    private float[] _batchOutputGradients = [];
    private int _capacity;
    private int _batchStart, _batchCount, _batchParts;

    // Dropout (IDropoutModel): sample k of the training so far is mask sequence k under the seed, whichever worker runs it.
    private readonly ulong _dropoutSeed;
    private long _samplesTrained;

    // Batched evaluation: the chunk being predicted.
    private float[]? _evalOutputs;
    private Dataset? _evalData;
    private int _evalFirst, _evalCount, _evalParts;

    /// <summary>Allocates every buffer; for a batch model also the replicas and the worker threads.</summary>
    /// <param name="model">The model to train.</param>
    /// <param name="data">The training samples.</param>
    /// <param name="loss">The loss.</param>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="metrics">Metrics updated with each batch's pre-step outputs.</param>
    /// <param name="sampleWeights">Per-sample loss weights (class weights), or null for 1.</param>
    /// <param name="parallelism">Workers for a batch model; the degree is <c>min(parallelism, batchSize, data.Count)</c>.</param>
    /// <param name="batchSize">The largest batch expected (buffers grow once if a larger one comes).</param>
    /// <param name="seed">Seeds the dropout masks of an <see cref="IDropoutModel"/> (<see cref="TrainingOptions.Seed"/>).</param>
    public Trainer(IRnnModel model, Dataset data, Loss loss, Optimizer optimizer, Metric[] metrics, float[]? sampleWeights = null,
        int parallelism = 1, int batchSize = 32, int seed = 0)
    {
        _dropoutSeed = (ulong)(long)seed;
        _sampleWeights = sampleWeights;
        _model = model;
        _data = data;
        _loss = loss;
        _optimizer = optimizer;
        _metrics = metrics;
        _stepSize = model.StepOutputSize > 0 ? model.StepOutputSize : model.OutputSize;
        _output = new float[model.OutputSize];
        _outputGradient = new float[model.OutputSize];
        _order = new int[data.Count];
        for (int i = 0; i < _order.Length; i++)
        {
            _order[i] = i;
        }

        // the work items are cached delegates: handing them to the pool per batch allocates nothing
        _trainPart = TrainPart;
        _predictPart = PredictPart;
        int degree = Math.Max(1, Math.Min(parallelism, Math.Min(batchSize, data.Count)));
        _partialLoss = new double[degree * LossStride];
        if (model is IBatchModel batchModel)
        {
            _workers = new IBatchModel[degree];
            _workers[0] = batchModel;
            for (int w = 1; w < degree; w++)
            {
                _workers[w] = batchModel.CreateReplica();
            }

            // the threads last, so nothing after them can throw and leave them running
            EnsureCapacity(Math.Min(batchSize, data.Count));
            _pool = degree > 1 ? new WorkerPool(degree) : null;
        }
    }

    public int Count => _data.Count;

    /// <summary>Workers per batch: 1 for a per-sample model.</summary>
    public int Degree => _workers?.Length ?? 1;

    /// <summary>Batches not applied because their loss or gradients were not finite.</summary>
    public int SkippedBatches { get; private set; }

    /// <summary>Permutes the sample order in place (Fisher-Yates).</summary>
    public void Shuffle(Random random) => Dataset.Permute(_order, random);

    /// <summary>
    /// One gradient step on the samples <c>order[start .. start + count)</c>: zero the gradients, add each sample's
    /// gradient of <c>w * loss / count</c> (w: the sample weight, 1 without class weights), then one optimizer step. Metrics see the pre-step outputs, as in Keras.
    /// </summary>
    /// <returns>The batch's loss, <c>Σ w * loss / count</c> (NaN or infinite when the batch was not applied).</returns>
    public float TrainBatch(int start, int count)
    {
        float loss = _workers is null ? TrainSampleBySample(start, count) : TrainBatched(start, count);
        _samplesTrained += count;
        return loss;
    }

    /// <summary>Mean loss of <paramref name="data"/> with the trainer's loss, updating its metrics (Fit's validation).</summary>
    /// <param name="data">Validation samples, already checked against the model.</param>
    public float Evaluate(Dataset data)
    {
        if (_workers is null)
        {
            return Evaluate(_model, data, _loss, _metrics, _output, _outputGradient);
        }

        // predict chunk by chunk across the workers, then score the chunk in sample order here
        _evalOutputs ??= new float[EvaluationChunk * _model.OutputSize];
        _evalData = data;
        double sum = 0;
        for (int first = 0; first < data.Count; first += EvaluationChunk)
        {
            _evalFirst = first;
            _evalCount = Math.Min(EvaluationChunk, data.Count - first);
            _evalParts = Math.Min(_workers.Length, _evalCount);
            RunParts(_predictPart, _evalParts);
            Score(data, first, _evalOutputs.AsSpan(0, _evalCount * _model.OutputSize), _loss, _metrics, _outputGradient, _stepSize, ref sum);
        }

        _evalData = null;
        return (float)(sum / data.Count);
    }

    /// <summary>
    /// Mean loss over <paramref name="data"/> (with <see cref="IBatchModel.PredictBatch"/> in chunks when the model has it,
    /// else <see cref="IRnnModel.Predict"/>); updates <paramref name="metrics"/>. Losses are summed in sample order.
    /// </summary>
    public static float Evaluate(IRnnModel model, Dataset data, Loss loss, Metric[] metrics, float[] output, float[] scratch)
    {
        int stepSize = model.StepOutputSize > 0 ? model.StepOutputSize : model.OutputSize;
        int inputSize = model.InputSize, outputSize = model.OutputSize;
        double sum = 0;
        if (model is IBatchModel batchModel)
        {
            // one PredictBatch per chunk of contiguous samples, straight from the dataset's flat inputs
            var outputs = new float[Math.Min(EvaluationChunk, data.Count) * outputSize];
            for (int first = 0; first < data.Count; first += EvaluationChunk)
            {
                int n = Math.Min(EvaluationChunk, data.Count - first);
                Span<float> rows = outputs.AsSpan(0, n * outputSize);
                batchModel.PredictBatch(data.Inputs.AsSpan(first * inputSize, n * inputSize), rows);
                Score(data, first, rows, loss, metrics, scratch, stepSize, ref sum);
            }
        }
        else
        {
            for (int i = 0; i < data.Count; i++)
            {
                model.Predict(data.Input(i), output);
                Score(data, i, output, loss, metrics, scratch, stepSize, ref sum);
            }
        }

        return (float)(sum / data.Count);
    }

    /// <summary>Stops the worker threads.</summary>
    public void Dispose() => _pool?.Dispose();

    /// <summary>Today's path: per sample Forward, loss, metrics, Backward, one after another.</summary>
    private float TrainSampleBySample(int start, int count)
    {
        IRnnModel model = _model;
        Span<float> output = _output, dOut = _outputGradient;
        float scale = 1f / count;
        double sum = 0;
        model.Gradients.Clear();
        for (int k = start; k < start + count; k++)
        {
            int i = _order[k];
            ReadOnlySpan<float> target = _data.Target(i);
            (model as IDropoutModel)?.SeedDropout(_dropoutSeed, _samplesTrained + (k - start));
            model.Forward(_data.Input(i), output);
            float weight = _sampleWeights is null ? 1f : _sampleWeights[i];
            sum += (double)weight * _loss.Compute(output, target, dOut, _stepSize);
            foreach (Metric metric in _metrics)
            {
                metric.Update(output, target, _stepSize);
            }

            // Keras "sum_over_batch_size" of the weighted losses: d(w * loss / count)/dOut
            TensorPrimitives.Multiply(dOut, weight * scale, dOut);
            model.Backward(dOut);
        }

        return Apply(sum, count);
    }

    /// <summary>The batched path: the workers run their parts, then gradients and losses are reduced in worker order.</summary>
    private float TrainBatched(int start, int count)
    {
        IBatchModel[] workers = _workers!;
        EnsureCapacity(count);
        _batchStart = start;
        _batchCount = count;
        _batchParts = Math.Min(workers.Length, count);
        RunParts(_trainPart, _batchParts);

        // reduce in a fixed order: master += replica 1, += replica 2, ...; loss = part 0 + part 1 + ...
        Span<float> gradients = _model.Gradients;
        double sum = _partialLoss[0];
        for (int p = 1; p < _batchParts; p++)
        {
            TensorPrimitives.Add(gradients, workers[p].Gradients, gradients);
            sum += _partialLoss[p * LossStride];
        }

        // metrics on this thread, in sample order, on the pre-step outputs
        int outputSize = _model.OutputSize, targetSize = _data.TargetSize;
        for (int k = 0; k < count; k++)
        {
            ReadOnlySpan<float> output = _batchOutputs.AsSpan(k * outputSize, outputSize);
            ReadOnlySpan<float> target = _batchTargets.AsSpan(k * targetSize, targetSize);
            foreach (Metric metric in _metrics)
            {
                metric.Update(output, target, _stepSize);
            }
        }

        return Apply(sum, count);
    }

    /// <summary>
    /// One worker's part of the batch: gather its samples into its rows, ForwardBatch, per sample the loss and
    /// <c>dOut = w · dLoss/dOutput / count</c>, BackwardBatch into its own (cleared) gradients.
    /// </summary>
    private void TrainPart(int part)
    {
        IBatchModel model = _workers![part];
        int count = _batchCount, inputSize = _model.InputSize, outputSize = _model.OutputSize, targetSize = _data.TargetSize;
        int from = PartStart(count, _batchParts, part), to = PartStart(count, _batchParts, part + 1), n = to - from;

        // gather the part's shuffled samples into contiguous rows
        for (int k = from; k < to; k++)
        {
            int i = _order[_batchStart + k];
            _data.Input(i).CopyTo(_batchInputs.AsSpan(k * inputSize, inputSize));
            _data.Target(i).CopyTo(_batchTargets.AsSpan(k * targetSize, targetSize));
        }

        model.Gradients.Clear();
        (model as IDropoutModel)?.SeedDropout(_dropoutSeed, _samplesTrained + from);
        model.ForwardBatch(_batchInputs.AsSpan(from * inputSize, n * inputSize), _batchOutputs.AsSpan(from * outputSize, n * outputSize));

        // Keras "sum_over_batch_size" of the weighted losses: d(w * loss / count)/dOut, row by row
        float scale = 1f / count;
        double sum = 0;
        for (int k = from; k < to; k++)
        {
            float weight = _sampleWeights is null ? 1f : _sampleWeights[_order[_batchStart + k]];
            Span<float> dOut = _batchOutputGradients.AsSpan(k * outputSize, outputSize);
            sum += (double)weight * _loss.Compute(
                _batchOutputs.AsSpan(k * outputSize, outputSize), _batchTargets.AsSpan(k * targetSize, targetSize), dOut, _stepSize);
            TensorPrimitives.Multiply(dOut, weight * scale, dOut);
        }

        model.BackwardBatch(_batchOutputGradients.AsSpan(from * outputSize, n * outputSize));
        _partialLoss[part * LossStride] = sum;
    }

    /// <summary>One worker's share of an evaluation chunk: PredictBatch on its contiguous samples.</summary>
    private void PredictPart(int part)
    {
        int inputSize = _model.InputSize, outputSize = _model.OutputSize;
        int from = PartStart(_evalCount, _evalParts, part), n = PartStart(_evalCount, _evalParts, part + 1) - from;
        int first = _evalFirst + from;
        _workers![part].PredictBatch(_evalData!.Inputs.AsSpan(first * inputSize, n * inputSize), _evalOutputs.AsSpan(from * outputSize, n * outputSize));
    }

    /// <summary>
    /// The optimizer step, unless the batch's loss or gradients are not finite: such a batch is never applied, and the
    /// weights (and the optimizer's state) stay those of the last finite step. Finite loss with non-finite gradients is
    /// reported as a NaN loss.
    /// </summary>
    private float Apply(double sum, int count)
    {
        if (!double.IsFinite(sum) || !TensorPrimitives.IsFiniteAll(_model.Gradients))
        {
            SkippedBatches++;
            return double.IsFinite(sum) ? float.NaN : (float)(sum / count);
        }

        _optimizer.Step(_model.Parameters, _model.Gradients);
        return (float)(sum / count);
    }

    /// <summary>Runs parts <c>0 .. parts-1</c>: on the pool, or directly when there is only one worker.</summary>
    private void RunParts(Action<int> work, int parts)
    {
        if (_pool is null)
        {
            work(0);
        }
        else
        {
            _pool.Run(work, parts);
        }
    }

    /// <summary>Grows the batch rows to hold <paramref name="count"/> samples (only when a batch is larger than any before).</summary>
    private void EnsureCapacity(int count)
    {
        if (count <= _capacity)
        {
            return;
        }

        _capacity = count;
        _batchInputs = new float[count * _model.InputSize];
        _batchTargets = new float[count * _data.TargetSize];
        _batchOutputs = new float[count * _model.OutputSize];
        _batchOutputGradients = new float[count * _model.OutputSize];
    }

    /// <summary>First sample of part <paramref name="part"/> when <paramref name="count"/> samples are cut into
    /// <paramref name="parts"/> contiguous parts of sizes differing by at most one: <c>⌊count · part / parts⌋</c>.</summary>
    internal static int PartStart(int count, int parts, int part) => (int)((long)count * part / parts);

    /// <summary>Adds the loss of samples <c>first ..</c> (their outputs in <paramref name="outputs"/>) to
    /// <paramref name="sum"/>, one after another, and updates the metrics in the same order.</summary>
    private static void Score(Dataset data, int first, ReadOnlySpan<float> outputs, Loss loss, Metric[] metrics, Span<float> scratch,
        int stepSize, ref double sum)
    {
        int size = scratch.Length; // one output's length: the loss gradient goes to scratch and is dropped
        for (int k = 0; k < outputs.Length / size; k++)
        {
            ReadOnlySpan<float> output = outputs.Slice(k * size, size);
            ReadOnlySpan<float> target = data.Target(first + k);
            sum += loss.Compute(output, target, scratch, stepSize);
            foreach (Metric metric in metrics)
            {
                metric.Update(output, target, stepSize);
            }
        }
    }
}
