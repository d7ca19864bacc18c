namespace RnnGen;

/// <summary>Activation functions, named as in Keras (<c>activation='tanh'</c>, ...).</summary>
public enum Activation
{
    /// <summary><c>f(x) = x</c> (Keras <c>None</c> / <c>'linear'</c>).</summary>
    Linear,
    /// <summary><c>f(x) = tanh(x)</c>.</summary>
    Tanh,
    /// <summary><c>f(x) = 1 / (1 + exp(-x))</c>.</summary>
    Sigmoid,
    /// <summary><c>f(x) = max(0, x)</c>.</summary>
    Relu,
    /// <summary><c>f(x)_j = exp(x_j) / sum_k exp(x_k)</c>. Dense layers only.</summary>
    Softmax,
    /// <summary>
    /// <c>f(x) = clip(0.2 x + 0.5, 0, 1)</c> (Keras 2 and TensorFlow.js <c>'hard_sigmoid'</c> / <c>'hardSigmoid'</c>, the
    /// TensorFlow.js default <c>recurrentActivation</c> of LSTM and GRU). Its derivative is 0.2 where the output is
    /// strictly between 0 and 1, else 0. Keras 3's <c>hard_sigmoid</c> (<c>relu6(x + 3) / 6</c>) is a different function.
    /// </summary>
    HardSigmoid,
}

/// <summary>How a bidirectional layer combines its forward and backward outputs (Keras <c>merge_mode</c>).</summary>
public enum MergeMode
{
    /// <summary>Forward then backward output, side by side: twice the units (Keras <c>'concat'</c>).</summary>
    Concat,
    /// <summary>Element-wise sum (Keras <c>'sum'</c>).</summary>
    Sum,
    /// <summary>Element-wise product (Keras <c>'mul'</c>).</summary>
    Multiply,
    /// <summary>Element-wise mean of the two (Keras <c>'ave'</c>).</summary>
    Average,
}

/// <summary>How the generator lays out loops (see docs/benchmarks.md for the crossover).</summary>
public enum UnrollMode
{
    /// <summary>Straight-line code for small models, constant-bound loops for large ones.</summary>
    Auto,
    /// <summary>Always straight-line code (split into one method per layer and timestep when large).</summary>
    Full,
    /// <summary>Always constant-bound loops over the runtime's vectorized kernels.</summary>
    Loops,
    /// <summary>
    /// Vector code for the recurrent layers: unrolled within a timestep, the state in vector registers, the input projection
    /// hoisted out of the recurrence, a loop over time; the widest accelerated vector width is picked at JIT time.
    /// </summary>
    Vector,
}

/// <summary>
/// Declares a model: put it on a non-generic, non-static <c>partial class</c>, followed by the
/// layer attributes in order, as in a Keras <c>Sequential([...])</c> with
/// <c>input_shape=(timesteps, features)</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class RnnModelAttribute(int timesteps, int features) : Attribute
{
    /// <summary>Number of timesteps in one input sequence.</summary>
    public int Timesteps { get; } = timesteps;

    /// <summary>Number of features per timestep.</summary>
    public int Features { get; } = features;

    /// <summary>Overrides the unrolling choice. Default <see cref="UnrollMode.Auto"/>.</summary>
    public UnrollMode Unroll { get; set; } = UnrollMode.Auto;

    /// <summary>
    /// Freezes the weights at build time: a safetensors file (Keras tensor names) that is also the project item
    /// <c>&lt;RnnGenWeights Include="..." /&gt;</c>. The generator checks every tensor against the declaration and
    /// embeds the values in the assembly; the parameterless constructor starts from them, with no file read at run
    /// time. <c>Parameters</c> stays writable, so a frozen model can still be trained further. Default: none.
    /// </summary>
    public string? Weights { get; set; }
}

/// <summary>Keras <c>SimpleRNN(units)</c>: <c>h_t = act(x_t K + h_{t-1} R + b)</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SimpleRnnAttribute(int units) : Attribute
{
    /// <summary>Number of hidden units.</summary>
    public int Units { get; } = units;
    /// <summary>Output activation. Default tanh.</summary>
    public Activation Activation { get; set; } = Activation.Tanh;
    /// <summary>Return the whole sequence instead of the last state.</summary>
    public bool ReturnSequences { get; set; }
    /// <summary>Whether the layer has a bias vector.</summary>
    public bool UseBias { get; set; } = true;
    /// <summary>Process the input sequence backwards (the output sequence is in processing order, as in Keras).</summary>
    public bool GoBackwards { get; set; }
    /// <summary>
    /// Keras <c>Bidirectional(layer)</c>: run the layer forwards and a copy of it backwards over the same input and
    /// merge the two outputs (<see cref="Merge"/>). The weights are the forward layer's, then the backward layer's.
    /// </summary>
    public bool Bidirectional { get; set; }
    /// <summary>How a <see cref="Bidirectional"/> layer combines its two directions (Keras <c>merge_mode</c>). Default concat.</summary>
    public MergeMode Merge { get; set; } = MergeMode.Concat;
    /// <summary>
    /// Keras <c>dropout</c>: the fraction of the input features dropped, in training only, with one mask per sequence
    /// (inverted scaling). In [0, 1); default 0. The masks are deterministic per <see cref="TrainingOptions.Seed"/>.
    /// </summary>
    public float Dropout { get; set; }
    /// <summary>
    /// Keras <c>recurrent_dropout</c>: the fraction of the previous state dropped before the recurrent product, in
    /// training only, with one mask per sequence (as Keras 3, one mask per gate, and per gate input masks too). In
    /// [0, 1); default 0.
    /// </summary>
    public float RecurrentDropout { get; set; }
}

/// <summary>Keras <c>LSTM(units)</c>; gates i, f, c, o.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LstmAttribute(int units) : Attribute
{
    /// <summary>Number of hidden units.</summary>
    public int Units { get; } = units;
    /// <summary>Cell and output activation. Default tanh.</summary>
    public Activation Activation { get; set; } = Activation.Tanh;
    /// <summary>
    /// Keras <c>recurrent_activation</c>: the activation of the gates i, f and o. Default sigmoid (Keras); use
    /// <see cref="Activation.HardSigmoid"/> to load TensorFlow.js's defaults. Softmax is refused (RNNG021).
    /// </summary>
    public Activation RecurrentActivation { get; set; } = Activation.Sigmoid;
    /// <summary>Return the whole sequence instead of the last state.</summary>
    public bool ReturnSequences { get; set; }
    /// <summary>Whether the layer has a bias vector.</summary>
    public bool UseBias { get; set; } = true;
    /// <summary>Process the input sequence backwards.</summary>
    public bool GoBackwards { get; set; }
    /// <summary>
    /// Keras <c>Bidirectional(layer)</c>: run the layer forwards and a copy of it backwards over the same input and
    /// merge the two outputs (<see cref="Merge"/>). The weights are the forward layer's, then the backward layer's.
    /// </summary>
    public bool Bidirectional { get; set; }
    /// <summary>How a <see cref="Bidirectional"/> layer combines its two directions (Keras <c>merge_mode</c>). Default concat.</summary>
    public MergeMode Merge { get; set; } = MergeMode.Concat;
    /// <summary>
    /// Keras <c>dropout</c>: the fraction of the input features dropped, in training only, with one mask per sequence
    /// (inverted scaling). In [0, 1); default 0. The masks are deterministic per <see cref="TrainingOptions.Seed"/>.
    /// </summary>
    public float Dropout { get; set; }
    /// <summary>
    /// Keras <c>recurrent_dropout</c>: the fraction of the previous state dropped before the recurrent product, in
    /// training only, with one mask per sequence (as Keras 3, one mask per gate, and per gate input masks too). In
    /// [0, 1); default 0.
    /// </summary>
    public float RecurrentDropout { get; set; }
}

/// <summary>Keras <c>GRU(units)</c>; gates z, r, h.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GruAttribute(int units) : Attribute
{
    /// <summary>Number of hidden units.</summary>
    public int Units { get; } = units;
    /// <summary>Candidate activation. Default tanh.</summary>
    public Activation Activation { get; set; } = Activation.Tanh;
    /// <summary>
    /// Keras <c>recurrent_activation</c>: the activation of the update and reset gates z and r. Default sigmoid (Keras);
    /// use <see cref="Activation.HardSigmoid"/> (with <c>ResetAfter = false</c>) to load TensorFlow.js's defaults.
    /// Softmax is refused (RNNG021).
    /// </summary>
    public Activation RecurrentActivation { get; set; } = Activation.Sigmoid;
    /// <summary>Return the whole sequence instead of the last state.</summary>
    public bool ReturnSequences { get; set; }
    /// <summary>Whether the layer has bias vectors.</summary>
    public bool UseBias { get; set; } = true;
    /// <summary>Process the input sequence backwards.</summary>
    public bool GoBackwards { get; set; }
    /// <summary>
    /// Keras <c>Bidirectional(layer)</c>: run the layer forwards and a copy of it backwards over the same input and
    /// merge the two outputs (<see cref="Merge"/>). The weights are the forward layer's, then the backward layer's.
    /// </summary>
    public bool Bidirectional { get; set; }
    /// <summary>How a <see cref="Bidirectional"/> layer combines its two directions (Keras <c>merge_mode</c>). Default concat.</summary>
    public MergeMode Merge { get; set; } = MergeMode.Concat;
    /// <summary>
    /// Keras <c>dropout</c>: the fraction of the input features dropped, in training only, with one mask per sequence
    /// (inverted scaling). In [0, 1); default 0. The masks are deterministic per <see cref="TrainingOptions.Seed"/>.
    /// </summary>
    public float Dropout { get; set; }
    /// <summary>
    /// Keras <c>recurrent_dropout</c>: the fraction of the previous state dropped before the recurrent product, in
    /// training only, with one mask per sequence (as Keras 3, one mask per gate, and per gate input masks too). In
    /// [0, 1); default 0.
    /// </summary>
    public float RecurrentDropout { get; set; }
    /// <summary>Apply the reset gate after the recurrent matmul (Keras 2 default, PyTorch's formulation). Bias is then <c>[2, 3u]</c>.</summary>
    public bool ResetAfter { get; set; } = true;
}

/// <summary>Keras <c>Dense(units)</c>: <c>y = act(x W + b)</c>; applied per timestep after a sequence.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DenseAttribute(int units) : Attribute
{
    /// <summary>Number of output units.</summary>
    public int Units { get; } = units;
    /// <summary>Output activation. Default linear.</summary>
    public Activation Activation { get; set; } = Activation.Linear;
    /// <summary>Whether the layer has a bias vector.</summary>
    public bool UseBias { get; set; } = true;
}

/// <summary>
/// Keras <c>Embedding(input_dim, output_dim)</c>: token id → row of a <c>[inputDim, outputDim]</c> table.
/// First layer only; the model then takes token ids and <c>features</c> must equal <paramref name="outputDim"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class EmbeddingAttribute(int inputDim, int outputDim) : Attribute
{
    /// <summary>Vocabulary size: ids are in <c>[0, InputDim)</c>.</summary>
    public int InputDim { get; } = inputDim;
    /// <summary>Length of each embedding vector.</summary>
    public int OutputDim { get; } = outputDim;
    /// <summary>
    /// Keras <c>mask_zero</c>: token id 0 is padding. A timestep whose id is 0 is masked: every recurrent layer carries its
    /// state and its last output over it, and it contributes nothing to the gradients. Default false.
    /// </summary>
    public bool MaskZero { get; set; }
}

/// <summary>
/// Keras <c>Masking(mask_value)</c>, a first layer for float input: a timestep whose features all equal
/// <paramref name="maskValue"/> is masked (its input becomes zeros, and every recurrent layer carries its state and its
/// last output over it, contributing nothing to the gradients). It has no weights.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MaskingAttribute(float maskValue = 0f) : Attribute
{
    /// <summary>The value that marks a padded timestep when every feature has it.</summary>
    public float MaskValue { get; } = maskValue;
}

/// <summary>
/// Keras <c>Dropout(rate)</c>, a layer without weights: in training (<c>Forward</c>, <c>ForwardBatch</c>, and so
/// <c>Fit</c>) each element of its input is dropped with probability <paramref name="rate"/> and the rest scaled by
/// <c>1 / (1 - rate)</c>; <c>Predict</c> and <c>Step</c> pass the input through. On a sequence every element of every
/// timestep has its own draw (Keras's <c>noise_shape=None</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DropoutAttribute(float rate) : Attribute
{
    /// <summary>The fraction of the input dropped, in [0, 1).</summary>
    public float Rate { get; } = rate;
}
