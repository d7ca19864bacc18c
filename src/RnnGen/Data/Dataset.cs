namespace RnnGen;

/// <summary>
/// Samples in flat storage: <see cref="Inputs"/> holds <c>Count * InputSize</c> floats and <see cref="Targets"/>
/// <c>Count * TargetSize</c>, sample <c>i</c> at offset <c>i * size</c>. Sparse labels are one float per class vector.
/// </summary>
public sealed class Dataset
{
    /// <summary>Wraps flat arrays (not copied).</summary>
    /// <param name="inputs">Inputs, <c>count * inputSize</c> floats.</param>
    /// <param name="targets">Targets, <c>count * targetSize</c> floats.</param>
    /// <param name="inputSize">Floats per input.</param>
    /// <param name="targetSize">Floats per target.</param>
    /// <exception cref="ArgumentException">A size is not positive, or the arrays do not hold the same whole number of samples.</exception>
    public Dataset(float[] inputs, float[] targets, int inputSize, int targetSize)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (inputSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, "The input size must be positive.");
        }

        if (targetSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(targetSize), targetSize, "The target size must be positive.");
        }

        if (inputs.Length % inputSize != 0)
        {
            throw new ArgumentException(
                $"Expected the input array length {inputs.Length} to be a multiple of the input size {inputSize}.", nameof(inputs));
        }

        int count = inputs.Length / inputSize;
        if (targets.Length != count * targetSize)
        {
            throw new ArgumentException(
                $"Expected {count} targets of size {targetSize} ({count * targetSize} floats) to match {count} inputs, but got {targets.Length} floats.",
                nameof(targets));
        }

        Inputs = inputs;
        Targets = targets;
        InputSize = inputSize;
        TargetSize = targetSize;
        Count = count;
    }

    /// <summary>All inputs, flat: sample <c>i</c> is <c>Inputs[i*InputSize .. (i+1)*InputSize)</c>.</summary>
    public float[] Inputs { get; }

    /// <summary>All targets, flat: sample <c>i</c> is <c>Targets[i*TargetSize .. (i+1)*TargetSize)</c>.</summary>
    public float[] Targets { get; }

    /// <summary>Number of samples.</summary>
    public int Count { get; }

    /// <summary>Floats per input.</summary>
    public int InputSize { get; }

    /// <summary>Floats per target (1 for a single sparse label).</summary>
    public int TargetSize { get; }

    /// <summary>The input of sample <paramref name="i"/>.</summary>
    /// <param name="i">Sample index.</param>
    /// <returns>A view into <see cref="Inputs"/>.</returns>
    public ReadOnlySpan<float> Input(int i) => Inputs.AsSpan(i * InputSize, InputSize);

    /// <summary>The target of sample <paramref name="i"/>.</summary>
    /// <param name="i">Sample index.</param>
    /// <returns>A view into <see cref="Targets"/>.</returns>
    public ReadOnlySpan<float> Target(int i) => Targets.AsSpan(i * TargetSize, TargetSize);

    /// <summary>Builds a dataset from one array per sample (copied).</summary>
    /// <param name="inputs">One input per sample, all the same length.</param>
    /// <param name="targets">One target per sample, all the same length.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="ArgumentException">Counts differ, there are no samples, or a row's length differs from row 0 (the message names the index and both lengths).</exception>
    public static Dataset FromArrays(float[][] inputs, float[][] targets)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (inputs.Length != targets.Length)
        {
            throw new ArgumentException($"Expected one target per input ({inputs.Length}), but got {targets.Length} targets.", nameof(targets));
        }

        if (inputs.Length == 0)
        {
            throw new ArgumentException("Expected at least one sample, but got 0.", nameof(inputs));
        }

        return new Dataset(Flatten(inputs, nameof(inputs)), Flatten(targets, nameof(targets)), inputs[0].Length, targets[0].Length);
    }

    /// <summary>One-hot vector: <c>v[label] = 1</c>, else 0 (Keras <c>to_categorical</c>).</summary>
    /// <param name="label">Class index in <c>[0, classes)</c>.</param>
    /// <param name="classes">Number of classes.</param>
    /// <returns>A new array of length <paramref name="classes"/>.</returns>
    public static float[] OneHot(int label, int classes)
    {
        if ((uint)label >= (uint)classes)
        {
            throw new ArgumentOutOfRangeException(nameof(label), label, $"Expected a label in [0, {classes}).");
        }

        var v = new float[classes];
        v[label] = 1f;
        return v;
    }

    /// <summary>
    /// Replaces sparse targets (<see cref="TargetSize"/> integer labels per sample) with one-hot targets of
    /// <c>TargetSize * classes</c> floats, as Keras <c>to_categorical</c> on the label array.
    /// </summary>
    /// <param name="classes">Number of classes.</param>
    /// <returns>A new dataset sharing <see cref="Inputs"/>.</returns>
    /// <exception cref="ArgumentException">A label is not an integer in <c>[0, classes)</c>; the message names the sample.</exception>
    public Dataset OneHotTargets(int classes)
    {
        if (classes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(classes), classes, "The class count must be positive.");
        }

        var targets = new float[Targets.Length * classes];
        for (int k = 0; k < Targets.Length; k++)
        {
            float label = Targets[k];
            int y = (int)label;
            if (y != label || y < 0 || y >= classes)
            {
                throw new ArgumentException(
                    $"Sample {k / TargetSize}: label {label} is not an integer in [0, {classes}).", nameof(classes));
            }

            targets[k * classes + y] = 1f;
        }

        return new Dataset(Inputs, targets, InputSize, TargetSize * classes);
    }

    /// <summary>A copy with the samples in a random order (Fisher-Yates with <c>new Random(seed)</c>); deterministic per seed.</summary>
    /// <param name="seed">Random seed.</param>
    /// <returns>A new dataset.</returns>
    public Dataset Shuffle(int seed)
    {
        int[] order = new int[Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Permute(order, new Random(seed));
        return Select(order);
    }

    /// <summary>
    /// Splits off the LAST <paramref name="validationFraction"/> of the samples for validation, as Keras's
    /// <c>validation_split</c> does (before any shuffling): the first <c>floor(Count * (1 - fraction))</c> samples train.
    /// </summary>
    /// <param name="validationFraction">Fraction in <c>[0, 1)</c>.</param>
    /// <returns>The training set and the validation set (<c>null</c> when the fraction leaves it no sample).</returns>
    public (Dataset Train, Dataset? Validation) Split(double validationFraction)
    {
        if (!(validationFraction >= 0 && validationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "Expected a fraction in [0, 1).");
        }

        int trainCount = (int)(Count * (1 - validationFraction));
        if (trainCount == 0)
        {
            throw new ArgumentException(
                $"A validation fraction of {validationFraction} leaves no training sample out of {Count}.", nameof(validationFraction));
        }

        if (trainCount == Count)
        {
            return (this, null);
        }

        return (Range(0, trainCount), Range(trainCount, Count - trainCount));
    }

    /// <summary>A copy of the samples <c>[start, start + count)</c>.</summary>
    /// <param name="start">First sample.</param>
    /// <param name="count">Number of samples.</param>
    /// <returns>A new dataset.</returns>
    public Dataset Range(int start, int count)
    {
        if (start < 0 || count <= 0 || start + count > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"Expected a non-empty range inside [0, {Count}), but got start {start}, count {count}.");
        }

        return new Dataset(
            Inputs.AsSpan(start * InputSize, count * InputSize).ToArray(),
            Targets.AsSpan(start * TargetSize, count * TargetSize).ToArray(),
            InputSize,
            TargetSize);
    }

    /// <summary>
    /// Checks that the samples fit <paramref name="model"/>: <see cref="InputSize"/> equals the model's input size, and
    /// <see cref="TargetSize"/> is either the output size (dense targets) or the number of class vectors in the output
    /// (sparse labels: 1, or <c>Timesteps</c> for a sequence output).
    /// </summary>
    /// <param name="model">The model.</param>
    /// <exception cref="ArgumentException">A size does not fit; the message gives both numbers.</exception>
    public void EnsureFits(IRnnModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (InputSize != model.InputSize)
        {
            throw new ArgumentException(
                $"The model expects inputs of {model.InputSize} floats (Timesteps {model.Timesteps} x Features {model.Features}), but the dataset's inputs have {InputSize}.",
                nameof(model));
        }

        int vectors = model.StepOutputSize > 0 ? model.OutputSize / model.StepOutputSize : 1;
        if (TargetSize != model.OutputSize && TargetSize != vectors)
        {
            throw new ArgumentException(
                $"The model's output has {model.OutputSize} floats, so targets must have {model.OutputSize} floats (dense) or {vectors} (sparse labels), but the dataset's targets have {TargetSize}.",
                nameof(model));
        }
    }

    internal static void Permute(Span<int> order, Random random)
    {
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }

    private Dataset Select(int[] order)
    {
        var inputs = new float[Inputs.Length];
        var targets = new float[Targets.Length];
        for (int i = 0; i < order.Length; i++)
        {
            Input(order[i]).CopyTo(inputs.AsSpan(i * InputSize));
            Target(order[i]).CopyTo(targets.AsSpan(i * TargetSize));
        }

        return new Dataset(inputs, targets, InputSize, TargetSize);
    }

    private static float[] Flatten(float[][] rows, string paramName)
    {
        int size = rows[0]?.Length ?? throw new ArgumentNullException(paramName, "Row 0 is null.");
        if (size == 0)
        {
            throw new ArgumentException("Row 0 is empty: expected at least one value per sample.", paramName);
        }

        var flat = new float[rows.Length * size];
        for (int i = 0; i < rows.Length; i++)
        {
            float[]? row = rows[i];
            if (row is null)
            {
                throw new ArgumentNullException(paramName, $"Row {i} is null.");
            }

            if (row.Length != size)
            {
                throw new ArgumentException($"Row {i} has length {row.Length}, but row 0 has length {size}; every row must have the same length.", paramName);
            }

            row.CopyTo(flat, i * size);
        }

        return flat;
    }
}
