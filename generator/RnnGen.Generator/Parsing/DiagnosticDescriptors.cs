using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace RnnGen.Generator.Parsing;

/// <summary>Every diagnostic the generator reports. Entries are documented in docs/diagnostics.md.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "RnnGen";
    private const string HelpBase = "https://github.com/rnngen/rnngen/blob/main/docs/diagnostics.md#";

    public static readonly DiagnosticDescriptor NotPartial = Error(
        "RNNG001", "Model class must be partial",
        "The class '{0}' with [RnnModel] must be declared 'partial' (and so must every type that contains it)");

    public static readonly DiagnosticDescriptor Generic = Error(
        "RNNG002", "Model class must not be generic",
        "The class '{0}' with [RnnModel] must not be generic or nested in a generic type");

    public static readonly DiagnosticDescriptor Static = Error(
        "RNNG003", "Model class must not be static",
        "The class '{0}' with [RnnModel] must not be static: a model is an instance that owns its weights");

    public static readonly DiagnosticDescriptor NoLayers = Error(
        "RNNG004", "Model has no layers",
        "The model '{0}' has no layers: add layer attributes such as [SimpleRnn(8)] and [Dense(1)] after [RnnModel]");

    public static readonly DiagnosticDescriptor ShapeNotPositive = Error(
        "RNNG005", "Model shape must be positive",
        "[RnnModel] {0} must be at least 1, but is {1}");

    public static readonly DiagnosticDescriptor SizeNotPositive = Error(
        "RNNG006", "Layer size must be positive",
        "[{0}] {1} must be at least 1, but is {2}");

    public static readonly DiagnosticDescriptor SoftmaxOnRecurrent = Error(
        "RNNG007", "Softmax is only allowed on Dense",
        "[{0}] (layer {1}) uses Activation.Softmax, which is only allowed on a Dense layer; use Tanh, Sigmoid, Relu or Linear");

    public static readonly DiagnosticDescriptor ExpectedSequence = Error(
        "RNNG008", "Recurrent layer needs a sequence input",
        "[{0}] (layer {1}) expects a sequence (ndim=3), but layer {2} ([{3}]) returns only its last state: set ReturnSequences = true on layer {2}");

    public static readonly DiagnosticDescriptor LayersSplit = Error(
        "RNNG009", "Layers are spread over several declarations",
        "The layers of '{0}' are spread over {1} partial declarations; put all layer attributes on one declaration so their order is defined");

    public static readonly DiagnosticDescriptor LayerWithoutModel = Error(
        "RNNG010", "Layer attribute without [RnnModel]",
        "[{0}] on '{1}' has no effect: the class has no [RnnModel(timesteps, features)] attribute");

    public static readonly DiagnosticDescriptor TooBigToUnroll = new(
        "RNNG011", "Model too big to unroll",
        "The model '{0}' needs {1} multiply-adds per forward pass (more than {2}) or {3} in one layer timestep (more than {4}); it is emitted as vector code (recurrent layers of up to 256 gate columns) and constant-bound loops instead of straight-line code",
        Category, DiagnosticSeverity.Info, isEnabledByDefault: true, helpLinkUri: HelpBase + "rnng011");

    public static readonly DiagnosticDescriptor EmbeddingNotFirst = Error(
        "RNNG012", "Embedding must be the first layer",
        "[Embedding] is layer {0}; it is only allowed as the first layer (layer 0), because it turns token ids into vectors");

    public static readonly DiagnosticDescriptor EmbeddingFeatures = Error(
        "RNNG013", "Features must equal the embedding width",
        "[RnnModel] features is {0}, but [Embedding] outputDim is {1}; with an Embedding first, features is the embedding width and must equal outputDim");

    public static readonly DiagnosticDescriptor InvalidEnum = Error(
        "RNNG014", "Unknown enum value",
        "[{0}] {1} has the value {2}, which is not a member of {1}");

    public static readonly DiagnosticDescriptor SizeLimit = Error(
        "RNNG015", "Model exceeds a size limit",
        "The model '{0}' is too large: {1} is {2}, more than the limit of {3}");

    public static readonly DiagnosticDescriptor FullUnrollTooLarge = Error(
        "RNNG016", "Model too big for UnrollMode.Full",
        "The model '{0}' needs {1} multiply-adds per forward pass, more than the {2} that UnrollMode.Full writes out as straight-line code; use UnrollMode.Loops (or Auto), which emits constant-bound loops");

    public static readonly DiagnosticDescriptor VocabularyTooLarge = Error(
        "RNNG017", "Embedding vocabulary too large",
        "[Embedding] inputDim is {0}, more than {1}: token ids travel as floats, which hold every integer exactly only below 2^24");

    public static readonly DiagnosticDescriptor Record = Error(
        "RNNG018", "Model must be a class, not a record",
        "'{0}' is a record; put [RnnModel] on a partial class");

    public static readonly DiagnosticDescriptor FileLocal = Error(
        "RNNG019", "Model class must not be file-local",
        "'{0}' is a file-local type (or nested in one); the generated code lives in another file, so remove the 'file' modifier");

    public static readonly DiagnosticDescriptor GeneratorFailure = Error(
        "RNNG020", "The generator failed on this model",
        "RnnGen could not generate '{0}': {1}; no code was generated for this model, the other models are not affected (please report this)");

    public static readonly DiagnosticDescriptor SoftmaxRecurrentActivation = Error(
        "RNNG021", "Softmax is not a recurrent activation",
        "[{0}] (layer {1}) has RecurrentActivation = Activation.Softmax; the gate activation must act on each unit alone: use Sigmoid (Keras), HardSigmoid (TensorFlow.js), Tanh, Relu or Linear");

    public static readonly DiagnosticDescriptor MergeWithoutBidirectional = Error(
        "RNNG022", "Merge is set on a layer that is not bidirectional",
        "[{0}] (layer {1}) sets Merge = MergeMode.{2} but not Bidirectional = true; Merge only says how a bidirectional layer combines its two directions: add Bidirectional = true or remove Merge");

    public static readonly DiagnosticDescriptor MaskingNotFirst = Error(
        "RNNG023", "Masking must come first, once",
        "[Masking] has {0} layer attributes before it and there are {1} [Masking] attributes; Masking marks padded timesteps of the model's input, so it must be the one first attribute after [RnnModel]");

    public static readonly DiagnosticDescriptor MaskingWithEmbedding = Error(
        "RNNG024", "Masking cannot be used with Embedding",
        "[Masking] is for float input, but this model starts with [Embedding], which takes token ids; mask padding tokens with [Embedding(..., MaskZero = true)] instead");

    public static readonly DiagnosticDescriptor DropoutRate = Error(
        "RNNG025", "Dropout rate outside [0, 1)",
        "[{0}] (layer {1}) has {2} = {3}; a dropout rate is the fraction of values dropped in training, so it must be at least 0 and less than 1");

    public static readonly DiagnosticDescriptor DropoutPlacement = Error(
        "RNNG026", "Dropout layer in the wrong place",
        "[Dropout({0})] {1}");

    public static readonly DiagnosticDescriptor WeightsNotAnItem = Error(
        "RNNG040", "Weights file is not an RnnGenWeights item",
        "[RnnModel] Weights = \"{0}\" names no <RnnGenWeights> item of the project (items: {1}); add <RnnGenWeights Include=\"{0}\" /> and make sure RnnGen.targets is imported");

    public static readonly DiagnosticDescriptor WeightsUnreadable = Error(
        "RNNG041", "Weights file is not a valid safetensors file",
        "The weights file '{0}' is not a valid safetensors file: {1}");

    public static readonly DiagnosticDescriptor WeightsMissingTensor = Error(
        "RNNG042", "Weights file lacks a tensor",
        "The weights file '{0}' has no tensor '{1}'; the model expects it with shape {2}");

    public static readonly DiagnosticDescriptor WeightsExtraTensor = Error(
        "RNNG043", "Weights file has a tensor the model lacks",
        "The weights file '{0}' has a tensor '{1}' (shape {2}) that the model does not have; the model's tensors are: {3}");

    public static readonly DiagnosticDescriptor WeightsShape = Error(
        "RNNG044", "Tensor shape differs from the model",
        "The weights file '{0}' has tensor '{1}' with shape {2}, but the model expects shape {3}");

    public static readonly DiagnosticDescriptor WeightsDtype = Error(
        "RNNG045", "Tensor is not float32",
        "The weights file '{0}' has tensor '{1}' with dtype {2}, but the model expects F32");

    public static readonly DiagnosticDescriptor WeightsNonFinite = Error(
        "RNNG046", "Tensor holds a non-finite value",
        "The weights file '{0}' has tensor '{1}' holding {2} at flat index {3}; frozen weights must be finite");

    private static readonly Dictionary<string, DiagnosticDescriptor> s_byId = new()
    {
        [NotPartial.Id] = NotPartial,
        [Generic.Id] = Generic,
        [Static.Id] = Static,
        [NoLayers.Id] = NoLayers,
        [ShapeNotPositive.Id] = ShapeNotPositive,
        [SizeNotPositive.Id] = SizeNotPositive,
        [SoftmaxOnRecurrent.Id] = SoftmaxOnRecurrent,
        [ExpectedSequence.Id] = ExpectedSequence,
        [LayersSplit.Id] = LayersSplit,
        [LayerWithoutModel.Id] = LayerWithoutModel,
        [TooBigToUnroll.Id] = TooBigToUnroll,
        [EmbeddingNotFirst.Id] = EmbeddingNotFirst,
        [EmbeddingFeatures.Id] = EmbeddingFeatures,
        [InvalidEnum.Id] = InvalidEnum,
        [SizeLimit.Id] = SizeLimit,
        [FullUnrollTooLarge.Id] = FullUnrollTooLarge,
        [VocabularyTooLarge.Id] = VocabularyTooLarge,
        [Record.Id] = Record,
        [FileLocal.Id] = FileLocal,
        [GeneratorFailure.Id] = GeneratorFailure,
        [SoftmaxRecurrentActivation.Id] = SoftmaxRecurrentActivation,
        [MergeWithoutBidirectional.Id] = MergeWithoutBidirectional,
        [MaskingNotFirst.Id] = MaskingNotFirst,
        [MaskingWithEmbedding.Id] = MaskingWithEmbedding,
        [DropoutRate.Id] = DropoutRate,
        [DropoutPlacement.Id] = DropoutPlacement,
        [WeightsNotAnItem.Id] = WeightsNotAnItem,
        [WeightsUnreadable.Id] = WeightsUnreadable,
        [WeightsMissingTensor.Id] = WeightsMissingTensor,
        [WeightsExtraTensor.Id] = WeightsExtraTensor,
        [WeightsShape.Id] = WeightsShape,
        [WeightsDtype.Id] = WeightsDtype,
        [WeightsNonFinite.Id] = WeightsNonFinite,
    };

    public static DiagnosticDescriptor ById(string id) => s_byId[id];

    public static IEnumerable<DiagnosticDescriptor> All => s_byId.Values;

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpBase + id.ToLowerInvariant());
}
