using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Parsing;

/// <summary>Turns the symbol of an <c>[RnnModel]</c> class into a validated <see cref="ModelSpec"/> plus diagnostics.</summary>
internal static class ModelParser
{
    public const string ModelAttribute = "RnnGen.RnnModelAttribute";

    /// <summary>The last member of <c>RnnGen.Activation</c>.</summary>
    private const int MaxActivation = (int)ActivationKind.HardSigmoid;
    private const int MaxMerge = (int)MergeKind.Average;

    /// <summary>Layer attributes by metadata name, with the kind each declares.</summary>
    public const string MaskingAttribute = "RnnGen.MaskingAttribute";

    /// <summary>The weightless <c>[Dropout(rate)]</c> layer, which belongs to the layer before it (or the model's input).</summary>
    public const string DropoutAttribute = "RnnGen.DropoutAttribute";

    public static readonly IReadOnlyList<(string MetadataName, string ShortName, LayerKind Kind)> LayerAttributes =
    [
        ("RnnGen.SimpleRnnAttribute", "SimpleRnn", LayerKind.SimpleRnn),
        ("RnnGen.LstmAttribute", "Lstm", LayerKind.Lstm),
        ("RnnGen.GruAttribute", "Gru", LayerKind.Gru),
        ("RnnGen.DenseAttribute", "Dense", LayerKind.Dense),
        ("RnnGen.EmbeddingAttribute", "Embedding", LayerKind.Embedding),
    ];

    /// <summary>
    /// The transform. Never throws: an unexpected failure becomes RNNG020 on this model alone, so every other model
    /// in the compilation still generates.
    /// </summary>
    public static ModelResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        try
        {
            return ParseModel(context, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LocationInfo? location = LocationInfo.From(context.Attributes.FirstOrDefault()?.ApplicationSyntaxReference?.GetSyntax(cancellationToken));
            return new ModelResult(null, new[] { Failure(context.TargetSymbol.Name, exception, location) }.ToEquatableArray());
        }
    }

    /// <summary>RNNG020 for an exception inside the generator.</summary>
    public static DiagnosticInfo Failure(string className, Exception exception, LocationInfo? location) =>
        new(DiagnosticDescriptors.GeneratorFailure.Id, location, new[] { className, exception.GetType().Name + ": " + exception.Message }.ToEquatableArray());

    private static ModelResult ParseModel(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var symbol = (INamedTypeSymbol)context.TargetSymbol;
        var declaration = (TypeDeclarationSyntax)context.TargetNode;
        AttributeData modelAttribute = context.Attributes[0];
        LocationInfo? modelLocation = LocationInfo.From(modelAttribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken));
        string className = symbol.Name;

        void Report(DiagnosticDescriptor descriptor, LocationInfo? location, params object[] args) =>
            diagnostics.Add(new DiagnosticInfo(descriptor.Id, location, args.Select(a => a.ToString()!).ToEquatableArray()));

        // Declarations the compiler already rejects get no RNNG message beside its own error: an attribute on a
        // struct or interface (CS0592), a second [RnnModel] (CS0579), an argument that is not a constant (CS0182).
        if (symbol.TypeKind != TypeKind.Class || CountModelAttributes(symbol) > 1 || HasErroneousAttribute(symbol))
        {
            return new ModelResult(null, EquatableArray<DiagnosticInfo>.Empty);
        }

        if (symbol.IsRecord)
        {
            Report(DiagnosticDescriptors.Record, modelLocation, className);
        }

        if (IsFileLocal(symbol) || ContainingTypes(symbol).Any(IsFileLocal))
        {
            Report(DiagnosticDescriptors.FileLocal, modelLocation, className);
        }

        // The class itself: partial, non-generic, non-static, in partial non-generic containers.
        if (!IsPartial(declaration) || ContainingTypes(symbol).Any(t => !t.DeclaringSyntaxReferences.All(r => r.GetSyntax(cancellationToken) is TypeDeclarationSyntax d && IsPartial(d))))
        {
            Report(DiagnosticDescriptors.NotPartial, modelLocation, className);
        }

        if (symbol.IsGenericType || ContainingTypes(symbol).Any(t => t.IsGenericType))
        {
            Report(DiagnosticDescriptors.Generic, modelLocation, className);
        }

        if (symbol.IsStatic)
        {
            Report(DiagnosticDescriptors.Static, modelLocation, className);
        }

        // [RnnModel(timesteps, features, Unroll = ...)]
        int timesteps = IntArgument(modelAttribute, 0);
        int features = IntArgument(modelAttribute, 1);
        if (timesteps < 1) Report(DiagnosticDescriptors.ShapeNotPositive, modelLocation, "timesteps", timesteps);
        if (features < 1) Report(DiagnosticDescriptors.ShapeNotPositive, modelLocation, "features", features);
        int unroll = Named(modelAttribute, "Unroll", 0);
        if (unroll is < 0 or > 3)
        {
            Report(DiagnosticDescriptors.InvalidEnum, modelLocation, "RnnModel", "UnrollMode", unroll);
        }

        // Weights = "file.safetensors": bound to its <RnnGenWeights> item by WeightsBinder, after parsing.
        WeightsRequest? weights = WeightsRequestOf(modelAttribute, modelLocation, cancellationToken);

        // Layer attributes, in source order, all on one declaration.
        var layerAttributes = new List<(AttributeData Data, LayerKind Kind, string ShortName, AttributeSyntax? Syntax)>();
        var maskings = new List<(AttributeData Data, AttributeSyntax? Syntax)>();
        var dropouts = new List<(AttributeData Data, AttributeSyntax? Syntax)>();
        foreach (AttributeData attribute in symbol.GetAttributes())
        {
            string? name = attribute.AttributeClass?.ToDisplayString();
            if (name == MaskingAttribute) maskings.Add((attribute, attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax));
            if (name == DropoutAttribute) dropouts.Add((attribute, attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax));
            foreach (var (metadataName, shortName, kind) in LayerAttributes)
            {
                if (name == metadataName)
                {
                    layerAttributes.Add((attribute, kind, shortName, attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax));
                }
            }
        }

        layerAttributes.Sort((a, b) =>
        {
            int byFile = string.CompareOrdinal(a.Syntax?.SyntaxTree.FilePath, b.Syntax?.SyntaxTree.FilePath);
            return byFile != 0 ? byFile : (a.Syntax?.SpanStart ?? 0).CompareTo(b.Syntax?.SpanStart ?? 0);
        });

        var owners = layerAttributes.Select(a => a.Syntax?.Parent?.Parent).Where(n => n is not null).Distinct().ToList();
        if (owners.Count > 1)
        {
            AttributeSyntax? firstElsewhere = layerAttributes.First(a => a.Syntax?.Parent?.Parent != owners[0]).Syntax;
            Report(DiagnosticDescriptors.LayersSplit, LocationInfo.From(firstElsewhere), className, owners.Count);
        }

        if (layerAttributes.Count == 0)
        {
            Report(DiagnosticDescriptors.NoLayers, modelLocation, className);
        }

        // [Masking(value)]: one, before every layer, on float input (token models mask with Embedding's MaskZero).
        int Position(AttributeSyntax? syntax) => syntax?.SpanStart ?? 0;
        foreach (var (data, syntax) in maskings)
        {
            LocationInfo? location = LocationInfo.From(syntax);
            int before = layerAttributes.Count(l => string.CompareOrdinal(l.Syntax?.SyntaxTree.FilePath, syntax?.SyntaxTree.FilePath) != 0 || Position(l.Syntax) < Position(syntax));
            if (before > 0 || maskings.Count > 1) Report(DiagnosticDescriptors.MaskingNotFirst, location, before, maskings.Count);
            if (layerAttributes.Any(l => l.Kind == LayerKind.Embedding)) Report(DiagnosticDescriptors.MaskingWithEmbedding, location);
        }

        // [Dropout(rate)]: weightless, it drops the output of the layer attribute before it (or the model's input when
        // it comes first); it is kept on that layer (OutputDropout) or the model (InputDropout).
        var dropoutAfter = new Dictionary<int, float>();
        foreach (var (data, syntax) in dropouts.OrderBy(d => Position(d.Syntax)))
        {
            LocationInfo? location = LocationInfo.From(syntax);
            float rate = data.ConstructorArguments.Length > 0 && data.ConstructorArguments[0].Value is float r ? r : 0f;
            string shown = FormatRate(rate);
            int after = layerAttributes.Count(l => Position(l.Syntax) < Position(syntax)) - 1;
            if (owners.Count > 0 && syntax?.Parent?.Parent is { } owner && owner != owners[0]) Report(DiagnosticDescriptors.LayersSplit, location, className, owners.Count + 1);
            if (!(rate >= 0f && rate < 1f)) Report(DiagnosticDescriptors.DropoutRate, location, "Dropout", after + 1, "rate", shown);
            if (dropoutAfter.ContainsKey(after)) Report(DiagnosticDescriptors.DropoutPlacement, location, shown, "directly follows another [Dropout]; two in a row drop with the product of their masks: use one [Dropout] with the combined rate");
            else if (after == -1 && layerAttributes.Any(l => l.Kind == LayerKind.Embedding)) Report(DiagnosticDescriptors.DropoutPlacement, location, shown, "comes before [Embedding], whose input is token ids: put it after the Embedding to drop embedded features");
            else if (maskings.Any(m => Position(m.Syntax) > Position(syntax))) Report(DiagnosticDescriptors.DropoutPlacement, location, shown, "comes before [Masking], which must read the model's input first: put it after the Masking");
            dropoutAfter[after] = rate;
        }

        float? maskValue = maskings.Count > 0 && maskings[0].Data.ConstructorArguments.Length > 0 && maskings[0].Data.ConstructorArguments[0].Value is float v ? v : maskings.Count > 0 ? 0f : null;

        var layers = new List<LayerSpec>();
        bool sequence = true;
        string? previousName = null;
        for (int i = 0; i < layerAttributes.Count; i++)
        {
            var (data, kind, shortName, syntax) = layerAttributes[i];
            LocationInfo? location = LocationInfo.From(syntax);
            int activation = Named(data, "Activation", kind == LayerKind.Dense ? (int)ActivationKind.Linear : (int)ActivationKind.Tanh);
            int recurrentActivation = Named(data, "RecurrentActivation", (int)ActivationKind.Sigmoid);
            bool returnSequences = Named(data, "ReturnSequences", false);
            bool recurrent = kind is LayerKind.SimpleRnn or LayerKind.Lstm or LayerKind.Gru;
            int merge = Named(data, "Merge", (int)MergeKind.Concat);
            var layer = new LayerSpec(
                kind,
                kind == LayerKind.Embedding ? IntArgument(data, 1) : IntArgument(data, 0),
                kind == LayerKind.Embedding ? ActivationKind.Linear : (ActivationKind)activation,
                ReturnSequences: returnSequences,
                UseBias: Named(data, "UseBias", true),
                GoBackwards: Named(data, "GoBackwards", false),
                ResetAfter: Named(data, "ResetAfter", true),
                InputDim: kind == LayerKind.Embedding ? IntArgument(data, 0) : 0)
            {
                MaskZero = kind == LayerKind.Embedding && Named(data, "MaskZero", false),
                RecurrentActivation = kind is LayerKind.Lstm or LayerKind.Gru ? (ActivationKind)recurrentActivation : ActivationKind.Sigmoid,
                Bidirectional = recurrent && Named(data, "Bidirectional", false),
                Merge = recurrent ? (MergeKind)merge : MergeKind.Concat,
                Dropout = recurrent ? Named(data, "Dropout", 0f) : 0f,
                RecurrentDropout = recurrent ? Named(data, "RecurrentDropout", 0f) : 0f,
                OutputDropout = dropoutAfter.TryGetValue(i, out float outputDropout) ? outputDropout : 0f,
            };

            foreach (var (option, rate) in new[] { ("Dropout", layer.Dropout), ("RecurrentDropout", layer.RecurrentDropout) })
            {
                if (!(rate >= 0f && rate < 1f)) Report(DiagnosticDescriptors.DropoutRate, location, shortName, i, option, FormatRate(rate));
            }

            if (kind == LayerKind.Embedding)
            {
                if (layer.InputDim < 1) Report(DiagnosticDescriptors.SizeNotPositive, location, shortName, "inputDim", layer.InputDim);
                if (layer.InputDim > ModelLimits.MaxVocabulary) Report(DiagnosticDescriptors.VocabularyTooLarge, location, ModelLimits.Format(layer.InputDim), ModelLimits.Format(ModelLimits.MaxVocabulary));
                if (layer.Units < 1) Report(DiagnosticDescriptors.SizeNotPositive, location, shortName, "outputDim", layer.Units);
                if (i != 0) Report(DiagnosticDescriptors.EmbeddingNotFirst, location, i);
                else if (layer.Units >= 1 && features >= 1 && features != layer.Units) Report(DiagnosticDescriptors.EmbeddingFeatures, location, features, layer.Units);
            }
            else if (layer.Units < 1)
            {
                Report(DiagnosticDescriptors.SizeNotPositive, location, shortName, "units", layer.Units);
            }

            if (activation is < 0 or > MaxActivation)
            {
                Report(DiagnosticDescriptors.InvalidEnum, location, shortName, "Activation", activation);
            }
            else if (layer.Activation == ActivationKind.Softmax && kind is LayerKind.SimpleRnn or LayerKind.Lstm or LayerKind.Gru)
            {
                Report(DiagnosticDescriptors.SoftmaxOnRecurrent, location, shortName, i);
            }

            // Keras accepts any recurrent_activation; softmax would mix the units of a gate, which no cell here does.
            if (recurrentActivation is < 0 or > MaxActivation)
            {
                Report(DiagnosticDescriptors.InvalidEnum, location, shortName, "RecurrentActivation", recurrentActivation);
            }
            else if (layer.RecurrentActivation == ActivationKind.Softmax)
            {
                Report(DiagnosticDescriptors.SoftmaxRecurrentActivation, location, shortName, i);
            }

            // Merge only means something on a bidirectional layer (Keras's merge_mode).
            if (merge is < 0 or > MaxMerge)
            {
                Report(DiagnosticDescriptors.InvalidEnum, location, shortName, "MergeMode", merge);
            }
            else if (recurrent && !layer.Bidirectional && HasNamed(data, "Merge"))
            {
                Report(DiagnosticDescriptors.MergeWithoutBidirectional, location, shortName, i, layer.Merge);
            }

            if (recurrent && !sequence)
            {
                Report(DiagnosticDescriptors.ExpectedSequence, location, shortName, i, i - 1, previousName!);
            }

            sequence = recurrent ? returnSequences : sequence || kind == LayerKind.Embedding;
            previousName = shortName;
            layers.Add(layer);
        }

        bool HasErrors() => diagnostics.Any(d => DiagnosticDescriptors.ById(d.Id).DefaultSeverity == DiagnosticSeverity.Error);
        if (HasErrors())
        {
            return new ModelResult(null, diagnostics.ToEquatableArray());
        }

        // Size limits, in checked 64-bit arithmetic, before anything is planned: past this point every shape fits an int.
        foreach (ModelLimits.Violation violation in ModelLimits.Check(timesteps, features, layers))
        {
            Report(DiagnosticDescriptors.SizeLimit, modelLocation, className, violation.What, ModelLimits.Format(violation.Value), ModelLimits.Format(violation.Limit));
        }

        long forwardMacs = ModelLimits.ForwardMacs(timesteps, features, layers);
        if (!HasErrors() && (UnrollKind)unroll == UnrollKind.Full && forwardMacs > ModelLimits.MaxFullUnrollMacs)
        {
            Report(DiagnosticDescriptors.FullUnrollTooLarge, modelLocation, className, ModelLimits.Format(forwardMacs), ModelLimits.Format(ModelLimits.MaxFullUnrollMacs));
        }

        if (HasErrors())
        {
            return new ModelResult(null, diagnostics.ToEquatableArray()) { Weights = weights };
        }

        var spec = new ModelSpec(
            NamespaceOf(symbol),
            ContainingTypes(symbol).Reverse().Select(t => new ContainingType(Keyword(t), t.Name)).ToEquatableArray(),
            className,
            timesteps,
            features,
            (UnrollKind)unroll,
            UseLoops: false,
            layers.ToEquatableArray())
        {
            MaskValue = maskValue,
            InputDropout = dropoutAfter.TryGetValue(-1, out float inputDropout) ? inputDropout : 0f,
        };

        var plan = new ModelPlan(spec);
        bool useLoops = spec.Unroll is UnrollKind.Loops or UnrollKind.Vector || (spec.Unroll == UnrollKind.Auto && !plan.AutoUnrolls);
        if (spec.Unroll == UnrollKind.Auto && !plan.AutoUnrolls)
        {
            Report(DiagnosticDescriptors.TooBigToUnroll, modelLocation, className, plan.ForwardMacs, ModelPlan.UnrollMacLimit, plan.MaxMacsPerStep, ModelPlan.MethodTermBudget / 2);
        }

        return new ModelResult(spec with { UseLoops = useLoops }, diagnostics.ToEquatableArray()) { Weights = weights };
    }

    /// <summary>For a class with a layer attribute but no [RnnModel]: one RNNG010 per layer attribute.</summary>
    public static EquatableArray<DiagnosticInfo> ParseOrphan(GeneratorAttributeSyntaxContext context, string shortName, CancellationToken cancellationToken)
    {
        foreach (AttributeData attribute in context.TargetSymbol.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == ModelAttribute)
            {
                return EquatableArray<DiagnosticInfo>.Empty;
            }
        }

        return context.Attributes
            .Select(a => new DiagnosticInfo(
                DiagnosticDescriptors.LayerWithoutModel.Id,
                LocationInfo.From(a.ApplicationSyntaxReference?.GetSyntax(cancellationToken)),
                new[] { shortName, context.TargetSymbol.Name }.ToEquatableArray()))
            .ToEquatableArray();
    }

    /// <summary>The <c>Weights</c> named argument, located at the argument itself (or the attribute when not found).</summary>
    private static WeightsRequest? WeightsRequestOf(AttributeData attribute, LocationInfo? fallback, CancellationToken cancellationToken)
    {
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            if (argument.Key != "Weights") continue;
            if (argument.Value.Value is not string file) return null;
            AttributeArgumentSyntax? syntax = (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax)?
                .ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == "Weights");
            return new WeightsRequest(file, LocationInfo.From(syntax) ?? fallback);
        }

        return null;
    }

    /// <summary>The namespace as its identifiers joined by dots, unescaped (<c>event.Models</c>); null for the global namespace.</summary>
    private static string? NamespaceOf(INamedTypeSymbol symbol)
    {
        var parts = new List<string>();
        for (INamespaceSymbol? ns = symbol.ContainingNamespace; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
        {
            parts.Insert(0, ns.Name);
        }

        return parts.Count == 0 ? null : string.Join(".", parts);
    }

    private static int CountModelAttributes(INamedTypeSymbol symbol) =>
        symbol.GetAttributes().Count(a => a.AttributeClass?.ToDisplayString() == ModelAttribute);

    /// <summary>Whether an RnnGen attribute on the class failed to bind (the compiler reports why).</summary>
    private static bool HasErroneousAttribute(INamedTypeSymbol symbol)
    {
        foreach (AttributeData attribute in symbol.GetAttributes())
        {
            string? name = attribute.AttributeClass?.ToDisplayString();
            if (name != ModelAttribute && name != MaskingAttribute && name != DropoutAttribute && !LayerAttributes.Any(l => l.MetadataName == name))
            {
                continue;
            }

            if (attribute.AttributeConstructor is null
                || attribute.ConstructorArguments.Any(a => a.Kind == TypedConstantKind.Error)
                || attribute.NamedArguments.Any(a => a.Value.Kind == TypedConstantKind.Error))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <c>file class M</c>: the generated <c>partial class M</c> would be another type in another file. Read from the
    /// syntax, which works on every supported compiler (<c>IsFileLocal</c> needs Roslyn 4.4+ symbols).
    /// </summary>
    private static bool IsFileLocal(INamedTypeSymbol type) =>
        type.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is TypeDeclarationSyntax d && d.Modifiers.Any(m => m.Text == "file"));

    private static bool IsPartial(TypeDeclarationSyntax declaration) =>
        declaration.Modifiers.Any(m => m.IsKind(SyntaxKind.PartialKeyword));

    private static IEnumerable<INamedTypeSymbol> ContainingTypes(INamedTypeSymbol symbol)
    {
        for (INamedTypeSymbol? type = symbol.ContainingType; type is not null; type = type.ContainingType)
        {
            yield return type;
        }
    }

    private static string Keyword(INamedTypeSymbol type) => type switch
    {
        { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
        { IsRecord: true } => "record",
        { TypeKind: TypeKind.Struct } => "struct",
        { TypeKind: TypeKind.Interface } => "interface",
        _ => "class",
    };

    private static int IntArgument(AttributeData attribute, int index) =>
        attribute.ConstructorArguments.Length > index && attribute.ConstructorArguments[index].Value is int value ? value : 0;

    /// <summary>A rate as the message shows it: round-trip digits, invariant culture.</summary>
    private static string FormatRate(float rate) => rate.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The named argument <paramref name="name"/> when it is a <typeparamref name="T"/> constant (an enum's is its int), else <paramref name="fallback"/>.</summary>
    private static T Named<T>(AttributeData attribute, string name, T fallback) where T : struct
    {
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            if (argument.Key == name && argument.Value.Value is T value) return value;
        }

        return fallback;
    }

    private static bool HasNamed(AttributeData attribute, string name)
    {
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            if (argument.Key == name) return true;
        }

        return false;
    }
}
