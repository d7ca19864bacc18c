using System.Numerics.Tensors;

namespace RnnGen;

/// <summary>
/// The training loop's inner state: every buffer it needs is allocated in the constructor, so
/// <see cref="TrainBatch"/> and <see cref="Shuffle"/> allocate nothing.
/// </summary>
internal sealed class Trainer
{
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

    public Trainer(IRnnModel model, Dataset data, Loss loss, Optimizer optimizer, Metric[] metrics, float[]? sampleWeights = null)
    {
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
    }

    public int Count => _data.Count;

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
        IRnnModel model = _model;
        Span<float> output = _output, dOut = _outputGradient;
        float scale = 1f / count;
        double sum = 0;
        model.Gradients.Clear();
        for (int k = start; k < start + count; k++)
        {
            int i = _order[k];
            ReadOnlySpan<float> target = _data.Target(i);
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

        // A batch whose loss or gradients are not finite is never applied: the weights (and the optimizer's state)
        // stay those of the last finite step. Finite loss with non-finite gradients is reported as a NaN loss.
        if (!double.IsFinite(sum) || !TensorPrimitives.IsFiniteAll(model.Gradients))
        {
            SkippedBatches++;
            return double.IsFinite(sum) ? float.NaN : (float)(sum / count);
        }

        _optimizer.Step(model.Parameters, model.Gradients);
        return (float)(sum / count);
    }

    /// <summary>Mean loss over <paramref name="data"/> with <see cref="IRnnModel.Predict"/>; updates <paramref name="metrics"/>.</summary>
    public static float Evaluate(IRnnModel model, Dataset data, Loss loss, Metric[] metrics, float[] output, float[] scratch)
    {
        int stepSize = model.StepOutputSize > 0 ? model.StepOutputSize : model.OutputSize;
        double sum = 0;
        for (int i = 0; i < data.Count; i++)
        {
            ReadOnlySpan<float> target = data.Target(i);
            model.Predict(data.Input(i), output);
            sum += loss.Compute(output, target, scratch, stepSize);
            foreach (Metric metric in metrics)
            {
                metric.Update(output, target, stepSize);
            }
        }

        return (float)(sum / data.Count);
    }
}
