using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit;

/// <summary>Turns a <see cref="ModelSpec"/> into the source of the model class. Layer math lives in the layer emitters.</summary>
internal static class ModelEmitter
{
    public const string Version = "0.1.0";

    /// <summary>
    /// Predict keeps its workspace on the stack up to this many floats (zeroing a small stackalloc is cheaper than a
    /// thread-static lookup); above it, a per-thread buffer allocated on first use, so large models neither zero
    /// kilobytes per call nor risk the stack.
    /// </summary>
    private const int StackWorkspaceLimit = 1024;

    public static string Emit(ModelSpec spec) => new Builder(spec).Build();

    /// <summary>A float as a C# literal, exactly (round-trip digits), including NaN and the infinities.</summary>
    internal static string FloatLiteral(float value) =>
        float.IsNaN(value) ? "float.NaN" : float.IsPositiveInfinity(value) ? "float.PositiveInfinity" : float.IsNegativeInfinity(value) ? "float.NegativeInfinity"
        : value.ToString("R", CultureInfo.InvariantCulture) + "f";

    private sealed class Builder
    {
        private readonly ModelSpec _spec;
        private readonly ModelPlan _plan;
        private readonly LayerEmitter[] _layers;
        private readonly int[] _workspaceOffsets;
        private readonly int[] _deltaOffsets;
        private readonly int[] _stateOffsets;
        private readonly int _workspaceSize;
        private readonly int _deltaSize;
        private readonly int _stateSize;
        private readonly int _scratchSize;
        private readonly Batch.LaneLayer[][] _lanes;
        private readonly int _laneScratchSize;
        private readonly int _maskOffset;
        private readonly CodeWriter _w = new();

        // Dropout (training only, in the batched tier): PredictBatch's lane layers without it, every mask the training
        // pass draws, each layer's cell masks, and the masks and dropped copies of the [Dropout] layers (after layer i;
        // index 0 of _layerDropouts is the model's input), all after the layers' workspace in TrainingWorkspaceSize.
        private readonly Batch.LaneLayer[][] _inferenceLanes;
        private readonly List<DropoutSite> _dropoutSites = new();
        private readonly int[] _cellDropoutOffsets;
        private readonly (int Mask, int Dropped, int Length, float Rate)?[] _layerDropouts;
        private readonly int _trainingWorkspaceSize;

        /// <summary>One mask the training pass draws per sample: where it lives, its length, rate and stream.</summary>
        private sealed record DropoutSite(int Offset, int Length, float Rate, int Stream, string What);

        /// <summary>
        /// <c>RnnGen.CompilerServices.Dropout.Stream</c> (the generator does not reference the runtime): mask
        /// <paramref name="index"/> of <paramref name="part"/> (0 a [Dropout] after the layer, 1 and 2 the input and recurrent
        /// dropout of the forward direction, 3 and 4 of the backward one) of layer <paramref name="layer"/>.
        /// </summary>
        private static int DropoutStream(int layer, int part, int index) => 256 * (layer + 1) + 16 * part + index;

        public Builder(ModelSpec spec)
        {
            _spec = spec;
            _plan = new ModelPlan(spec);
            _layers = _plan.Layers.Select(Create).ToArray();
            _workspaceOffsets = new int[_layers.Length];
            _deltaOffsets = new int[_layers.Length];
            _stateOffsets = new int[_layers.Length];
            for (int i = 0; i < _layers.Length; i++)
            {
                _workspaceOffsets[i] = _workspaceSize;
                _workspaceSize += _layers[i].WorkspaceLength;
                _stateOffsets[i] = _stateSize;
                _stateSize += _layers[i].StateLength;
                _scratchSize = Math.Max(_scratchSize, _layers[i].ScratchLength);
                if (i < _layers.Length - 1)
                {
                    _deltaOffsets[i] = _deltaSize;
                    _deltaSize += _plan.Layers[i].OutputLength;
                }
            }

            // A masked model keeps its mask, one float per timestep, after the layers' workspace.
            if (Masked)
            {
                _maskOffset = _workspaceSize;
                _workspaceSize += _plan.Timesteps;
            }

            // Dropout's masks and dropped copies, after everything Predict uses.
            _cellDropoutOffsets = new int[_layers.Length];
            _layerDropouts = new (int, int, int, float)?[_layers.Length + 1];
            int end = _workspaceSize;
            if (_spec.HasDropout)
            {
                for (int i = 0; i < _layers.Length; i++)
                {
                    LayerPlan layer = _plan.Layers[i];
                    _cellDropoutOffsets[i] = end;
                    foreach (LayerPlan cell in layer.Cells)
                    {
                        bool backward = cell.Direction == "Bw";
                        string who = $"layer {i} ({layer.Name}{(cell.Direction is null ? "" : ", " + cell.Name)})";
                        for (int g = 0; g < cell.InputDropoutMasks; g++)
                        {
                            int stream = DropoutStream(i, backward ? 3 : 1, g);
                            _dropoutSites.Add(new DropoutSite(end, cell.InputWidth, layer.Spec.Dropout, stream, $"{who} input dropout{(cell.InputDropoutMasks > 1 ? ", gate " + g : "")}"));
                            end += cell.InputWidth;
                        }

                        for (int g = 0; g < cell.RecurrentDropoutMasks; g++)
                        {
                            int stream = DropoutStream(i, backward ? 4 : 2, g);
                            _dropoutSites.Add(new DropoutSite(end, cell.Units, layer.Spec.RecurrentDropout, stream, $"{who} recurrent dropout, gate {g}"));
                            end += cell.Units;
                        }
                    }
                }

                for (int i = -1; i < _layers.Length; i++)
                {
                    float rate = i < 0 ? _spec.InputDropout : _plan.Layers[i].Spec.OutputDropout;
                    if (rate <= 0f) continue;
                    int length = i < 0 ? _plan.InputSize : _plan.Layers[i].OutputLength;
                    _layerDropouts[i + 1] = (end, end + length, length, rate);
                    _dropoutSites.Add(new DropoutSite(end, length, rate, DropoutStream(i, 0, 0), i < 0 ? "[Dropout] on the input" : $"[Dropout] after layer {i} ({_plan.Layers[i].Name})"));
                    end += 2 * length;
                }
            }

            _trainingWorkspaceSize = end;

            // The batched tier: every layer in lanes, once per vector width. A model that trains in lanes (masked, or with
            // dropout) runs every training pass there, so its first layer writes the input gradient too. With dropout, the
            // training lowering drops (and PredictBatch keeps lane layers without it).
            _lanes = Batch.LaneLayer.AllBits
                .Select(bits => _plan.Layers.Select((layer, i) => Batch.LaneLayer.For(layer, _layers[i], inputGradient: i > 0 || LaneInputGradient, bits,
                    masked: Masked && layer.IsRecurrent, dropout: _spec.HasDropout)).ToArray())
                .ToArray();
            _inferenceLanes = !_spec.HasDropout ? _lanes : Batch.LaneLayer.AllBits
                .Select(bits => _plan.Layers.Select((layer, i) => Batch.LaneLayer.For(layer, _layers[i], inputGradient: i > 0 || LaneInputGradient, bits,
                    masked: Masked && layer.IsRecurrent)).ToArray())
                .ToArray();
            _laneScratchSize = _lanes[0].Max(l => l.ScratchLength);
        }

        /// <summary>The emitter of one layer's tier: vector for recurrent layers that fit, else loops or straight-line code.</summary>
        private LayerEmitter Create(LayerPlan layer)
        {
            if (layer.IsBidirectional)
            {
                // Two directions, each emitted by its own tier, and their merge.
                return new BidirectionalEmitter(layer, Create(layer.Forward!), Create(layer.Backward!));
            }

            if (_plan.UsesVectorTier(layer))
            {
                // The loop emitter defines the training cache, serves Backward and runs where no vector width is accelerated.
                return new Cells.VectorCellEmitter(layer, Create(layer, loops: true, suffix: "Loops"));
            }

            if (_plan.UsesVectorFeedForward(layer))
            {
                // The loop emitter runs where no vector width is accelerated; Embedding's forward is the loops' row copy.
                LayerEmitter loops = Create(layer, loops: true, suffix: "Loops");
                return layer.Kind == LayerKind.Dense
                    ? new Cells.VectorDenseEmitter(layer, loops)
                    : new Cells.VectorEmbeddingEmitter(layer, Create(layer, loops: true, suffix: ""), loops);
            }

            // Beside vector-tier layers, a small Dense on the last state is cheaper as straight-line code than as kernel calls.
            bool straightDense = layer.Kind == LayerKind.Dense && !layer.InputIsSequence && layer.MacsPerStep <= ModelPlan.SmallDenseMacs
                && _plan.HasVectorTier;
            return Create(layer, _spec.UseLoops && !straightDense, suffix: "");
        }

        private static LayerEmitter Create(LayerPlan layer, bool loops, string suffix) => layer.Kind switch
        {
            LayerKind.SimpleRnn => new SimpleRnnEmitter(layer, loops) { MethodSuffix = suffix },
            LayerKind.Lstm => new LstmEmitter(layer, loops) { MethodSuffix = suffix },
            LayerKind.Gru => new GruEmitter(layer, loops) { MethodSuffix = suffix },
            LayerKind.Dense => new DenseEmitter(layer, loops) { MethodSuffix = suffix },
            _ => new EmbeddingEmitter(layer, loops) { MethodSuffix = suffix },
        };

        private bool Tokens => _plan.HasEmbedding;

        /// <summary>
        /// Whether timesteps can be masked (<c>[Masking]</c>, or an Embedding with <c>MaskZero</c>). Masking is written once,
        /// in the batched tier's cell lowering, so every pass of a masked model runs there (a single sample is a group of one).
        /// </summary>
        private bool Masked => _spec.Masked;

        /// <summary>
        /// Whether the training passes (Forward, Backward) run in the batched tier, a single sample as a group of one:
        /// masking and dropout are written once, there.
        /// </summary>
        private bool TrainsInLanes => Masked || _spec.HasDropout;

        private bool HasDropout => _spec.HasDropout;

        /// <summary>Floats of one sample's training workspace in the batched tier: the layers', then the mask and dropout's.</summary>
        private string LaneWorkspace => HasDropout ? "TrainingWorkspaceSize" : "WorkspaceSize";

        /// <summary>Where the training pass's output is: the last layer's, or the dropped copy of a [Dropout] after it.</summary>
        private int TrainingOutputOffset => _layerDropouts[_layers.Length] is { } last ? last.Dropped : OutputOffset;

        /// <summary>Whether the batched tier computes the input gradient: for a model on float input whose Backward runs there.</summary>
        private bool LaneInputGradient => TrainsInLanes && !Tokens;

        /// <summary>The mask of the lane group in <paramref name="x"/>, into the workspace <paramref name="ws"/> (Masking also zeroes the masked inputs).</summary>
        private string MaskLanes(string x, string ws, string lanes) => _spec.MaskValue is { } value
            ? $"RnnLanes.Masking({x}, {_plan.Timesteps}, {_plan.Features}, {lanes}, {FloatLiteral(value)}, {ws}.Slice({_maskOffset} * {lanes}, {_plan.Timesteps} * {lanes}));"
            : $"RnnLanes.MaskZero({x}, {_plan.Timesteps}, {lanes}, {ws}.Slice({_maskOffset} * {lanes}, {_plan.Timesteps} * {lanes}));";

        /// <summary>Floats of Step's carried outputs: every recurrent layer's output width.</summary>
        private int CarriedSize => _plan.Layers.Where(l => l.IsRecurrent).Sum(l => l.OutputWidth);

        /// <summary>Step's outputs of every layer but the last, one after another in <c>_stepOutputs</c>.</summary>
        private int StepOutputsSize => _plan.Layers.Take(_plan.Layers.Count - 1).Sum(l => l.OutputWidth);

        /// <summary>Predict's workspace: on the stack, or the thread's buffer when it is too large for it.</summary>
        private string PredictWorkspace => _workspaceSize > StackWorkspaceLimit
            ? "global::System.Span<float> ws = global::RnnGen.CompilerServices.AlignedBuffer.Reserve(ref t_predictWorkspace, WorkspaceSize);"
            : "global::System.Span<float> ws = global::RnnGen.CompilerServices.AlignedBuffer.Align(stackalloc float[WorkspaceSize + global::RnnGen.CompilerServices.AlignedBuffer.Slack], WorkspaceSize);";

        private string TierDescription =>
            _plan.HasVectorTier && _plan.Layers.All(l => _plan.UsesVectorTier(l) || _plan.UsesVectorFeedForward(l)) ? "vector code for every layer" :
            (_plan.HasVectorTier ? $"vector code for the recurrent{string.Concat(_plan.Layers.Where(_plan.UsesVectorFeedForward).Select(l => " and " + l.Kind).Distinct())} layers and " : "")
            + (_spec.UseLoops ? "constant-bound loops" : "straight-line code") + (_plan.HasVectorTier ? " for the rest" : "");
        private int OutputOffset => _workspaceOffsets[_layers.Length - 1] + _layers[_layers.Length - 1].OutputOffset;

        /// <summary><c>ws.Slice(o, n)</c> for the output of layer <paramref name="i"/>, as the next layer reads it.</summary>
        private string OutputSlice(string ws, int i) => $"{ws}.Slice({_workspaceOffsets[i] + _layers[i].OutputOffset}, {_plan.Layers[i].OutputLength})";

        private string WorkspaceSlice(string ws, int i) => $"{ws}.Slice({_workspaceOffsets[i]}, {_layers[i].WorkspaceLength})";

        private string DeltaSlice(int i) => $"d.Slice({_deltaOffsets[i]}, {_plan.Layers[i].OutputLength})";

        public string Build()
        {
            _w.WriteLine("// <auto-generated/>");
            _w.WriteLine($"// Generated by RnnGen from the attributes on {_spec.ClassName}. Do not edit: change the attributes instead.");
            _w.WriteLine($"// {_plan.Layers.Count} layers, {_plan.ParameterCount} parameters, {_plan.ForwardMacs} multiply-adds per forward pass, emitted as {TierDescription}.");
            _w.WriteLine("#nullable enable");
            _w.WriteLine();
            _w.WriteLine("using System;");
            _w.WriteLine("using System.Collections.Generic;");
            _w.WriteLine("using System.Runtime.CompilerServices;");
            _w.WriteLine("using RnnGen;");
            _w.WriteLine("using RnnGen.CompilerServices;");
            // every model has the batched tier, whose lanes are the vector tier's types
            foreach (string alias in Cells.VectorLowering.AliasDirectives) _w.WriteLine(alias);
            foreach (string alias in Batch.LaneLayer.AliasDirectives) _w.WriteLine(alias);
            _w.WriteLine(LayerEmitter.UnsafeAliasDirective); // the straight-line code's reads at constant offsets
            _w.WriteLine();
            if (_spec.Namespace is not null)
            {
                _w.WriteLine($"namespace {Identifiers.EscapeNamespace(_spec.Namespace)};");
                _w.WriteLine();
            }

            var scopes = new List<CodeWriter.Scope>();
            foreach (ContainingType type in _spec.ContainingTypes)
            {
                scopes.Add(_w.Block($"partial {type.Keyword} {Identifiers.Escape(type.Name)}"));
            }

            _w.WriteLine($"[global::System.CodeDom.Compiler.GeneratedCode(\"RnnGen\", \"{Version}\")]");
            using (_w.Block($"partial class {Identifiers.Escape(_spec.ClassName)} : global::RnnGen.IBatchModel{(HasDropout ? ", global::RnnGen.IDropoutModel" : "")}"))
            {
                EmitConstants();
                EmitFields();
                EmitConstructors();
                EmitReplicaConstructor();
                EmitProperties();
                EmitPredictAndForward();
                EmitBackward();
                EmitStreaming();
                EmitPredictFromState();
                if (Tokens) EmitTokenOverloads();
                EmitBatch();
                if (!Masked) EmitRunForward();
                if (!TrainsInLanes) EmitRunBackward();
                EmitRunLanes();
                if (HasDropout) EmitDropoutMasks();
                for (int i = 0; i < _layers.Length; i++)
                {
                    _w.WriteLine();
                    _w.WriteLine($"// ---- layer {i}: {_plan.Layers[i].Name}, {_layers[i].Describe()} ----");
                    _w.WriteLine();
                    _layers[i].EmitForward(_w);
                    _w.WriteLine();
                    _layers[i].EmitBackward(_w);
                    _w.WriteLine();
                    _layers[i].EmitStep(_w);
                    for (int b = 0; b < _lanes.Length; b++)
                    {
                        if (_lanes[b][i].HasDropout)
                        {
                            // PredictBatch's forward, without dropout
                            _w.WriteLine();
                            _inferenceLanes[b][i].EmitForward(_w);
                        }

                        _w.WriteLine();
                        _lanes[b][i].EmitForward(_w);
                        _w.WriteLine();
                        _lanes[b][i].EmitBackward(_w);
                    }
                }

                // Helpers shared between layers: once per model.
                if (_layers.Any(l => l.UsesTensorDot))
                {
                    _w.WriteLine();
                    LayerEmitter.EmitTensorDot(_w);
                }

                EmitSummaryAndLayers();
                if (_spec.WeightsFile is not null) FrozenWeightsEmitter.EmitData(_w, _spec, _plan);
            }

            for (int i = scopes.Count - 1; i >= 0; i--)
            {
                scopes[i].Dispose();
            }

            return _w.ToString();
        }

        private void EmitConstants()
        {
            _w.WriteLine("/// <summary>Timesteps per input sequence.</summary>");
            _w.WriteLine($"public const int Timesteps = {_plan.Timesteps};");
            _w.WriteLine(Tokens ? "/// <summary>Features per timestep: the embedding width.</summary>" : "/// <summary>Features per timestep.</summary>");
            _w.WriteLine($"public const int Features = {_plan.Features};");
            _w.WriteLine(Tokens ? "/// <summary>Length of one input: one token id per timestep.</summary>" : "/// <summary>Length of one input: <c>input[t * Features + f]</c>.</summary>");
            _w.WriteLine($"public const int InputSize = {_plan.InputSize};");
            _w.WriteLine(_plan.Last.OutputIsSequence
                ? "/// <summary>Length of one output: <c>output[t * units + j]</c>.</summary>"
                : "/// <summary>Length of one output: the last layer's units.</summary>");
            _w.WriteLine($"public const int OutputSize = {_plan.OutputSize};");
            _w.WriteLine("/// <summary>Length of the output of one <see cref=\"Step\"/>: the last layer's units.</summary>");
            _w.WriteLine($"public const int StepOutputSize = {_plan.StepOutputSize};");
            _w.WriteLine("/// <summary>Number of weights, laid out as Keras's <c>get_weights()</c> flattened in order.</summary>");
            _w.WriteLine($"public const int ParameterCount = {_plan.ParameterCount};");
            if (Tokens)
            {
                _w.WriteLine("/// <summary>Vocabulary size: token ids are integers in <c>[0, VocabularySize)</c>.</summary>");
                _w.WriteLine($"public const int VocabularySize = {_plan.Layers[0].Spec.InputDim};");
            }

            _w.WriteLine("/// <summary>Floats of streaming state: each recurrent layer's, in layer order (h; h then c for Lstm).</summary>");
            _w.WriteLine($"public const int StateSize = {_stateSize};");
            _w.WriteLine();
            _w.WriteLine("// Floats of forward activations kept for Backward (one slice per layer), of output gradients");
            _w.WriteLine("// between layers, and of backward scratch.");
            _w.WriteLine($"private const int WorkspaceSize = {_workspaceSize};");
            _w.WriteLine($"private const int DeltaSize = {_deltaSize};");
            _w.WriteLine($"private const int ScratchSize = {_scratchSize};");
            _w.WriteLine($"private const int OutputOffset = {OutputOffset};");
            _w.WriteLine("// Lane elements of backward scratch in the batched tier.");
            _w.WriteLine($"private const int LaneScratchSize = {_laneScratchSize};");
            _w.WriteLine(LaneInputGradient
                ? "// BackwardBatch's lane elements: the output gradient, the gradients between layers, the scratch and the input gradient."
                : "// BackwardBatch's lane elements: the output gradient, the gradients between layers and the scratch.");
            _w.WriteLine($"private const int BatchDeltaSize = OutputSize + DeltaSize + LaneScratchSize{(LaneInputGradient ? " + InputSize" : "")};");
            if (Masked)
            {
                _w.WriteLine($"// The mask, 1 where a timestep counts and 0 where it is padding, after the layers' activations ({(_spec.MaskValue is { } v ? $"[Masking({FloatLiteral(v)})]" : "Embedding MaskZero: token 0")}).");
                _w.WriteLine($"private const int MaskOffset = {_maskOffset};");
            }

            if (HasDropout)
            {
                _w.WriteLine("// A training pass's workspace in lanes: the above, then the dropout masks and the [Dropout] layers' dropped copies.");
                _w.WriteLine($"private const int TrainingWorkspaceSize = {_trainingWorkspaceSize};");
                if (TrainingOutputOffset != OutputOffset)
                {
                    _w.WriteLine("// The training pass's output: the dropped copy of the last layer's output.");
                    _w.WriteLine($"private const int TrainingOutputOffset = {TrainingOutputOffset};");
                }
            }
            
        }

        private void EmitFields()
        {
            _w.WriteLine();
            _w.WriteLine("private readonly global::RnnGen.CompilerServices.AlignedBuffer _parameters = new(ParameterCount);");
            _w.WriteLine("private readonly global::RnnGen.CompilerServices.AlignedBuffer _gradients = new(ParameterCount);");
            if (!TrainsInLanes)
            {
                // a masked model, or one with dropout, trains in lanes, so it has no per-sample training cache
                _w.WriteLine("private readonly global::RnnGen.CompilerServices.AlignedBuffer _input = new(InputSize);");
                _w.WriteLine("private readonly global::RnnGen.CompilerServices.AlignedBuffer _workspace = new(WorkspaceSize);");
                _w.WriteLine("private readonly global::RnnGen.CompilerServices.AlignedBuffer _deltas = new(DeltaSize);");
                _w.WriteLine("private readonly global::RnnGen.CompilerServices.AlignedBuffer _scratch = new(ScratchSize);");
            }
            _w.WriteLine("private readonly global::RnnGen.CompilerServices.AlignedBuffer _inputGradient = new(InputSize);");
            _w.WriteLine("private readonly global::RnnGen.CompilerServices.AlignedBuffer _state = new(StateSize);");
            if (StepOutputsSize > 0)
            {
                _w.WriteLine("// Step's outputs of the layers before the last, fed to the next layer (a field: no stack buffer to clear per step).");
                _w.WriteLine($"private readonly global::RnnGen.CompilerServices.AlignedBuffer _stepOutputs = new({StepOutputsSize});");
            }
            if (Masked)
            {
                _w.WriteLine($"// Step's carried outputs: each recurrent layer's last output, repeated over masked timesteps (zero before any).");
                _w.WriteLine($"private readonly global::RnnGen.CompilerServices.AlignedBuffer _carried = new({CarriedSize});");
            }
            _w.WriteLine("private bool _hasForward;");
            _w.WriteLine();
            _w.WriteLine("// The last ForwardBatch, one lane group of RnnLanes.Count samples after another: inputs and activations in lanes.");
            if (TrainsInLanes)
            {
                _w.WriteLine($"// A {(Masked ? "masked model" : "model with dropout")} runs Forward and Backward as a group of one, so one group is allocated up front.");
                _w.WriteLine("private global::RnnGen.CompilerServices.AlignedBuffer _batchInputs = new(InputSize * RnnLanes.Count);");
                _w.WriteLine($"private global::RnnGen.CompilerServices.AlignedBuffer _batchWorkspace = new({LaneWorkspace} * RnnLanes.Count);");
                _w.WriteLine("private global::RnnGen.CompilerServices.AlignedBuffer _batchDeltas = new(BatchDeltaSize * RnnLanes.Count);");
            }
            else
            {
                _w.WriteLine("private global::RnnGen.CompilerServices.AlignedBuffer _batchInputs;");
                _w.WriteLine("private global::RnnGen.CompilerServices.AlignedBuffer _batchWorkspace;");
                _w.WriteLine("private global::RnnGen.CompilerServices.AlignedBuffer _batchDeltas;");
            }
            _w.WriteLine("private int _batchCount;");
            if (HasDropout)
            {
                _w.WriteLine();
                _w.WriteLine("// Dropout: the seed of the masks and the sequence number the next training pass's first sample draws.");
                _w.WriteLine("private ulong _dropoutSeed;");
                _w.WriteLine("private long _dropoutSequence;");
            }
            _w.WriteLine();
            _w.WriteLine("// PredictBatch's lane buffers: one per thread, allocated on first use.");
            _w.WriteLine("[global::System.ThreadStatic]");
            _w.WriteLine("private static global::RnnGen.CompilerServices.AlignedBuffer t_batchPredict;");
            if (_workspaceSize > StackWorkspaceLimit)
            {
                _w.WriteLine();
                _w.WriteLine("// Predict's workspace is too large for the stack: one buffer per thread, allocated on first use.");
                _w.WriteLine("[global::System.ThreadStatic]");
                _w.WriteLine("private static global::RnnGen.CompilerServices.AlignedBuffer t_predictWorkspace;");
            }

            if (Masked && _stateSize > StackWorkspaceLimit)
            {
                _w.WriteLine();
                _w.WriteLine("// The recurrent state of a masked Predict is too large for the stack: one buffer per thread, allocated on first use.");
                _w.WriteLine("[global::System.ThreadStatic]");
                _w.WriteLine("private static global::RnnGen.CompilerServices.AlignedBuffer t_predictState;");
            }
        }

        private void EmitConstructors()
        {
            _w.WriteLine();
            if (_spec.WeightsFile is not null)
            {
                FrozenWeightsEmitter.EmitConstructor(_w, _spec);
            }
            else
            {
                _w.WriteLine("/// <summary>Creates the model with Keras's default initializers and seed 0.</summary>");
                _w.WriteLine($"public {Identifiers.Escape(_spec.ClassName)}() : this(0) {{ }}");
            }

            _w.WriteLine();
            _w.WriteLine("/// <summary>");
            _w.WriteLine("/// Creates the model with Keras's default initializers, deterministic for <paramref name=\"seed\"/>: glorot_uniform");
            _w.WriteLine("/// kernels, orthogonal recurrent kernels, zero biases (LSTM forget gate 1), embeddings uniform(-0.05, 0.05).");
            _w.WriteLine("/// </summary>");
            _w.WriteLine("/// <param name=\"seed\">Seed of the random generator; the same seed gives the same weights.</param>");
            using (_w.Block($"public {Identifiers.Escape(_spec.ClassName)}(int seed)"))
            {
                _w.WriteLine("global::System.Random random = new global::System.Random(seed);");
                _w.WriteLine("global::System.Span<float> p = _parameters.Span;");
                foreach (LayerPlan layer in _plan.Layers.SelectMany(l => l.Cells))
                {
                    _w.WriteLine($"// layer {layer.Index}: {layer.Name}");
                    int gates = layer.Gates;
                    switch (layer.Kind)
                    {
                        case LayerKind.Embedding:
                            _w.WriteLine($"global::RnnGen.CompilerServices.Initializers.Uniform(p.Slice({layer.KernelOffset}, {layer.KernelLength}), 0.05f, random);");
                            break;
                        case LayerKind.Dense:
                            _w.WriteLine($"global::RnnGen.CompilerServices.Initializers.GlorotUniform(p.Slice({layer.KernelOffset}, {layer.KernelLength}), {layer.InputWidth}, {layer.Units}, random);");
                            break;
                        default:
                            _w.WriteLine($"global::RnnGen.CompilerServices.Initializers.GlorotUniform(p.Slice({layer.KernelOffset}, {layer.KernelLength}), {layer.InputWidth}, {gates * layer.Units}, random);");
                            _w.WriteLine($"global::RnnGen.CompilerServices.Initializers.Orthogonal(p.Slice({layer.RecurrentOffset}, {layer.RecurrentLength}), {layer.Units}, {gates * layer.Units}, random);");
                            if (layer.Kind == LayerKind.Lstm && layer.HasBias)
                            {
                                _w.WriteLine($"p.Slice({layer.BiasOffset + layer.Units}, {layer.Units}).Fill(1f); // unit_forget_bias");
                            }

                            break;
                    }
                }
            }
        }

        private void EmitReplicaConstructor()
        {
            _w.WriteLine();
            _w.WriteLine("// A replica: the same Parameters array, its own gradients and caches (see CreateReplica).");
            using (_w.Block($"private {Identifiers.Escape(_spec.ClassName)}(global::RnnGen.CompilerServices.AlignedBuffer sharedParameters, bool replica)"))
            {
                _w.WriteLine("_parameters = sharedParameters;");
            }
        }

        private void EmitProperties()
        {
            _w.WriteLine();
            _w.WriteLine("/// <summary>Every weight, in Keras <c>get_weights()</c> order, flattened (see <see cref=\"Layers\"/> for offsets).</summary>");
            _w.WriteLine("public global::System.Span<float> Parameters => _parameters.Span;");
            _w.WriteLine();
            _w.WriteLine("/// <summary>Gradient accumulator with the layout of <see cref=\"Parameters\"/>; Backward adds into it.</summary>");
            _w.WriteLine("public global::System.Span<float> Gradients => _gradients.Span;");
            _w.WriteLine();
            _w.WriteLine("int global::RnnGen.IRnnModel.Timesteps => Timesteps;");
            _w.WriteLine("int global::RnnGen.IRnnModel.Features => Features;");
            _w.WriteLine("int global::RnnGen.IRnnModel.InputSize => InputSize;");
            _w.WriteLine("int global::RnnGen.IRnnModel.OutputSize => OutputSize;");
            _w.WriteLine("int global::RnnGen.IRnnModel.StepOutputSize => StepOutputSize;");
            _w.WriteLine("int global::RnnGen.IRnnModel.ParameterCount => ParameterCount;");
            _w.WriteLine("global::System.Collections.Generic.IReadOnlyList<global::RnnGen.LayerInfo> global::RnnGen.IRnnModel.Layers => Layers;");
            _w.WriteLine("string global::RnnGen.IRnnModel.Summary => Summary;");
        }

        private void GuardLengths(string input, string inputSize, string output, string outputSize)
        {
            _w.WriteLine($"global::RnnGen.CompilerServices.Guard.Length({input}.Length, {inputSize}, nameof({input}));");
            _w.WriteLine($"global::RnnGen.CompilerServices.Guard.Length({output}.Length, {outputSize}, nameof({output}));");
        }

        private void EmitPredictAndForward()
        {
            _w.WriteLine();
            _w.WriteLine("/// <summary>Inference. Allocation-free; safe to call concurrently on one instance (its workspace is per call).</summary>");
            _w.WriteLine(Tokens
                ? "/// <param name=\"input\">InputSize token ids, as floats.</param>"
                : "/// <param name=\"input\">InputSize values, <c>input[t * Features + f]</c>.</param>");
            _w.WriteLine("/// <param name=\"output\">OutputSize values.</param>");
            using (_w.Block("public void Predict(global::System.ReadOnlySpan<float> input, global::System.Span<float> output)"))
            {
                GuardLengths("input", "InputSize", "output", "OutputSize");
                if (Masked)
                {
                    // one sample: each layer's Step over the unmasked timesteps, from a zero state (a lane group of one would
                    // do a whole group's arithmetic)
                    if (Tokens) _w.WriteLine("CheckTokens(input, nameof(input));");
                    _w.WriteLine(PredictWorkspace);
                    _w.WriteLine(_stateSize > StackWorkspaceLimit
                        ? "global::System.Span<float> state = global::RnnGen.CompilerServices.AlignedBuffer.Reserve(ref t_predictState, StateSize);"
                        : "global::System.Span<float> state = stackalloc float[StateSize];");
                    if (_stateSize > StackWorkspaceLimit) _w.WriteLine("state.Clear();");
                    _w.WriteLine("RunForwardFromState(_parameters.Span, input, ws, state);");
                    _w.WriteLine("ws.Slice(OutputOffset, OutputSize).CopyTo(output);");
                }
                else
                {
                    if (Tokens) _w.WriteLine("CheckTokens(input, nameof(input));");
                    _w.WriteLine(PredictWorkspace);
                    _w.WriteLine("RunForward(_parameters.Span, input, ws);");
                    _w.WriteLine("ws.Slice(OutputOffset, OutputSize).CopyTo(output);");
                }
            }

            _w.WriteLine();
            _w.WriteLine("/// <summary>Training forward pass: like Predict, and keeps the activations Backward needs. Not thread-safe.</summary>");
            using (_w.Block("public void Forward(global::System.ReadOnlySpan<float> input, global::System.Span<float> output)"))
            {
                GuardLengths("input", "InputSize", "output", "OutputSize");
                if (TrainsInLanes)
                {
                    _w.WriteLine($"ForwardBatch(input, output); // {(Masked ? "masking" : "dropout")} lives in the batched tier: a group of one");
                    _w.WriteLine("_hasForward = true;");
                    return;
                }

                if (Tokens) _w.WriteLine("CheckTokens(input, nameof(input));");
                _w.WriteLine("input.CopyTo(_input.Span);");
                _w.WriteLine("RunForward(_parameters.Span, _input.Span, _workspace.Span);");
                _w.WriteLine("_workspace.Span.Slice(OutputOffset, OutputSize).CopyTo(output);");
                _w.WriteLine("_hasForward = true;");
            }
        }

        private void EmitBackward()
        {
            _w.WriteLine();
            _w.WriteLine("/// <summary>Adds dLoss/dParameters for the last Forward into <see cref=\"Gradients\"/>.</summary>");
            _w.WriteLine("/// <param name=\"outputGradient\">dLoss/dOutput, OutputSize values.</param>");
            _w.WriteLine("public void Backward(global::System.ReadOnlySpan<float> outputGradient) => Backward(outputGradient, _inputGradient.Span);");
            _w.WriteLine();
            _w.WriteLine("/// <summary>Adds dLoss/dParameters for the last Forward into <see cref=\"Gradients\"/> and writes dLoss/dInput.</summary>");
            _w.WriteLine("/// <param name=\"outputGradient\">dLoss/dOutput, OutputSize values.</param>");
            _w.WriteLine(Tokens
                ? "/// <param name=\"inputGradient\">Receives zeros: token ids have no gradient (InputSize values).</param>"
                : "/// <param name=\"inputGradient\">Receives dLoss/dInput (InputSize values, overwritten).</param>");
            using (_w.Block("public void Backward(global::System.ReadOnlySpan<float> outputGradient, global::System.Span<float> inputGradient)"))
            {
                GuardLengths("outputGradient", "OutputSize", "inputGradient", "InputSize");
                _w.WriteLine("if (!_hasForward) global::RnnGen.CompilerServices.Guard.ThrowBackwardWithoutForward();");
                if (TrainsInLanes)
                {
                    _w.WriteLine("BackwardBatch(outputGradient); // the group of one the last Forward ran");
                    _w.WriteLine(Tokens
                        ? "inputGradient.Clear();"
                        : "RnnLanes.Scatter(_batchDeltas.Span.Slice((OutputSize + DeltaSize + LaneScratchSize) * RnnLanes.Count, InputSize * RnnLanes.Count), InputSize, inputGradient, 0, 1);");
                    return;
                }

                if (Tokens) _w.WriteLine("inputGradient.Clear();");
                _w.WriteLine("RunBackward(_input.Span, _workspace.Span, outputGradient, inputGradient);");
            }
        }

        private void EmitStreaming()
        {
            _w.WriteLine();
            _w.WriteLine("/// <summary>Streaming: zeroes the recurrent state used by <see cref=\"Step\"/>.</summary>");
            if (Masked)
            {
                using (_w.Block("public void ResetState()"))
                {
                    _w.WriteLine("_state.Span.Clear();");
                    _w.WriteLine("_carried.Span.Clear();");
                }
            }
            else
            {
                _w.WriteLine("public void ResetState() => _state.Span.Clear();");
            }
            _w.WriteLine();
            _w.WriteLine("/// <summary>Streaming: copies the recurrent state <see cref=\"Step\"/> carries into <paramref name=\"state\"/> (StateSize floats, layout of <see cref=\"StateSize\"/>).</summary>");
            using (_w.Block("public void ReadState(global::System.Span<float> state)"))
            {
                _w.WriteLine("global::RnnGen.CompilerServices.Guard.Length(state.Length, StateSize, nameof(state));");
                _w.WriteLine("_state.Span.CopyTo(state);");
            }

            _w.WriteLine();
            _w.WriteLine("/// <summary>Streaming: sets the recurrent state the next <see cref=\"Step\"/> starts from (StateSize floats, as <see cref=\"ReadState\"/> gives them).</summary>");
            using (_w.Block("public void WriteState(global::System.ReadOnlySpan<float> state)"))
            {
                _w.WriteLine("global::RnnGen.CompilerServices.Guard.Length(state.Length, StateSize, nameof(state));");
                _w.WriteLine("state.CopyTo(_state.Span);");
                if (Masked) _w.WriteLine("_carried.Span.Clear(); // a new sequence: no output to carry yet");
            }
            _w.WriteLine();
            _w.WriteLine("/// <summary>Streaming: feeds one timestep and writes the last layer's output for it. Not thread-safe.</summary>");
            _w.WriteLine(Tokens
                ? "/// <param name=\"x\">One token id, as a float.</param>"
                : "/// <param name=\"x\">Features values for this timestep.</param>");
            _w.WriteLine("/// <param name=\"y\">StepOutputSize values.</param>");
            using (_w.Block("public void Step(global::System.ReadOnlySpan<float> x, global::System.Span<float> y)"))
            {
                GuardLengths("x", Tokens ? "1" : "Features", "y", "StepOutputSize");
                if (_plan.HasGoBackwards)
                {
                    _w.WriteLine("global::RnnGen.CompilerServices.Guard.ThrowStepGoBackwards();");
                    return;
                }

                if (Tokens) _w.WriteLine("CheckTokens(x, nameof(x));");
                _w.WriteLine("global::System.ReadOnlySpan<float> p = _parameters.Span;");
                _w.WriteLine("global::System.Span<float> state = _state.Span;");
                if (Masked)
                {
                    if (_spec.MaskValue is { } value)
                    {
                        _w.WriteLine("bool masked = true; // every feature equals the mask value: the recurrent layers carry their state and last output");
                        _w.WriteLine($"for (int f = 0; f < Features; f++) masked &= x[f] == {FloatLiteral(value)};");
                    }
                    else
                    {
                        _w.WriteLine("bool masked = x[0] == 0f; // token 0 is padding: the recurrent layers carry their state and last output");
                    }
                }

                string input = "x";
                int carried = 0;
                int stepOutput = 0;
                for (int i = 0; i < _layers.Length; i++)
                {
                    bool last = i == _layers.Length - 1;
                    string output = last ? "y" : "y" + i;
                    int width = _plan.Layers[i].OutputWidth;
                    if (!last)
                    {
                        _w.WriteLine($"global::System.Span<float> {output} = _stepOutputs.Span.Slice({stepOutput}, {width});");
                        stepOutput += width;
                    }
                    string state = _layers[i].StateLength > 0 ? $"state.Slice({_stateOffsets[i]}, {_layers[i].StateLength})" : "global::System.Span<float>.Empty";
                    string call = $"{_layers[i].StepMethod}(p, {input}, {state}, {output});";
                    if (Masked && _plan.Layers[i].IsRecurrent)
                    {
                        _w.WriteLine($"if (masked) _carried.Span.Slice({carried}, {width}).CopyTo({output});");
                        _w.WriteLine($"else {{ {call} {output}.CopyTo(_carried.Span.Slice({carried}, {width})); }}");
                        carried += width;
                    }
                    else
                    {
                        _w.WriteLine(call);
                    }

                    input = output;
                }
            }
        }

        private void EmitPredictFromState()
        {
            _w.WriteLine();
            _w.WriteLine("/// <summary>");
            _w.WriteLine("/// Inference from a given recurrent state (Keras <c>initial_state</c> and <c>return_state</c>): every recurrent layer starts");
            _w.WriteLine("/// from its part of <paramref name=\"initialState\"/>, and <paramref name=\"finalState\"/> receives the state after the last");
            _w.WriteLine("/// timestep, both in the layout of <see cref=\"StateSize\"/> (the two may be the same span). Each recurrent layer runs one");
            _w.WriteLine("/// timestep at a time. Allocation-free; safe to call concurrently on one instance.");
            _w.WriteLine("/// </summary>");
            using (_w.Block("public void Predict(global::System.ReadOnlySpan<float> input, global::System.Span<float> output, global::System.ReadOnlySpan<float> initialState, global::System.Span<float> finalState)"))
            {
                GuardLengths("input", "InputSize", "output", "OutputSize");
                _w.WriteLine("global::RnnGen.CompilerServices.Guard.Length(initialState.Length, StateSize, nameof(initialState));");
                _w.WriteLine("global::RnnGen.CompilerServices.Guard.Length(finalState.Length, StateSize, nameof(finalState));");
                if (Tokens) _w.WriteLine("CheckTokens(input, nameof(input));");
                _w.WriteLine(PredictWorkspace);
                _w.WriteLine("initialState.CopyTo(finalState);");
                _w.WriteLine("RunForwardFromState(_parameters.Span, input, ws, finalState);");
                _w.WriteLine("ws.Slice(OutputOffset, OutputSize).CopyTo(output);");
            }

            _w.WriteLine();
            _w.WriteLine("// Forward through every layer from the recurrent state in state (updated in place): each recurrent layer (each direction");
            _w.WriteLine("// of a bidirectional one) one Step per timestep in its processing order, writing its outputs where RunForward does.");
            using (_w.Block("private static void RunForwardFromState(global::System.ReadOnlySpan<float> p, global::System.ReadOnlySpan<float> input, global::System.Span<float> ws, global::System.Span<float> state)"))
            {
                if (Masked)
                {
                    _w.WriteLine("// the mask of this sample: a masked step is skipped, its state carried and its output the last one (zero before any)");
                    _w.WriteLine(_spec.MaskValue is { } value
                        ? $"RnnLanes.MaskValues(input, {_plan.Timesteps}, {_plan.Features}, 1, {FloatLiteral(value)}, ws.Slice(MaskOffset, {_plan.Timesteps}));"
                        : $"RnnLanes.MaskZero(input, {_plan.Timesteps}, 1, ws.Slice(MaskOffset, {_plan.Timesteps}));");
                    _w.WriteLine($"global::System.ReadOnlySpan<float> mask = ws.Slice(MaskOffset, {_plan.Timesteps});");
                }

                for (int i = 0; i < _layers.Length; i++)
                {
                    LayerPlan layer = _plan.Layers[i];
                    string x = i == 0 ? "input" : OutputSlice("ws", i - 1);
                    if (!layer.IsRecurrent)
                    {
                        _w.WriteLine($"{_layers[i].ForwardMethod}(p, {x}, {WorkspaceSlice("ws", i)});");
                        continue;
                    }

                    if (_layers[i] is BidirectionalEmitter bidirectional)
                    {
                        // inside a bidirectional layer that returns sequences, masked steps output zeros (Keras zero_output_for_mask)
                        bool zeroOutput = layer.Spec.ReturnSequences;
                        EmitStepLoop(bidirectional.Forward, x, _workspaceOffsets[i] + bidirectional.ForwardWorkspace, _stateOffsets[i], zeroOutput);
                        EmitStepLoop(bidirectional.Backward, x, _workspaceOffsets[i] + bidirectional.BackwardWorkspace, _stateOffsets[i] + bidirectional.Forward.StateLength, zeroOutput);
                        int f = _workspaceOffsets[i] + bidirectional.ForwardWorkspace + bidirectional.Forward.OutputOffset;
                        int b = _workspaceOffsets[i] + bidirectional.BackwardWorkspace + bidirectional.Backward.OutputOffset;
                        _w.WriteLine(bidirectional.MergeCall($"ws.Slice({f}, {bidirectional.DirectionOutput})", $"ws.Slice({b}, {bidirectional.DirectionOutput})", OutputSlice("ws", i), ""));
                        continue;
                    }

                    EmitStepLoop(_layers[i], x, _workspaceOffsets[i], _stateOffsets[i]);
                }
            }
        }

        /// <summary>One recurrent layer (or direction) over the sequence by its Step: output row s of a sequence, else the last state.</summary>
        private void EmitStepLoop(LayerEmitter layer, string x, int workspaceOffset, int stateOffset, bool zeroOutput = false)
        {
            LayerPlan plan = layer.Layer;
            int t = plan.Timesteps, width = plan.InputWidth, u = plan.Units, output = workspaceOffset + layer.OutputOffset;
            bool sequences = plan.Spec.ReturnSequences;
            string step = plan.Spec.GoBackwards ? $"({t - 1} - s)" : "s";
            string row = sequences ? $"ws.Slice({output} + s * {u}, {u})" : $"ws.Slice({output}, {u})";
            string call = $"{layer.StepMethod}(p, {x}.Slice({step} * {width}, {width}), state.Slice({stateOffset}, {layer.StateLength}), {row});";
            if (!Masked)
            {
                _w.WriteLine($"for (int s = 0; s < {t}; s++) {call}");
                return;
            }

            _w.WriteLine($"ws.Slice({output}, {(sequences ? t * u : u)}).Clear(); // the carried output starts at zero");
            using (_w.Block($"for (int s = 0; s < {t}; s++)"))
            {
                _w.WriteLine($"if (mask[{step}] != 0f) {call}");
                if (sequences && !zeroOutput) _w.WriteLine($"else if (s > 0) ws.Slice({output} + (s - 1) * {u}, {u}).CopyTo({row}); // a masked step repeats the last output");
            }
        }

        private void EmitTokenOverloads()
        {
            int vocabulary = _plan.Layers[0].Spec.InputDim;
            _w.WriteLine();
            _w.WriteLine("/// <summary>Inference on token ids.</summary>");
            using (_w.Block("public void Predict(global::System.ReadOnlySpan<int> tokens, global::System.Span<float> output)"))
            {
                _w.WriteLine("global::RnnGen.CompilerServices.Guard.Length(tokens.Length, InputSize, nameof(tokens));");
                _w.WriteLine("global::System.Span<float> ids = stackalloc float[InputSize];");
                _w.WriteLine("for (int t = 0; t < InputSize; t++) ids[t] = tokens[t];");
                _w.WriteLine("Predict(ids, output);");
            }

            _w.WriteLine();
            _w.WriteLine("/// <summary>Training forward pass on token ids.</summary>");
            using (_w.Block("public void Forward(global::System.ReadOnlySpan<int> tokens, global::System.Span<float> output)"))
            {
                _w.WriteLine("global::RnnGen.CompilerServices.Guard.Length(tokens.Length, InputSize, nameof(tokens));");
                _w.WriteLine("global::System.Span<float> ids = stackalloc float[InputSize];");
                _w.WriteLine("for (int t = 0; t < InputSize; t++) ids[t] = tokens[t];");
                _w.WriteLine("Forward(ids, output);");
            }

            _w.WriteLine();
            _w.WriteLine("/// <summary>Streaming step on one token id.</summary>");
            using (_w.Block("public void Step(int token, global::System.Span<float> y)"))
            {
                _w.WriteLine("global::System.Span<float> id = stackalloc float[1];");
                _w.WriteLine("id[0] = token;");
                _w.WriteLine("Step(id, y);");
            }

            _w.WriteLine();
            _w.WriteLine($"// Every id must be an integer in [0, {vocabulary}).");
            using (_w.Block("private static void CheckTokens(global::System.ReadOnlySpan<float> tokens, string paramName)"))
            {
                using (_w.Block("for (int t = 0; t < tokens.Length; t++)"))
                {
                    _w.WriteLine("float id = tokens[t];");
                    _w.WriteLine($"if (!(id >= 0f && id < {vocabulary}f) || id != global::System.MathF.Floor(id)) global::RnnGen.CompilerServices.Guard.ThrowTokenOutOfRange(paramName, t, id, {vocabulary});");
                }
            }
        }

        private void EmitBatch()
        {
            string cls = Identifiers.Escape(_spec.ClassName);
            _w.WriteLine();
            _w.WriteLine("/// <summary>");
            _w.WriteLine("/// Inference on n samples: <paramref name=\"inputs\"/> holds n x InputSize values, one sample after another.");
            _w.WriteLine("/// Groups of RnnLanes.Count samples run through the model at once, one sample per vector lane. Allocation-free after");
            _w.WriteLine("/// a thread's first call; safe to call concurrently on one instance.");
            _w.WriteLine("/// </summary>");
            _w.WriteLine("/// <param name=\"inputs\">n x InputSize values.</param>");
            _w.WriteLine("/// <param name=\"outputs\">Receives n x OutputSize values.</param>");
            using (_w.Block("public void PredictBatch(global::System.ReadOnlySpan<float> inputs, global::System.Span<float> outputs)"))
            {
                BatchGuards("inputs", "outputs");
                _w.WriteLine("int lanes = RnnLanes.Count;");
                _w.WriteLine("global::System.Span<float> buffer = global::RnnGen.CompilerServices.AlignedBuffer.Reserve(ref t_batchPredict, (InputSize + WorkspaceSize) * lanes);");
                _w.WriteLine("global::System.Span<float> x = buffer.Slice(0, InputSize * lanes);");
                _w.WriteLine("global::System.Span<float> ws = buffer.Slice(InputSize * lanes, WorkspaceSize * lanes);");
                using (_w.Block("for (int first = 0; first < n; first += lanes)"))
                {
                    _w.WriteLine("int count = global::System.Math.Min(lanes, n - first);");
                    _w.WriteLine("RnnLanes.Gather(inputs, InputSize, first, count, x);");
                    if (Masked) _w.WriteLine(MaskLanes("x", "ws", "lanes"));
                    _w.WriteLine("RunForwardLanes(_parameters.Span, x, ws);");
                    _w.WriteLine("RnnLanes.Scatter(ws.Slice(OutputOffset * lanes, OutputSize * lanes), OutputSize, outputs, first, count);");
                }
            }

            _w.WriteLine();
            _w.WriteLine("/// <summary>");
            _w.WriteLine("/// Training forward pass on n samples: like PredictBatch, and keeps what BackwardBatch needs. The cache grows to the");
            _w.WriteLine("/// largest batch seen (the only allocation); later batches of that size or smaller allocate nothing. Not thread-safe.");
            _w.WriteLine("/// </summary>");
            _w.WriteLine("/// <param name=\"inputs\">n x InputSize values.</param>");
            _w.WriteLine("/// <param name=\"outputs\">Receives n x OutputSize values.</param>");
            using (_w.Block("public void ForwardBatch(global::System.ReadOnlySpan<float> inputs, global::System.Span<float> outputs)"))
            {
                BatchGuards("inputs", "outputs");
                _w.WriteLine("int lanes = RnnLanes.Count, groups = RnnLanes.Groups(n);");
                using (_w.Block($"if (_batchWorkspace.Length < groups * {LaneWorkspace} * lanes)"))
                {
                    _w.WriteLine("_batchInputs = new(groups * InputSize * lanes);");
                    _w.WriteLine($"_batchWorkspace = new(groups * {LaneWorkspace} * lanes);");
                }

                using (_w.Block("for (int group = 0; group < groups; group++)"))
                {
                    _w.WriteLine("int first = group * lanes, count = global::System.Math.Min(lanes, n - first);");
                    _w.WriteLine("global::System.Span<float> x = _batchInputs.Span.Slice(group * InputSize * lanes, InputSize * lanes);");
                    _w.WriteLine($"global::System.Span<float> ws = _batchWorkspace.Span.Slice(group * {LaneWorkspace} * lanes, {LaneWorkspace} * lanes);");
                    _w.WriteLine("RnnLanes.Gather(inputs, InputSize, first, count, x);");
                    if (Masked) _w.WriteLine(MaskLanes("x", "ws", "lanes"));
                    if (HasDropout)
                    {
                        _w.WriteLine("FillDropoutMasks(ws, lanes, count, _dropoutSequence + first);");
                        _w.WriteLine("RunTrainingLanes(_parameters.Span, x, ws);");
                    }
                    else
                    {
                        _w.WriteLine("RunForwardLanes(_parameters.Span, x, ws);");
                    }

                    string outputOffset = HasDropout && TrainingOutputOffset != OutputOffset ? "TrainingOutputOffset" : "OutputOffset";
                    _w.WriteLine($"RnnLanes.Scatter(ws.Slice({outputOffset} * lanes, OutputSize * lanes), OutputSize, outputs, first, count);");
                }

                _w.WriteLine("_batchCount = n;");
                if (HasDropout) _w.WriteLine("_dropoutSequence += n; // the next pass draws fresh masks");
            }

            _w.WriteLine();
            _w.WriteLine("/// <summary>Adds the sum over the samples of the last ForwardBatch of dLoss/dParameters into <see cref=\"Gradients\"/>.</summary>");
            _w.WriteLine("/// <param name=\"outputGradients\">dLoss/dOutput of each sample: n x OutputSize values, n that of the last ForwardBatch.</param>");
            using (_w.Block("public void BackwardBatch(global::System.ReadOnlySpan<float> outputGradients)"))
            {
                _w.WriteLine("if (_batchCount == 0) global::RnnGen.CompilerServices.Guard.ThrowBackwardBatchWithoutForward();");
                _w.WriteLine("int n = _batchCount;");
                _w.WriteLine("global::RnnGen.CompilerServices.Guard.Length(outputGradients.Length, n * OutputSize, nameof(outputGradients));");
                _w.WriteLine("int lanes = RnnLanes.Count;");
                _w.WriteLine("// one group at a time: its output gradient, the gradients between layers and the scratch, in lanes");
                _w.WriteLine("if (_batchDeltas.Length == 0) _batchDeltas = new(BatchDeltaSize * lanes);");
                _w.WriteLine("global::System.Span<float> dOut = _batchDeltas.Span.Slice(0, OutputSize * lanes);");
                _w.WriteLine("global::System.Span<float> d = _batchDeltas.Span.Slice(OutputSize * lanes, DeltaSize * lanes);");
                _w.WriteLine("global::System.Span<float> scratch = _batchDeltas.Span.Slice((OutputSize + DeltaSize) * lanes, LaneScratchSize * lanes);");
                if (LaneInputGradient) _w.WriteLine("global::System.Span<float> dIn = _batchDeltas.Span.Slice((OutputSize + DeltaSize + LaneScratchSize) * lanes, InputSize * lanes); // the last group's input gradient (Backward reads it)");
                using (_w.Block("for (int first = 0, group = 0; first < n; first += lanes, group++)"))
                {
                    _w.WriteLine("RnnLanes.Gather(outputGradients, OutputSize, first, global::System.Math.Min(lanes, n - first), dOut);");
                    _w.WriteLine($"RunBackwardLanes(_batchInputs.Span.Slice(group * InputSize * lanes, InputSize * lanes), _batchWorkspace.Span.Slice(group * {LaneWorkspace} * lanes, {LaneWorkspace} * lanes), dOut, d, scratch{(LaneInputGradient ? ", dIn" : "")});");
                }
                
            }

            _w.WriteLine();
            _w.WriteLine("/// <summary>A model that shares this one's Parameters array and has its own gradients, caches and state: one per worker of a parallel Fit.</summary>");
            _w.WriteLine($"public global::RnnGen.IBatchModel CreateReplica() => new {cls}(_parameters, replica: true);");
        }

        /// <summary>The batch entry checks: a whole number of samples in, the matching outputs, valid token ids.</summary>
        private void BatchGuards(string inputs, string outputs)
        {
            _w.WriteLine($"int n = global::RnnGen.CompilerServices.Guard.BatchCount({inputs}.Length, InputSize, nameof({inputs}));");
            _w.WriteLine($"global::RnnGen.CompilerServices.Guard.Length({outputs}.Length, n * OutputSize, nameof({outputs}));");
            if (Tokens) _w.WriteLine($"CheckTokens({inputs}, nameof({inputs}));");
        }

        private void EmitRunLanes()
        {
            const string forwardParameters = "global::System.ReadOnlySpan<float> p, global::System.ReadOnlySpan<float> input, global::System.Span<float> ws";
            string backwardParameters = $"global::System.ReadOnlySpan<float> input, global::System.ReadOnlySpan<float> ws, global::System.{(HasDropout ? "" : "ReadOnly")}Span<float> dOut, global::System.Span<float> d, global::System.Span<float> scratch"
                + (LaneInputGradient ? ", global::System.Span<float> dIn" : "");
            string LaneSlice(string span, int offset, int length) => $"{span}.Slice({offset} * lanes, {length} * lanes)";

            // The dispatchers: the widest accelerated width, the same test as RnnLanes.Count (the JIT folds it to one call).
            void Dispatch(string signature, string method, string arguments)
            {
                using (_w.Block(signature))
                {
                    _w.WriteLine($"if (global::System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated) {method}512({arguments});");
                    _w.WriteLine($"else if (global::System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated) {method}256({arguments});");
                    _w.WriteLine($"else {method}128({arguments});");
                }
            }

            // What layer i reads: the previous layer's output; in the training pass, its dropped copy after a [Dropout].
            string LayerInput(int i) => i == 0 ? "input" : LaneSlice("ws", _workspaceOffsets[i - 1] + _layers[i - 1].OutputOffset, _plan.Layers[i - 1].OutputLength);
            string TrainingInput(int i) => _layerDropouts[i] is { } dropped ? LaneSlice("ws", dropped.Dropped, dropped.Length) : LayerInput(i);

            string Mask(Batch.LaneLayer layer) => layer.Masked ? ", " + LaneSlice("ws", _maskOffset, _plan.Timesteps) : "";
            string CellDropout(Batch.LaneLayer layer, int i) => layer.HasDropout ? ", " + LaneSlice("ws", _cellDropoutOffsets[i], _plan.Layers[i].DropoutLength) : "";
            string LayerMask(int i) => LaneSlice("ws", _layerDropouts[i]!.Value.Mask, _layerDropouts[i]!.Value.Length);

            _w.WriteLine();
            _w.WriteLine(HasDropout
                ? "// Inference through every layer for one lane group of RnnLanes.Count samples (no dropout); each layer's activations land in its slice of ws, in lanes."
                : "// Forward through every layer for one lane group of RnnLanes.Count samples; each layer's activations land in its slice of ws, in lanes.");
            Dispatch($"private static void RunForwardLanes({forwardParameters})", "RunForwardLanes", "p, input, ws");
            if (HasDropout)
            {
                _w.WriteLine();
                _w.WriteLine("// The training forward pass for one lane group: as RunForwardLanes, with the dropout masks FillDropoutMasks drew.");
                Dispatch($"private static void RunTrainingLanes({forwardParameters})", "RunTrainingLanes", "p, input, ws");
            }

            _w.WriteLine();
            _w.WriteLine("// Backward through every layer for one lane group, last to first; the first layer's input gradient is not needed.");
            Dispatch($"private void RunBackwardLanes({backwardParameters})", "RunBackwardLanes", "input, ws, dOut, d, scratch" + (LaneInputGradient ? ", dIn" : ""));
            for (int b = 0; b < _lanes.Length; b++)
            {
                Batch.LaneLayer[] lanes = _lanes[b], inference = _inferenceLanes[b];
                int bits = lanes[0].Bits;
                _w.WriteLine();
                using (_w.Block($"private static void RunForwardLanes{bits}({forwardParameters})"))
                {
                    _w.WriteLine($"const int lanes = RnnLanes{bits}.Count;");
                    for (int i = 0; i < _layers.Length; i++)
                    {
                        _w.WriteLine($"{inference[i].ForwardMethod}(p, {LayerInput(i)}, {LaneSlice("ws", _workspaceOffsets[i], _layers[i].WorkspaceLength)}{Mask(inference[i])});");
                    }
                }

                if (HasDropout)
                {
                    _w.WriteLine();
                    using (_w.Block($"private static void RunTrainingLanes{bits}({forwardParameters})"))
                    {
                        _w.WriteLine($"const int lanes = RnnLanes{bits}.Count;");
                        if (_layerDropouts[0] is { } onInput) _w.WriteLine($"global::RnnGen.CompilerServices.Dropout.Apply(input, {LayerMask(0)}, {LaneSlice("ws", onInput.Dropped, onInput.Length)}); // [Dropout({FloatLiteral(onInput.Rate)})] on the input");
                        for (int i = 0; i < _layers.Length; i++)
                        {
                            _w.WriteLine($"{lanes[i].ForwardMethod}(p, {TrainingInput(i)}, {LaneSlice("ws", _workspaceOffsets[i], _layers[i].WorkspaceLength)}{Mask(lanes[i])}{CellDropout(lanes[i], i)});");
                            if (_layerDropouts[i + 1] is { } after)
                            {
                                string output = LaneSlice("ws", _workspaceOffsets[i] + _layers[i].OutputOffset, _plan.Layers[i].OutputLength);
                                _w.WriteLine($"global::RnnGen.CompilerServices.Dropout.Apply({output}, {LayerMask(i + 1)}, {LaneSlice("ws", after.Dropped, after.Length)}); // [Dropout({FloatLiteral(after.Rate)})]");
                            }
                        }
                    }
                }

                _w.WriteLine();
                using (_w.Block($"private void RunBackwardLanes{bits}({backwardParameters})"))
                {
                    _w.WriteLine($"const int lanes = RnnLanes{bits}.Count;");
                    _w.WriteLine("global::System.ReadOnlySpan<float> p = _parameters.Span;");
                    _w.WriteLine("global::System.Span<float> g = _gradients.Span;");
                    for (int i = _layers.Length - 1; i >= 0; i--)
                    {
                        string x = TrainingInput(i);
                        string dy = i == _layers.Length - 1 ? "dOut" : LaneSlice("d", _deltaOffsets[i], _plan.Layers[i].OutputLength);
                        string dx = i > 0 ? LaneSlice("d", _deltaOffsets[i - 1], _plan.Layers[i - 1].OutputLength) : LaneInputGradient ? "dIn" : "global::System.Span<float>.Empty";
                        if (_layerDropouts[i + 1] is { } after) _w.WriteLine($"global::RnnGen.CompilerServices.Dropout.Apply({dy}, {LayerMask(i + 1)}, {dy}); // back through [Dropout({FloatLiteral(after.Rate)})]: the same mask");
                        _w.WriteLine($"{lanes[i].BackwardMethod}(p, g, {x}, {LaneSlice("ws", _workspaceOffsets[i], _layers[i].WorkspaceLength)}, {dy}, {dx}, scratch{Mask(lanes[i])}{CellDropout(lanes[i], i)});");
                    }

                    if (_layerDropouts[0] is { } onInput && LaneInputGradient) _w.WriteLine($"global::RnnGen.CompilerServices.Dropout.Apply(dIn, {LayerMask(0)}, dIn); // back through [Dropout({FloatLiteral(onInput.Rate)})] on the input");
                }
            }
        }

        /// <summary>IDropoutModel's seed, and the method that draws one lane group's masks into its training workspace.</summary>
        private void EmitDropoutMasks()
        {
            _w.WriteLine();
            _w.WriteLine("/// <summary>");
            _w.WriteLine("/// Seeds the dropout masks of the next training pass (Forward, ForwardBatch): its sample i draws the masks of");
            _w.WriteLine("/// sequence <paramref name=\"sequence\"/> + i under <paramref name=\"seed\"/>, and every pass moves the sequence on by its");
            _w.WriteLine("/// sample count. Fit seeds every batch from TrainingOptions.Seed; Predict, PredictBatch and Step never drop anything.");
            _w.WriteLine("/// </summary>");
            using (_w.Block("public void SeedDropout(ulong seed, long sequence)"))
            {
                _w.WriteLine("_dropoutSeed = seed;");
                _w.WriteLine("_dropoutSequence = sequence;");
            }

            _w.WriteLine();
            _w.WriteLine("// The dropout masks of one lane group (lane i is sample sequence + i), Keras's: one per sequence, 0 or 1/(1-rate).");
            using (_w.Block("private void FillDropoutMasks(global::System.Span<float> ws, int lanes, int count, long sequence)"))
            {
                foreach (DropoutSite site in _dropoutSites)
                {
                    _w.WriteLine($"global::RnnGen.CompilerServices.Dropout.FillLanes(ws.Slice({site.Offset} * lanes, {site.Length} * lanes), {site.Length}, lanes, count, {FloatLiteral(site.Rate)}, _dropoutSeed, sequence, {site.Stream}); // {site.What}");
                }
            }
        }

        private void EmitRunForward()
        {
            _w.WriteLine();
            _w.WriteLine("// Forward through every layer; each layer's activations land in its slice of ws.");
            using (_w.Block("private static void RunForward(global::System.ReadOnlySpan<float> p, global::System.ReadOnlySpan<float> input, global::System.Span<float> ws)"))
            {
                for (int i = 0; i < _layers.Length; i++)
                {
                    string x = i == 0 ? "input" : OutputSlice("ws", i - 1);
                    _w.WriteLine($"{_layers[i].ForwardMethod}(p, {x}, {WorkspaceSlice("ws", i)});");
                }
            }
        }

        private void EmitRunBackward()
        {
            _w.WriteLine();
            _w.WriteLine("// Backward through every layer, last to first; each layer's input gradient is the previous layer's output gradient.");
            using (_w.Block("private void RunBackward(global::System.ReadOnlySpan<float> input, global::System.ReadOnlySpan<float> ws, global::System.ReadOnlySpan<float> dOut, global::System.Span<float> dIn)"))
            {
                _w.WriteLine("global::System.ReadOnlySpan<float> p = _parameters.Span;");
                _w.WriteLine("global::System.Span<float> g = _gradients.Span;");
                _w.WriteLine("global::System.Span<float> d = _deltas.Span;");
                _w.WriteLine("global::System.Span<float> scratch = _scratch.Span;");
                for (int i = _layers.Length - 1; i >= 0; i--)
                {
                    string x = i == 0 ? "input" : OutputSlice("ws", i - 1);
                    string dy = i == _layers.Length - 1 ? "dOut" : DeltaSlice(i);
                    string dx = i == 0 ? "dIn" : DeltaSlice(i - 1);
                    _w.WriteLine($"{_layers[i].BackwardMethod}(p, g, {x}, {WorkspaceSlice("ws", i)}, {dy}, {dx}, scratch);");
                }
            }
        }

        private void EmitSummaryAndLayers()
        {
            _w.WriteLine();
            _w.WriteLine("/// <summary>Keras-style summary: Layer (type), Output Shape, Param #.</summary>");
            _w.WriteLine("public static string Summary => SummaryText;");
            _w.WriteLine();
            _w.WriteLine("private const string SummaryText =");
            using (_w.Indent())
            {
                string[] lines = SummaryTable.Build(_spec.ClassName, _plan);
                for (int i = 0; i < lines.Length; i++)
                {
                    _w.WriteLine(Literal(lines[i] + "\n") + (i == lines.Length - 1 ? ";" : " +"));
                }
            }

            _w.WriteLine();
            _w.WriteLine("/// <summary>The layers, in order: kind, units, shapes, parameter offsets and Keras tensor names.</summary>");
            _w.WriteLine("public static global::System.Collections.Generic.IReadOnlyList<global::RnnGen.LayerInfo> Layers { get; } = new global::RnnGen.LayerInfo[]");
            _w.WriteLine("{");
            using (_w.Indent())
            {
                foreach (LayerPlan layer in _plan.Layers)
                {
                    EmitLayerInfo(layer);
                }
            }

            _w.WriteLine("};");
        }

        private void EmitLayerInfo(LayerPlan layer)
        {
            LayerSpec s = layer.Spec;
            string inputShape = layer.InputIsSequence ? $"{layer.Timesteps}, {(layer.Kind == LayerKind.Embedding ? "" : layer.InputWidth.ToString(CultureInfo.InvariantCulture))}".TrimEnd(',', ' ') : $"{layer.InputWidth}";
            string outputShape = layer.OutputIsSequence ? $"{layer.Timesteps}, {layer.OutputWidth}" : $"{layer.OutputWidth}";
            _w.WriteLine($"new global::RnnGen.LayerInfo(\"{layer.Name}\", global::RnnGen.LayerKind.{layer.Kind}, Units: {layer.Units}, global::RnnGen.Activation.{s.Activation},");
            using (_w.Indent())
            {
                _w.WriteLine($"ReturnSequences: {Bool(layer.OutputIsSequence)}, GoBackwards: {Bool(s.GoBackwards)}, UseBias: {Bool(layer.Kind == LayerKind.Embedding ? false : s.UseBias)},");
                _w.WriteLine($"InputShape: new[] {{ {inputShape} }}, OutputShape: new[] {{ {outputShape} }},");
                _w.WriteLine($"ParameterOffset: {layer.ParameterOffset}, ParameterCount: {layer.ParameterCount},");
                _w.WriteLine("Tensors: new global::RnnGen.TensorInfo[]");
                _w.WriteLine("{");
                using (_w.Indent())
                {
                    foreach (var (name, shape, offset, length) in SummaryTable.Tensors(layer))
                    {
                        _w.WriteLine($"new global::RnnGen.TensorInfo(\"{layer.Name}/{name}\", new[] {{ {string.Join(", ", shape)} }}, {offset}, {length}),");
                    }
                }

                var inits = new List<string>();
                if (layer.Kind == LayerKind.Gru) inits.Add($"ResetAfter = {Bool(s.ResetAfter)}");
                if (s.RecurrentActivation != ActivationKind.Sigmoid) inits.Add($"RecurrentActivation = global::RnnGen.Activation.{s.RecurrentActivation}");
                if (s.MaskZero) inits.Add("MaskZero = true");
                if (layer.Index == 0 && _spec.MaskValue is { } maskValue) inits.Add($"MaskValue = {FloatLiteral(maskValue)}");
                if (s.Bidirectional) inits.Add("Bidirectional = true");
                if (s.Bidirectional && s.Merge != MergeKind.Concat) inits.Add($"Merge = global::RnnGen.MergeMode.{s.Merge}");
                if (s.Dropout > 0f) inits.Add($"Dropout = {FloatLiteral(s.Dropout)}");
                if (s.RecurrentDropout > 0f) inits.Add($"RecurrentDropout = {FloatLiteral(s.RecurrentDropout)}");
                if (s.OutputDropout > 0f) inits.Add($"OutputDropout = {FloatLiteral(s.OutputDropout)}");
                if (layer.Index == 0 && _spec.InputDropout > 0f) inits.Add($"InputDropout = {FloatLiteral(_spec.InputDropout)}");
                _w.WriteLine(inits.Count > 0 ? $"}}) {{ {string.Join(", ", inits)} }}," : "}),");
            }
        }

        private static string Bool(bool value) => value ? "true" : "false";

        private static string Literal(string text) =>
            "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n") + "\"";
    }
}
