namespace RnnGen;

/// <summary>Settings for <see cref="ModelExtensions.Fit"/>, named after Keras's <c>compile</c> and <c>fit</c> arguments.</summary>
public sealed class TrainingOptions
{
    /// <summary>Passes over the training data (Keras <c>epochs</c>, default 1).</summary>
    public int Epochs { get; set; } = 1;

    /// <summary>Samples per gradient step (Keras <c>batch_size</c>, default 32); the last batch of an epoch may be smaller.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>The loss to minimize (Keras <c>compile(loss=...)</c>).</summary>
    public required Loss Loss { get; set; }

    /// <summary>The optimizer (default <c>new Adam()</c>, Keras's <c>"adam"</c>). Keeps its state across Fit calls.</summary>
    public Optimizer Optimizer { get; set; } = new Adam();

    /// <summary>Metrics reported per epoch under their <see cref="Metric.Name"/> (and <c>val_</c> + name).</summary>
    public IList<Metric> Metrics { get; set; } = new List<Metric>();

    /// <summary>
    /// Fraction of the data held out for validation, taken from the END before shuffling (Keras <c>validation_split</c>).
    /// Ignored when <see cref="ValidationData"/> is set.
    /// </summary>
    public double ValidationSplit { get; set; }

    /// <summary>Separate validation samples (Keras <c>validation_data</c>).</summary>
    public Dataset? ValidationData { get; set; }

    /// <summary>Whether to shuffle the training samples before each epoch (Keras <c>shuffle</c>, default true).</summary>
    public bool Shuffle { get; set; } = true;

    /// <summary>Seed for the shuffling and the dropout masks (<see cref="IDropoutModel"/>): the same seed, model initialization and data give bit-identical weights.</summary>
    public int Seed { get; set; }

    /// <summary>
    /// Weight of each class in the training loss (Keras <c>fit(class_weight=...)</c>): a sample whose class is
    /// <c>c</c> has its loss and gradient multiplied by <c>ClassWeights[c]</c> (1 for a class that is not listed, as in
    /// Keras 3). The class is the label of a sparse target, the rounded target of a single binary output, or the argmax
    /// of a one-hot target. The batch loss stays Keras's <c>sum(w_i · loss_i) / batch size</c>; validation is unweighted.
    /// Metrics are not weighted. Not supported for sequence outputs (neither is it in Keras).
    /// </summary>
    public IReadOnlyDictionary<int, float>? ClassWeights { get; set; }

    /// <summary>
    /// Cores used by <see cref="ModelExtensions.Fit"/> (default <see cref="Environment.ProcessorCount"/>, all of them;
    /// 1 is single-threaded). The degree used is <c>min(Parallelism, BatchSize, training samples)</c>.
    /// </summary>
    /// <remarks>
    /// <para>It applies to a model that implements <see cref="IBatchModel"/>: each batch is cut into that many contiguous
    /// parts by a fixed partition, one per worker (the model and replicas of it sharing its parameters), and the
    /// workers' gradients and losses are summed in worker order. The same <see cref="Seed"/> and the same degree give
    /// bit-identical weights; a different degree sums in a different order, so the last bits differ (docs/determinism.md).
    /// Validation predicts on the same workers.</para>
    /// <para>A model that is not an <see cref="IBatchModel"/> trains sample by sample on the calling thread, and this
    /// setting has no effect.</para>
    /// <para>The workers call <see cref="Loss.Compute(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int)"/>
    /// concurrently, so a custom <see cref="RnnGen.Loss"/> must not keep mutable state (the built-in losses do not).
    /// Metrics and callbacks run on the calling thread only.</para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int Parallelism
    {
        get => _parallelism;
        set
        {
            if (value < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(Parallelism), value, "Parallelism must be at least 1 (1 is single-threaded).");
            }

            _parallelism = value;
        }
    }

    private int _parallelism = Environment.ProcessorCount;

    /// <summary>Callbacks, called in order.</summary>
    public IList<Callback> Callbacks { get; set; } = new List<Callback>();

    /// <summary>Whether to write one Keras-style progress line per epoch to <see cref="Output"/> (default true).</summary>
    public bool Verbose { get; set; } = true;

    /// <summary>Where progress goes; <c>null</c> means <see cref="Console.Out"/>.</summary>
    public TextWriter? Output { get; set; }

    /// <summary>Receives each epoch's result (for apps with their own progress display).</summary>
    public IProgress<EpochResult>? Progress { get; set; }
}
