namespace RnnGen;

/// <summary>Checks made before training or evaluating that the loss and metrics fit the model's output layer, and the class weights.</summary>
internal static class OutputChecks
{
    /// <summary>
    /// A categorical loss or accuracy needs one output per class. On a 1-unit output the softmax-free cross-entropy is
    /// ~0 whatever the model does (nothing trains), and the argmax is always 0, so both fail loudly here instead.
    /// </summary>
    /// <exception cref="ArgumentException">A categorical loss or accuracy on a 1-unit output.</exception>
    public static void EnsureLossFits(IRnnModel model, Loss loss, IEnumerable<Metric> metrics)
    {
        int classes = ClassVectorLength(model);
        if (classes != 1)
        {
            return;
        }

        if (loss is SparseCategoricalCrossentropy or CategoricalCrossentropy)
        {
            string factory = loss is SparseCategoricalCrossentropy ? "SparseCategoricalCrossentropy" : "CategoricalCrossentropy";
            throw new ArgumentException(
                $"Losses.{factory}() expects one output per class, but the model's last layer has 1 unit. " +
                "With a single output the loss is zero whatever the model predicts, so nothing would train. " +
                "For a yes/no target on a 1-unit sigmoid output use Losses.BinaryCrossentropy(); for N classes end with " +
                "[Dense(N, Activation = Activation.Softmax)].",
                nameof(loss));
        }

        foreach (Metric metric in metrics)
        {
            if (metric is SparseCategoricalAccuracy or CategoricalAccuracy)
            {
                string factory = metric is SparseCategoricalAccuracy ? "SparseCategoricalAccuracy" : "CategoricalAccuracy";
                throw new ArgumentException(
                    $"Metrics.{factory}() expects one output per class, but the model's last layer has 1 unit, so its argmax is always 0. " +
                    "For a 1-unit sigmoid output use Metrics.BinaryAccuracy() (or Metrics.Accuracy(), which picks it).",
                    nameof(metrics));
            }
        }
    }

    /// <summary>
    /// Each sample's weight from its class (Keras <c>class_weight</c>): the label of a one-value target (rounded), or the
    /// argmax of a one-hot target. Classes missing from <paramref name="classWeights"/> weigh 1, as in Keras 3.
    /// </summary>
    /// <exception cref="ArgumentException">A weight is negative or not finite, or the model outputs a sequence.</exception>
    public static float[] SampleWeights(IRnnModel model, Dataset data, IReadOnlyDictionary<int, float> classWeights)
    {
        foreach (KeyValuePair<int, float> entry in classWeights)
        {
            if (!float.IsFinite(entry.Value) || entry.Value < 0f)
            {
                throw new ArgumentException(
                    $"Expected class weights that are finite and >= 0, but class {entry.Key} has weight {entry.Value}.", "options.ClassWeights");
            }
        }

        int classes = ClassVectorLength(model);
        if (model.OutputSize != classes)
        {
            throw new ArgumentException(
                $"ClassWeights needs one class per sample, but the model outputs a sequence ({model.OutputSize / classes} timesteps of {classes}); " +
                "Keras does not support class_weight for sequence targets either.",
                "options.ClassWeights");
        }

        var weights = new float[data.Count];
        for (int i = 0; i < weights.Length; i++)
        {
            ReadOnlySpan<float> target = data.Target(i);
            int label = target.Length == 1 ? (int)Math.Round(target[0]) : Metric.ArgMax(target);
            weights[i] = classWeights.TryGetValue(label, out float weight) ? weight : 1f;
        }

        return weights;
    }

    /// <summary>Values per class vector: the last layer's units.</summary>
    private static int ClassVectorLength(IRnnModel model) => model.StepOutputSize > 0 ? model.StepOutputSize : model.OutputSize;
}
