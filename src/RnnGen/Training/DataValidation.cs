using System.Globalization;
using System.Numerics.Tensors;

namespace RnnGen;

/// <summary>
/// Checks a whole dataset against a model and a loss before anything trains on it, so a bad sample is found before the
/// first optimizer step rather than when its batch comes up: sizes, emptiness, finite inputs and targets, token ids
/// inside the embedding's vocabulary, and sparse labels inside the class count.
/// </summary>
internal static class DataValidation
{
    /// <summary>Throws one <see cref="ArgumentException"/> naming the first bad sample, or saying the data is empty.</summary>
    /// <param name="data">The samples.</param>
    /// <param name="model">The model they feed.</param>
    /// <param name="loss">The loss the targets go to.</param>
    /// <param name="what">How messages name the data: "training data", "validation data", "data".</param>
    /// <param name="paramName">The parameter reported by the exception.</param>
    public static void Validate(Dataset data, IRnnModel model, Loss loss, string what, string paramName)
    {
        if (data.Count == 0)
        {
            throw new ArgumentException($"The {what} is empty: expected at least one sample.", paramName);
        }

        data.EnsureFits(model);
        // Sparse labels: one class index per class vector, as SparseCategoricalCrossentropy reads them.
        int classes = loss is SparseCategoricalCrossentropy && data.TargetSize > 0 ? model.OutputSize / data.TargetSize : 0;
        int vocabulary = Vocabulary(model);
        for (int i = 0; i < data.Count; i++)
        {
            ReadOnlySpan<float> input = data.Input(i);
            if (!TensorPrimitives.IsFiniteAll(input))
            {
                int j = FirstNonFinite(input);
                throw Bad(what, i, $"input value {Format(input[j])} at index {j} is not finite", paramName);
            }

            if (vocabulary > 0)
            {
                for (int j = 0; j < input.Length; j++)
                {
                    float id = input[j];
                    if (!(id >= 0 && id < vocabulary) || id != MathF.Floor(id))
                    {
                        throw Bad(what, i, $"token id {Format(id)} at timestep {j} is not an integer in [0, {vocabulary})", paramName);
                    }
                }
            }

            ReadOnlySpan<float> target = data.Target(i);
            if (!TensorPrimitives.IsFiniteAll(target))
            {
                int j = FirstNonFinite(target);
                throw Bad(what, i, $"target value {Format(target[j])} at index {j} is not finite", paramName);
            }

            if (classes > 0)
            {
                for (int j = 0; j < target.Length; j++)
                {
                    float label = target[j];
                    if (!(label >= 0 && label < classes) || label != MathF.Floor(label))
                    {
                        throw Bad(what, i, $"label {Format(label)} at position {j} is not a class index: expected an integer in [0, {classes})", paramName);
                    }
                }
            }
        }
    }

    /// <summary>The vocabulary of a first Embedding layer (its parameters are <c>inputDim x units</c>), or 0.</summary>
    private static int Vocabulary(IRnnModel model) =>
        model.Layers.Count > 0 && model.Layers[0] is { Kind: LayerKind.Embedding, Units: > 0 } embedding ? embedding.ParameterCount / embedding.Units : 0;

    private static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        int j = 0;
        while (float.IsFinite(values[j])) j++;
        return j;
    }

    private static string Format(float value) =>
        float.IsNaN(value) ? "NaN" : float.IsPositiveInfinity(value) ? "+Infinity" : float.IsNegativeInfinity(value) ? "-Infinity" : value.ToString("R", CultureInfo.InvariantCulture);

    private static ArgumentException Bad(string what, int sample, string problem, string paramName) =>
        new($"Sample {sample} of the {what}: {problem}. Nothing was trained; fix or remove the sample.", paramName);
}
