namespace RnnGen.Generator.Model;

/// <summary>Mirror of <c>RnnGen.LayerKind</c> (same order), so no runtime type is needed at build time.</summary>
internal enum LayerKind
{
    SimpleRnn,
    Lstm,
    Gru,
    Dense,
    Embedding,
}

/// <summary>Mirror of <c>RnnGen.Activation</c> (same order).</summary>
internal enum ActivationKind
{
    Linear,
    Tanh,
    Sigmoid,
    Relu,
    Softmax,
    HardSigmoid,
}

/// <summary>Mirror of <c>RnnGen.MergeMode</c> (same order).</summary>
internal enum MergeKind
{
    Concat,
    Sum,
    Multiply,
    Average,
}

/// <summary>Mirror of <c>RnnGen.UnrollMode</c> (same order).</summary>
internal enum UnrollKind
{
    Auto,
    Full,
    Loops,
    Vector,
}

/// <summary>One layer attribute, as written. <see cref="InputDim"/> is used by Embedding only.</summary>
internal sealed record LayerSpec(
    LayerKind Kind,
    int Units,
    ActivationKind Activation,
    bool ReturnSequences,
    bool UseBias,
    bool GoBackwards,
    bool ResetAfter,
    int InputDim)
{
    /// <summary>Lstm and Gru: the gate activation (Keras <c>recurrent_activation</c>); Sigmoid for every other kind.</summary>
    public ActivationKind RecurrentActivation { get; init; } = ActivationKind.Sigmoid;

    /// <summary>Recurrent layers: Keras <c>Bidirectional</c>, a forward and a backward copy merged by <see cref="Merge"/>.</summary>
    public bool Bidirectional { get; init; }

    /// <summary>How a <see cref="Bidirectional"/> layer merges its directions.</summary>
    public MergeKind Merge { get; init; }

    /// <summary>Width of the layer's output per timestep: twice the units for a concatenated bidirectional layer.</summary>
    public int OutputWidth => Bidirectional && Merge == MergeKind.Concat ? 2 * Units : Units;

    /// <summary>Embedding: Keras <c>mask_zero</c>, token 0 masks its timestep.</summary>
    public bool MaskZero { get; init; }

    /// <summary>Parameter sets: 2 for a bidirectional layer (forward, then backward), else 1.</summary>
    public int Directions => Bidirectional ? 2 : 1;

    /// <summary>Keras <c>dropout</c> of a recurrent layer: the rate its input is dropped at in training; 0 for none.</summary>
    public float Dropout { get; init; }

    /// <summary>Keras <c>recurrent_dropout</c> of a recurrent layer: the rate its previous state is dropped at before the recurrent product.</summary>
    public float RecurrentDropout { get; init; }

    /// <summary>The rate of a <c>[Dropout]</c> layer right after this one; 0 for none.</summary>
    public float OutputDropout { get; init; }

    /// <summary>Whether the layer drops anything in training (its own options or a Dropout layer after it).</summary>
    public bool HasDropout => Dropout > 0f || RecurrentDropout > 0f || OutputDropout > 0f;
}

/// <summary>A containing type of the model class, for re-opening it as <c>partial</c>.</summary>
internal sealed record ContainingType(string Keyword, string Name);

/// <summary>
/// Everything the emitter needs, as plain values: no symbols, no syntax, no locations.
/// Two specs are equal exactly when they would produce the same source.
/// </summary>
internal sealed record ModelSpec(
    string? Namespace, // unescaped identifiers joined by dots
    EquatableArray<ContainingType> ContainingTypes,
    string ClassName,
    int Timesteps,
    int Features,
    UnrollKind Unroll,
    bool UseLoops,
    EquatableArray<LayerSpec> Layers)
{
    /// <summary>The value of a <c>[Masking(value)]</c> first layer, or null for a model without one.</summary>
    public float? MaskValue { get; init; }

    /// <summary>Whether timesteps can be masked: a <c>[Masking]</c> layer, or an Embedding with <c>MaskZero</c>.</summary>
    public bool Masked => MaskValue is not null || (Layers.Count > 0 && Layers[0].MaskZero);

    /// <summary>The rate of a <c>[Dropout]</c> layer in front of the first layer; 0 for none.</summary>
    public float InputDropout { get; init; }

    /// <summary>Whether training drops anything: a Dropout layer or a recurrent layer's Dropout or RecurrentDropout.</summary>
    public bool HasDropout
    {
        get
        {
            if (InputDropout > 0f) return true;
            foreach (LayerSpec layer in Layers)
            {
                if (layer.HasDropout) return true;
            }

            return false;
        }
    }

    /// <summary>The <c>&lt;RnnGenWeights&gt;</c> item the weights are frozen from, or null for a model without <c>Weights</c>.</summary>
    public string? WeightsFile { get; init; }

    /// <summary>With <see cref="WeightsFile"/>: every parameter, in <c>Parameters</c> layout, checked against the declaration.</summary>
    public EquatableArray<float> FrozenParameters { get; init; }

    /// <summary>
    /// <c>Namespace.Outer.Class</c> with unescaped identifiers: unique per model (the hint name is derived from it,
    /// sanitized and made unique ignoring case, by <c>Emit.Identifiers.HintName</c>).
    /// </summary>
    public string FullName
    {
        get
        {
            var parts = new System.Collections.Generic.List<string>();
            if (Namespace is not null) parts.Add(Namespace);
            foreach (ContainingType type in ContainingTypes) parts.Add(type.Name);
            parts.Add(ClassName);
            return string.Join(".", parts);
        }
    }
}
