namespace RnnGen;

/// <summary>Keras-style training, evaluation and batch prediction for any <see cref="IRnnModel"/>.</summary>
public static class ModelExtensions
{
    /// <summary>
    /// Trains the model (Keras <c>model.fit</c>).
    /// </summary>
    /// <remarks>
    /// <list type="number">
    /// <item>Validation samples are the LAST <see cref="TrainingOptions.ValidationSplit"/> of <paramref name="data"/>,
    /// split off before any shuffling (or <see cref="TrainingOptions.ValidationData"/>).</item>
    /// <item>Each epoch, if <see cref="TrainingOptions.Shuffle"/>, the sample order is permuted with a
    /// <see cref="Random"/> seeded once from <see cref="TrainingOptions.Seed"/>. Determinism: the same seed gives
    /// bit-identical weights with the same <see cref="TrainingOptions.Parallelism"/> degree and the same instruction set
    /// (a different degree, or the vector width the JIT picks, AVX-512, AVX2, SSE or scalar, changes the order of
    /// floating-point sums); see docs/determinism.md.</item>
    /// <item>Before the first step the whole dataset (and the validation data) is validated: not empty, sizes, finite
    /// inputs and targets, token ids and sparse labels in range. A bad dataset is one <see cref="ArgumentException"/>
    /// naming the first bad sample, and nothing is trained.</item>
    /// <item>Each batch: <c>Gradients = 0</c>; per sample <c>Forward</c>, <c>dOut = w · dLoss/dOutput / batchCount</c>,
    /// <c>Backward(dOut)</c>; then one <see cref="Optimizer.Step"/>. A model that implements <see cref="IBatchModel"/>
    /// does the same a batch at a time: the batch's samples are gathered into contiguous rows and cut into
    /// <c>P = min(Parallelism, batchCount)</c> contiguous parts (a fixed partition), worker <c>p</c> (the model for
    /// <c>p = 0</c>, a replica from <see cref="IBatchModel.CreateReplica"/> otherwise, all on dedicated threads created
    /// once per Fit) runs <c>ForwardBatch</c> and <c>BackwardBatch</c> on its part into its own gradients, and the model's
    /// gradients are the replicas' added in worker order 1 .. P-1. Without <see cref="IBatchModel"/>, Fit runs on the
    /// calling thread and <see cref="TrainingOptions.Parallelism"/> has no effect. An exception in a worker is rethrown
    /// here once every worker has stopped. The batch loss is <c>Σ w · loss / batchCount</c>, where
    /// <c>w</c> is the sample's <see cref="TrainingOptions.ClassWeights"/> entry (1 without class weights). A batch whose
    /// loss or gradients are not finite is never applied (no optimizer step): its loss is reported as NaN or infinite,
    /// which <see cref="TerminateOnNaN"/> stops on, and the weights stay those of the last finite step.</item>
    /// <item>Epoch <c>loss</c> is the sample-weighted mean of the batch losses (the mean over samples); metrics cover the
    /// epoch's pre-update outputs, in sample order; <c>val_</c> values use <see cref="IRnnModel.Predict"/> (or
    /// <see cref="IBatchModel.PredictBatch"/> in chunks, across the workers) after the epoch. With a
    /// <see cref="ReduceLROnPlateau"/> or <see cref="LearningRateScheduler"/>, <c>learning_rate</c> records the epoch's rate, as in Keras 3.</item>
    /// </list>
    /// Buffers, replicas and worker threads are allocated before the loop; a batch step allocates nothing.
    /// </remarks>
    /// <exception cref="ArgumentException">The loss or a metric does not fit the output layer (for example a
    /// categorical cross-entropy on a 1-unit output), or a size does not fit.</exception>
    /// <param name="model">The model to train (batched and parallel when it is an <see cref="IBatchModel"/>).</param>
    /// <param name="data">Training samples (and validation, with <see cref="TrainingOptions.ValidationSplit"/>).</param>
    /// <param name="options">Loss, optimizer, epochs and the rest.</param>
    /// <returns>Per-epoch values: <c>history["loss"]</c>, <c>history["val_loss"]</c>, metrics.</returns>
    public static History Fit(this IRnnModel model, Dataset data, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Loss is null)
        {
            throw new ArgumentException("TrainingOptions.Loss is required.", nameof(options));
        }

        ArgumentNullException.ThrowIfNull(options.Optimizer, "options.Optimizer");
        if (options.Epochs < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Epochs, "Epochs must be >= 0.");
        }

        if (options.BatchSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, "BatchSize must be positive.");
        }

        // The loss must fit the output layer, and the whole dataset is checked, before the first step: a bad sample
        // never meets a half-trained model.
        Metric[] metrics = [.. options.Metrics];
        OutputChecks.EnsureLossFits(model, options.Loss, metrics);
        DataValidation.Validate(data, model, options.Loss, "training data", nameof(data));
        (Dataset train, Dataset? validation) = options.ValidationData is { } given ? (data, given) : data.Split(options.ValidationSplit);
        if (validation is not null)
        {
            DataValidation.Validate(validation, model, options.Loss, "validation data", nameof(options));
        }

        float[]? sampleWeights = options.ClassWeights is { } classWeights ? OutputChecks.SampleWeights(model, train, classWeights) : null;
        Callback[] callbacks = [.. options.Callbacks];
        bool reportRate = callbacks.Any(c => c is ReduceLROnPlateau or LearningRateScheduler);
        TextWriter output = options.Output ?? Console.Out;
        // the trainer owns the batch buffers, the replicas and the worker threads: disposed however Fit ends
        using var trainer = new Trainer(model, train, options.Loss, options.Optimizer, metrics, sampleWeights, options.Parallelism, options.BatchSize, options.Seed);
        var random = new Random(options.Seed);
        var history = new History();
        int batchSize = options.BatchSize;
        int totalBatches = (train.Count + batchSize - 1) / batchSize;

        foreach (Callback callback in callbacks)
        {
            callback.Attach(model, options.Optimizer);
            callback.OnTrainBegin();
        }

        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            foreach (Metric metric in metrics)
            {
                metric.Reset();
            }

            foreach (Callback callback in callbacks)
            {
                callback.OnEpochBegin(epoch);
            }

            if (options.Shuffle)
            {
                trainer.Shuffle(random);
            }

            double lossSum = 0;
            int seen = 0, batches = 0;
            Callback? stopper = null;
            for (int start = 0; start < train.Count && stopper is null; start += batchSize)
            {
                int count = Math.Min(batchSize, train.Count - start);
                float batchLoss = trainer.TrainBatch(start, count);
                lossSum += (double)batchLoss * count;
                seen += count;
                foreach (Callback callback in callbacks)
                {
                    callback.OnBatchEnd(batches, batchLoss);
                    stopper ??= callback.StopTraining ? callback : null;
                }

                batches++;
            }

            var logs = new Dictionary<string, float>(StringComparer.Ordinal) { ["loss"] = (float)(lossSum / seen) };
            foreach (Metric metric in metrics)
            {
                logs[metric.Name] = metric.Result;
            }

            if (validation is not null)
            {
                foreach (Metric metric in metrics)
                {
                    metric.Reset();
                }

                logs["val_loss"] = trainer.Evaluate(validation);
                foreach (Metric metric in metrics)
                {
                    logs["val_" + metric.Name] = metric.Result;
                }
            }

            if (reportRate)
            {
                // Keras 3: a learning-rate callback logs the rate this epoch used, before any change at its end
                logs["learning_rate"] = options.Optimizer.LearningRate;
            }

            history.Add(logs);
            var result = new EpochResult(epoch + 1, options.Epochs, batches, totalBatches, logs);
            if (options.Verbose)
            {
                output.WriteLine(result.ToString());
            }

            options.Progress?.Report(result);
            foreach (Callback callback in callbacks)
            {
                callback.OnEpochEnd(epoch, logs);
                stopper ??= callback.StopTraining ? callback : null;
            }

            if (stopper is not null)
            {
                history.StopReason = stopper.StopReason;
                if (options.Verbose)
                {
                    output.WriteLine(stopper.StopReason);
                }

                break;
            }
        }

        foreach (Callback callback in callbacks)
        {
            callback.OnTrainEnd();
        }

        return history;
    }

    /// <summary>
    /// Mean loss and metrics over <paramref name="data"/> using <see cref="IRnnModel.Predict"/>, or
    /// <see cref="IBatchModel.PredictBatch"/> in chunks of samples when the model has it (Keras <c>model.evaluate</c>).
    /// Losses are summed and metrics updated in sample order.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="data">Samples.</param>
    /// <param name="loss">Loss to average.</param>
    /// <param name="metrics">Metrics to compute (reset first).</param>
    /// <returns><c>loss</c> and each metric's name, in that order.</returns>
    public static IReadOnlyDictionary<string, float> Evaluate(this IRnnModel model, Dataset data, Loss loss, params Metric[] metrics)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(metrics);
        OutputChecks.EnsureLossFits(model, loss, metrics);
        DataValidation.Validate(data, model, loss, "data", nameof(data));
        foreach (Metric metric in metrics)
        {
            metric.Reset();
        }

        var results = new Dictionary<string, float>(StringComparer.Ordinal)
        {
            ["loss"] = Trainer.Evaluate(model, data, loss, metrics, new float[model.OutputSize], new float[model.OutputSize]),
        };
        foreach (Metric metric in metrics)
        {
            results[metric.Name] = metric.Result;
        }

        return results;
    }

    /// <summary>
    /// Predicts <c>n</c> samples laid out one after another: input <c>i</c> at <c>inputs[i * InputSize ..]</c>, its output
    /// at <c>outputs[i * OutputSize ..]</c> (Keras <c>model.predict</c> on a batch). Uses
    /// <see cref="IBatchModel.PredictBatch"/> when the model has it, else <see cref="IRnnModel.Predict"/> per sample.
    /// Allocation-free (a batch model's per-thread workspace aside, on a thread's first call).
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="inputs"><c>n × InputSize</c> values.</param>
    /// <param name="outputs">Receives <c>n × OutputSize</c> values.</param>
    /// <exception cref="ArgumentException"><paramref name="inputs"/> is not a whole number of inputs, or
    /// <paramref name="outputs"/> is not that many outputs (the message gives the expected and actual lengths).</exception>
    public static void PredictBatch(this IRnnModel model, ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        ArgumentNullException.ThrowIfNull(model);
        int inputSize = model.InputSize, outputSize = model.OutputSize;
        if (inputs.Length % inputSize != 0)
        {
            throw new ArgumentException(
                $"Expected inputs of a multiple of the input size {inputSize} (n x {inputSize}), but got length {inputs.Length}.", nameof(inputs));
        }

        int n = inputs.Length / inputSize;
        if (outputs.Length != n * outputSize)
        {
            throw new ArgumentException(
                $"Expected outputs of length {n * outputSize} ({n} samples x {outputSize}), but got length {outputs.Length}.", nameof(outputs));
        }

        // one batched call when the model has one, else sample by sample
        if (model is IBatchModel batchModel)
        {
            if (n > 0)
            {
                batchModel.PredictBatch(inputs, outputs);
            }

            return;
        }

        for (int i = 0; i < n; i++)
        {
            model.Predict(inputs.Slice(i * inputSize, inputSize), outputs.Slice(i * outputSize, outputSize));
        }
    }

    /// <summary>Predicts every sample into one flat span: output <c>i</c> at <c>outputs[i*OutputSize ..]</c>.</summary>
    /// <remarks>Batched like <see cref="PredictBatch(IRnnModel, ReadOnlySpan{float}, Span{float})"/>.</remarks>
    /// <param name="model">The model.</param>
    /// <param name="data">Samples (only inputs are used).</param>
    /// <param name="outputs">Receives <c>data.Count * model.OutputSize</c> floats.</param>
    public static void PredictBatch(this IRnnModel model, Dataset data, Span<float> outputs)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (data.InputSize != model.InputSize)
        {
            throw new ArgumentException($"The model expects inputs of {model.InputSize} floats, but the dataset's inputs have {data.InputSize}.", nameof(data));
        }

        int size = model.OutputSize;
        if (outputs.Length != data.Count * size)
        {
            throw new ArgumentException(
                $"Expected outputs of length {data.Count * size} ({data.Count} samples x {size}), but got length {outputs.Length}.", nameof(outputs));
        }

        PredictBatch(model, data.Inputs, outputs);
    }

    /// <summary>Predicts every sample (Keras <c>model.predict</c>).</summary>
    /// <param name="model">The model.</param>
    /// <param name="data">Samples (only inputs are used).</param>
    /// <returns>One output array per sample.</returns>
    public static float[][] PredictBatch(this IRnnModel model, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        var flat = new float[data.Count * model.OutputSize];
        PredictBatch(model, data, flat);
        return SplitRows(flat, data.Count, model.OutputSize);
    }

    /// <summary>Predicts each input (Keras <c>model.predict</c>).</summary>
    /// <remarks>The inputs are copied into one flat batch and predicted like
    /// <see cref="PredictBatch(IRnnModel, ReadOnlySpan{float}, Span{float})"/>.</remarks>
    /// <param name="model">The model.</param>
    /// <param name="inputs">One input per sample, each <see cref="IRnnModel.InputSize"/> long.</param>
    /// <returns>One output array per sample.</returns>
    public static float[][] PredictBatch(this IRnnModel model, float[][] inputs)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        int inputSize = model.InputSize;
        var flat = new float[inputs.Length * inputSize];
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is null || inputs[i].Length != inputSize)
            {
                throw new ArgumentException($"Input {i} has length {inputs[i]?.Length ?? 0}, but the model expects {inputSize}.", nameof(inputs));
            }

            inputs[i].CopyTo(flat, i * inputSize);
        }

        var outputs = new float[inputs.Length * model.OutputSize];
        PredictBatch(model, flat, outputs);
        return SplitRows(outputs, inputs.Length, model.OutputSize);
    }

    /// <summary>One array per row of a flat <c>rows × size</c> buffer.</summary>
    private static float[][] SplitRows(float[] flat, int rows, int size)
    {
        var result = new float[rows][];
        for (int i = 0; i < rows; i++)
        {
            result[i] = flat.AsSpan(i * size, size).ToArray();
        }

        return result;
    }
}
