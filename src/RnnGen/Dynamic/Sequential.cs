using System.Collections.ObjectModel;
using RnnGen.CompilerServices;
using RnnGen.Dynamic.Runtime;

namespace RnnGen.Dynamic;

/// <summary>
/// A Keras-style <c>Sequential</c> model whose shapes are given at run time: the same layers, math and parameter
/// layout as a generated model, implementing <see cref="IRnnModel"/>.
/// </summary>
/// <example>
/// The Keras model <c>Sequential([SimpleRNN(3, input_shape=(1, 5)), Dense(5, activation='softmax')])</c>:
/// <code>
/// var model = new Sequential(timesteps: 1, features: 5, seed: 42,
///     new SimpleRnnLayer(3),
///     new DenseLayer(5, Activation.Softmax));
/// model.Predict(input, output);
/// </code>
/// </example>
/// <remarks>
/// <para>
/// <see cref="Parameters"/> is one contiguous array: layer after layer, each in Keras <c>get_weights()</c> order.
/// All buffers (caches for <see cref="Backward(ReadOnlySpan{float}, Span{float})"/>, gradients, streaming state) are
/// allocated in the constructor. <see cref="Predict(ReadOnlySpan{float}, Span{float})"/> uses a per-thread workspace allocated on the first call on a
/// thread (and grown if a larger model is used), so it is thread-safe and allocation-free afterwards.
/// </para>
/// <para>
/// As an <see cref="IBatchModel"/> it also runs whole minibatches: every layer processes the <c>n</c> samples at once,
/// each timestep of a recurrent layer as a few small matrix–matrix products (<see cref="Kernels.Gemm"/>). The batch
/// buffers grow on the first call with a larger <c>n</c>; later calls allocate nothing. <see cref="CreateReplica"/> gives a
/// model that shares <see cref="Parameters"/> (the same array) with its own gradients and caches.
/// </para>
/// <para>
/// Rules, as in Keras: an <see cref="EmbeddingLayer"/> may only be first and needs <c>features == outputDim</c>;
/// a recurrent layer needs a sequence input (the model input, an Embedding, a recurrent layer with
/// <c>ReturnSequences</c>, or a Dense applied to a sequence), and so does a <see cref="BidirectionalLayer"/>.
/// A <see cref="MaskingLayer"/> may only be first, and not in a model with an Embedding (use <c>maskZero</c> there).
/// </para>
/// <para>
/// Masking (a <see cref="MaskingLayer"/> first, or an <see cref="EmbeddingLayer"/> with <c>maskZero</c>): the mask is
/// computed per sample and timestep from the model input and every member (Predict, Forward/Backward, the batched ones,
/// Step) follows it as Keras does; see <see cref="MaskingLayer"/>. States: <see cref="StateSize"/>,
/// <see cref="Predict(ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, Span{float})"/>, <see cref="ReadState"/> and
/// <see cref="WriteState"/>.
/// </para>
/// <para>
/// Dropout (a <see cref="DropoutLayer"/>, or a recurrent layer's <c>dropout</c>/<c>recurrentDropout</c>): the training
/// passes (<see cref="Forward"/>, <see cref="ForwardBatch"/>) draw every sample's masks from the sequence number
/// <see cref="SeedDropout"/> sets, and the backward passes use them; inference never drops. Two Dropout layers in a row
/// are refused.
/// </para>
/// </remarks>
public sealed partial class Sequential : IBatchModel, IDropoutModel
{
    [ThreadStatic]
    private static AlignedBuffer t_predictWorkspace;

    private readonly LayerRuntime[] _runtimes;
    private readonly int[] _parameterOffsets;
    private readonly AlignedBuffer _parameters;
    private readonly AlignedBuffer _gradients;

    // Workspace for Predict/Forward: per layer [output | cache].
    private readonly int[] _outputOffsets;
    private readonly int[] _cacheOffsets;
    private readonly int _workspaceLength;
    private readonly AlignedBuffer _workspace;

    // Masking (Sequential.Masking.cs): the first layer computes the mask; per sample it lives at the end of the workspace.
    private readonly LayerRuntime? _maskSource;
    private readonly int _maskOffset;

    // States (Sequential.States.cs): each layer's part of the public state.
    private readonly int[] _publicStateOffsets;
    private readonly AlignedBuffer _input;
    private bool _hasForward;

    // Backward: the gradient w.r.t. the output of layer i (i < last), and a shared scratch.
    private readonly int[] _gradientOffsets;
    private readonly AlignedBuffer _outputGradients;
    private readonly AlignedBuffer _scratch;

    // Streaming.
    private readonly bool _canStep;
    private readonly int[] _stateOffsets;
    private readonly AlignedBuffer _state;
    private readonly int[] _stepOutputOffsets;
    private readonly AlignedBuffer _stepOutputs;
    private int _position;

    private readonly ReadOnlyCollection<LayerInfo> _layers;

    // Batched training (Sequential.Batch.cs): one buffer grown to the largest n seen, laid out per call.
    private readonly int[] _batchOutputOffsets;
    private readonly int[] _batchCacheOffsets;
    private readonly int _innerOutputLength;
    private AlignedBuffer _batchBuffer;
    private int _batchCount = -1;
    private int _batchGradientOffset;
    private int _batchScratchOffset;

    /// <summary>
    /// Builds the model for inputs of shape <c>(timesteps, features)</c> and initializes the weights as Keras does,
    /// deterministically for <paramref name="seed"/> (the same weights as a generated model with the same layers and seed).
    /// </summary>
    /// <param name="timesteps">Timesteps per input sequence (at least 1).</param>
    /// <param name="features">Features per timestep (at least 1; with an Embedding: its output dimension).</param>
    /// <param name="seed">Seed of the one <see cref="Random"/> that initializes every layer in order.</param>
    /// <param name="layers">The layers, in order (at least one).</param>
    /// <exception cref="ArgumentException">The stack is not a valid Keras model (see remarks).</exception>
    public Sequential(int timesteps, int features, int seed, params Layer[] layers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timesteps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Length == 0) throw new ArgumentException("A model needs at least one layer.", nameof(layers));

        Timesteps = timesteps;
        Features = features;
        int count = layers.Length;
        _runtimes = new LayerRuntime[count];
        _parameterOffsets = new int[count];
        var infos = new List<LayerInfo>(count);
        var nameCounts = new Dictionary<string, int>();
        var summaryRows = new (string Name, string Shape, int Params)[count];

        bool isSequence = true;
        int rows = timesteps, width = features;
        int parameterCount = 0;
        float inputDropout = 0f;
        for (int i = 0; i < count; i++)
        {
            Layer layer = layers[i] ?? throw new ArgumentException($"Layer {i} is null.", nameof(layers));
            int[] inputShape = isSequence ? [timesteps, width] : [width];
            CheckMasking(layers, i);
            CheckDropout(layers, i);
            if (layer is EmbeddingLayer embedding)
            {
                if (i != 0) throw new ArgumentException($"Layer {i} is an Embedding: an Embedding must be the first layer.", nameof(layers));
                if (features != embedding.OutputDim)
                {
                    throw new ArgumentException(
                        $"With an Embedding first, features must equal its output dimension: expected {embedding.OutputDim}, but got {features}.", nameof(features));
                }

                width = 1;
                inputShape = [timesteps];
            }
            else if (layer is RecurrentLayer or BidirectionalLayer && !isSequence)
            {
                throw new ArgumentException(
                    $"Layer {i} ({layer.KerasClassName}) needs a sequence input: the recurrent layer before it must have ReturnSequences = true.", nameof(layers));
            }

            LayerRuntime runtime = layer.Bind(rows, width, isSequence);
            _runtimes[i] = runtime;
            _parameterOffsets[i] = parameterCount;

            // As in Keras, Bidirectional(LSTM(8)) names the LSTM too (lstm, lstm_1, ...): its weights are forward_lstm/..., backward_lstm/...
            var bidirectional = layer as BidirectionalLayer;
            Layer described = bidirectional?.ForwardLayer ?? layer;
            string? innerName = bidirectional is null ? null : NextName(nameCounts, described.KerasName);
            string name = NextName(nameCounts, layer.KerasName);

            TensorSpec[] specs = runtime is BidirectionalRuntime bidi ? bidi.Tensors(innerName!) : runtime.Tensors();
            var tensors = new TensorInfo[specs.Length];
            for (int k = 0; k < specs.Length; k++)
            {
                tensors[k] = new TensorInfo($"{name}/{specs[k].Suffix}", Array.AsReadOnly(specs[k].Shape), parameterCount + specs[k].Offset, specs[k].Length);
            }

            isSequence = runtime.OutputIsSequence;
            rows = runtime.OutputRows;
            width = runtime.Units;
            int[] outputShape = isSequence ? [timesteps, width] : [width];
            summaryRows[i] = ($"{name} ({layer.KerasClassName})", SummaryWriter.Shape(outputShape), runtime.ParameterCount);
            parameterCount += runtime.ParameterCount;

            // LayerInfo has no kind for Masking and Dropout (no weights): they are in the summary only, and a Dropout's rate
            // is the OutputDropout of the layer before it (InputDropout of the first layer when it comes first).
            if (layer is MaskingLayer) continue;
            if (layer is DropoutLayer dropout)
            {
                runtime.NumberDropout(infos.Count - 1);
                if (infos.Count == 0) inputDropout = dropout.Rate;
                else infos[^1] = infos[^1] with { OutputDropout = dropout.Rate };
                continue;
            }

            runtime.NumberDropout(infos.Count);
            infos.Add(new LayerInfo(
                name, layer.Kind, layer.Units, layer.Activation, runtime.OutputIsSequence, runtime.GoBackwards, layer.UseBias,
                Array.AsReadOnly(inputShape), Array.AsReadOnly(outputShape), _parameterOffsets[i], runtime.ParameterCount, Array.AsReadOnly(tensors))
            {
                ResetAfter = described is not GruLayer gru || gru.ResetAfter,
                RecurrentActivation = described switch { LstmLayer l => l.RecurrentActivation, GruLayer g => g.RecurrentActivation, _ => Activation.Sigmoid },
                Bidirectional = bidirectional is not null,
                Merge = bidirectional?.Merge ?? MergeMode.Concat,
                MaskZero = layer is EmbeddingLayer { MaskZero: true },
                MaskValue = infos.Count == 0 && i > 0 && layers[0] is MaskingLayer masking ? masking.MaskValue : null,
                Dropout = (described as RecurrentLayer)?.Dropout ?? 0f,
                RecurrentDropout = (described as RecurrentLayer)?.RecurrentDropout ?? 0f,
                InputDropout = infos.Count == 0 ? inputDropout : 0f,
            });
        }

        LayerRuntime first = _runtimes[0], last = _runtimes[count - 1];
        InputSize = first.InputLength;
        StepInputSize = first.InputWidth;
        OutputSize = last.OutputLength;
        StepOutputSize = last.Units;
        ParameterCount = parameterCount;
        _layers = infos.AsReadOnly();
        Summary = SummaryWriter.Write(summaryRows);

        _parameters = new(parameterCount);
        _gradients = new(parameterCount);
        var random = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            _runtimes[i].Initialize(LayerParameters(i), random);
        }

        _outputOffsets = new int[count];
        _cacheOffsets = new int[count];
        _gradientOffsets = new int[count];
        _stateOffsets = new int[count];
        _stepOutputOffsets = new int[count];
        _publicStateOffsets = new int[count];
        int workspace = 0, gradientsLength = 0, scratch = 0, state = 0, stepOutputs = 0, publicState = 0;
        _canStep = true;
        for (int i = 0; i < count; i++)
        {
            LayerRuntime r = _runtimes[i];
            _outputOffsets[i] = workspace;
            workspace += r.OutputLength;
            _cacheOffsets[i] = workspace;
            workspace += r.CacheLength;
            _gradientOffsets[i] = gradientsLength;
            if (i < count - 1) gradientsLength += r.OutputLength;
            scratch = Math.Max(scratch, r.ScratchLength);
            _stateOffsets[i] = state;
            state += r.StateLength;
            _stepOutputOffsets[i] = stepOutputs;
            stepOutputs += r.Units;
            _publicStateOffsets[i] = publicState;
            publicState += r.StateSize;
            _canStep &= r.CanStep;
        }

        StateSize = publicState;
        _maskSource = first.ComputesMask ? first : null;
        _maskOffset = workspace;
        if (_maskSource is not null) workspace += timesteps;
        _workspaceLength = workspace;
        _innerOutputLength = 0;
        for (int i = 0; i < count - 1; i++) _innerOutputLength = Math.Max(_innerOutputLength, _runtimes[i].OutputLength);
        _batchOutputOffsets = new int[count];
        _batchCacheOffsets = new int[count];
        _workspace = new(workspace);
        _input = new(InputSize);
        _outputGradients = new(gradientsLength);
        _scratch = new(scratch);
        _state = new(state);
        _stepOutputs = new(stepOutputs);
    }

    /// <summary>
    /// A replica of <paramref name="source"/>: the same layers and the same <see cref="Parameters"/> array, with its own
    /// gradients, caches, workspaces and streaming state.
    /// </summary>
    private Sequential(Sequential source)
    {
        Timesteps = source.Timesteps;
        Features = source.Features;
        InputSize = source.InputSize;
        StepInputSize = source.StepInputSize;
        OutputSize = source.OutputSize;
        StepOutputSize = source.StepOutputSize;
        ParameterCount = source.ParameterCount;
        Summary = source.Summary;
        _layers = source._layers;

        // Immutable after construction: shared.
        _runtimes = source._runtimes;
        _parameterOffsets = source._parameterOffsets;
        _parameters = source._parameters;
        _outputOffsets = source._outputOffsets;
        _cacheOffsets = source._cacheOffsets;
        _workspaceLength = source._workspaceLength;
        _gradientOffsets = source._gradientOffsets;
        _canStep = source._canStep;
        _stateOffsets = source._stateOffsets;
        _stepOutputOffsets = source._stepOutputOffsets;
        _innerOutputLength = source._innerOutputLength;
        _maskSource = source._maskSource;
        _maskOffset = source._maskOffset;
        _publicStateOffsets = source._publicStateOffsets;
        StateSize = source.StateSize;

        // Per instance.
        _gradients = new(source._gradients.Length);
        _workspace = new(source._workspace.Length);
        _input = new(source._input.Length);
        _outputGradients = new(source._outputGradients.Length);
        _scratch = new(source._scratch.Length);
        _state = new(source._state.Length);
        _stepOutputs = new(source._stepOutputs.Length);
        _batchOutputOffsets = new int[_runtimes.Length];
        _batchCacheOffsets = new int[_runtimes.Length];
    }

    /// <inheritdoc/>
    public int Timesteps { get; }

    /// <inheritdoc/>
    public int Features { get; }

    /// <inheritdoc/>
    public int InputSize { get; }

    /// <inheritdoc/>
    public int OutputSize { get; }

    /// <inheritdoc/>
    public int StepOutputSize { get; }

    /// <summary>Length of the input of one <see cref="Step"/>: <see cref="Features"/>, or 1 (a token id) for an Embedding model.</summary>
    public int StepInputSize { get; }

    /// <inheritdoc/>
    public int ParameterCount { get; }

    /// <inheritdoc/>
    public Span<float> Parameters => _parameters.Span;

    /// <inheritdoc/>
    public Span<float> Gradients => _gradients.Span;

    /// <inheritdoc/>
    public IReadOnlyList<LayerInfo> Layers => _layers;

    /// <inheritdoc/>
    public string Summary { get; }

    /// <inheritdoc/>
    public void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        Guard.Length(input.Length, InputSize, nameof(input));
        Guard.Length(output.Length, OutputSize, nameof(output));
        Span<float> ws = AlignedBuffer.Reserve(ref t_predictWorkspace, _workspaceLength);
        RunForward(input, ws, default, default, training: false);
        LastOutput(ws).CopyTo(output);
    }

    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        Guard.Length(input.Length, InputSize, nameof(input));
        Guard.Length(output.Length, OutputSize, nameof(output));
        _hasForward = false;
        input.CopyTo(_input.Span);
        RunForward(_input.Span, _workspace.Span, default, default, training: true);
        LastOutput(_workspace.Span).CopyTo(output);
        _hasForward = true;
        _dropoutSequence++;
    }

    /// <inheritdoc/>
    public void Backward(ReadOnlySpan<float> outputGradient)
    {
        Guard.Length(outputGradient.Length, OutputSize, nameof(outputGradient));
        RunBackward(outputGradient, default);
    }

    /// <inheritdoc/>
    /// <remarks><paramref name="inputGradient"/> is overwritten (not added to). For an Embedding model it is all zeros: token ids are not differentiable.</remarks>
    public void Backward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
    {
        Guard.Length(outputGradient.Length, OutputSize, nameof(outputGradient));
        Guard.Length(inputGradient.Length, InputSize, nameof(inputGradient));
        RunBackward(outputGradient, inputGradient);
    }

    /// <inheritdoc/>
    public void ResetState()
    {
        _state.Span.Clear();
        _position = 0;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// After <see cref="ResetState"/>, feeding the <see cref="Timesteps"/> rows of an input gives at the last step the
    /// output of <see cref="Predict(ReadOnlySpan{float}, Span{float})"/> (or, when the last layer returns sequences, row <c>t</c> of it at step <c>t</c>).
    /// </remarks>
    /// <exception cref="NotSupportedException">A layer has <c>GoBackwards</c> or is a <see cref="BidirectionalLayer"/>: it needs the whole sequence.</exception>
    public void Step(ReadOnlySpan<float> x, Span<float> y)
    {
        if (!_canStep) ThrowStepNotSupported();
        Guard.Length(x.Length, StepInputSize, nameof(x));
        Guard.Length(y.Length, StepOutputSize, nameof(y));
        bool masked = IsMaskedStep(x);
        ReadOnlySpan<float> current = x;
        int last = _runtimes.Length - 1;
        for (int i = 0; i <= last; i++)
        {
            LayerRuntime r = _runtimes[i];
            Span<float> next = i == last ? y : _stepOutputs.Span.Slice(_stepOutputOffsets[i], r.Units);
            r.Step(LayerParameters(i), current, next, _state.Span.Slice(_stateOffsets[i], r.StateLength), _scratch.Span, _position, masked);
            current = next;
        }

        _position++;
    }

    /// <summary>The Keras-style summary.</summary>
    public override string ToString() => Summary;

    /// <summary>The Keras name for the next layer of a kind: <c>lstm</c>, then <c>lstm_1</c>, <c>lstm_2</c>, ...</summary>
    private static string NextName(Dictionary<string, int> counts, string kerasName)
    {
        counts.TryGetValue(kerasName, out int seen);
        counts[kerasName] = seen + 1;
        return seen == 0 ? kerasName : $"{kerasName}_{seen}";
    }

    private void ThrowStepNotSupported()
    {
        foreach (LayerInfo layer in _layers)
        {
            if (layer.Bidirectional)
            {
                throw new NotSupportedException(
                    $"Step is not available for a model with a Bidirectional layer ('{layer.Name}'): its backward direction needs the whole sequence. Use Predict.");
            }
        }

        Guard.ThrowStepGoBackwards();
    }

    private Span<float> LayerParameters(int i) => _parameters.Span.Slice(_parameterOffsets[i], _runtimes[i].ParameterCount);

    private Span<float> LayerGradients(int i) => _gradients.Span.Slice(_parameterOffsets[i], _runtimes[i].ParameterCount);

    private Span<float> LastOutput(Span<float> ws)
    {
        int last = _runtimes.Length - 1;
        return ws.Slice(_outputOffsets[last], _runtimes[last].OutputLength);
    }

    /// <summary>
    /// Every layer forward, under the model's mask (computed into the workspace) and from <paramref name="initialState"/>
    /// (empty: zeros); a <paramref name="training"/> pass (always from zeros) applies dropout, drawn from the current sequence number.
    /// </summary>
    private void RunForward(ReadOnlySpan<float> input, Span<float> ws, ReadOnlySpan<float> initialState, Span<float> finalState, bool training)
    {
        ReadOnlySpan<float> mask = ComputeMask(input, ws);
        ReadOnlySpan<float> x = input;
        for (int i = 0; i < _runtimes.Length; i++)
        {
            LayerRuntime r = _runtimes[i];
            Span<float> y = ws.Slice(_outputOffsets[i], r.OutputLength);
            Span<float> cache = ws.Slice(_cacheOffsets[i], r.CacheLength);
            if (training && r.HasDropout) r.ForwardDropout(LayerParameters(i), x, y, cache, mask, new DropoutDraw(_dropoutSeed, _dropoutSequence));
            else r.Forward(LayerParameters(i), x, y, cache, mask, LayerState(initialState, i), LayerState(finalState, i));
            x = y;
        }
    }

    private void RunBackward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
    {
        if (!_hasForward) Guard.ThrowBackwardWithoutForward();
        Span<float> ws = _workspace.Span;
        ReadOnlySpan<float> mask = Mask(ws);
        ReadOnlySpan<float> dy = outputGradient;
        for (int i = _runtimes.Length - 1; i >= 0; i--)
        {
            LayerRuntime r = _runtimes[i];
            ReadOnlySpan<float> x = i == 0 ? _input.Span : ws.Slice(_outputOffsets[i - 1], r.InputLength);
            Span<float> dx = i == 0 ? inputGradient : _outputGradients.Span.Slice(_gradientOffsets[i - 1], r.InputLength);
            r.Backward(
                LayerParameters(i), LayerGradients(i),
                x, ws.Slice(_outputOffsets[i], r.OutputLength), ws.Slice(_cacheOffsets[i], r.CacheLength),
                dy, dx, _scratch.Span, mask);
            dy = dx;
        }
    }
}
