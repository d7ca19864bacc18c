using System.Linq;
using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using RnnGen.Generator.Emit;
using RnnGen.Generator.Model;
using RnnGen.Generator.Parsing;

namespace RnnGen.Generator;

/// <summary>
/// [RnnModel] partial class → validated <see cref="ModelSpec"/> → one specialized source file.
/// Diagnostics travel apart from the spec, so a change that only moves code re-emits nothing.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class RnnModelGenerator : IIncrementalGenerator
{
    private readonly Func<ModelSpec, string> _emit;

    public RnnModelGenerator()
        : this(ModelEmitter.Emit)
    {
    }

    /// <summary>For tests: a generator whose emitter is <paramref name="emit"/> (to prove a failure stays in its model).</summary>
    internal RnnModelGenerator(Func<ModelSpec, string> emit) => _emit = emit;

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // Parse: one value-equatable result per [RnnModel] class (no symbols past this point).
        IncrementalValuesProvider<ModelResult> models = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                ModelParser.ModelAttribute,
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax,
                ModelParser.Parse)
            .WithTrackingName(TrackingNames.Models);

        // Frozen weights: each <RnnGenWeights> item, converted to text by RnnGen.targets, read once per edit of the file.
        IncrementalValueProvider<ImmutableArray<WeightsFile>> weightFiles = context.AdditionalTextsProvider
            .Where(static text => WeightsFileReader.IsWeightsFile(text.Path))
            .Select(static (text, ct) => WeightsFileReader.Read(text.Path, text.GetText(ct), ct))
            .WithTrackingName(TrackingNames.WeightFiles)
            .Collect();

        // Bind: a model with Weights = "..." gets its checked parameters (or RNNG04x); others pass through.
        IncrementalValuesProvider<ModelResult> bound = models
            .Combine(weightFiles)
            .Select(static (pair, _) => WeightsBinder.Bind(pair.Left, pair.Right))
            .WithTrackingName(TrackingNames.BoundModels);

        // Diagnostics and specs split apart: a diagnostic's location moving never re-emits source.
        context.RegisterSourceOutput(
            bound.Select(static (m, _) => m.Diagnostics).WithTrackingName(TrackingNames.Diagnostics),
            static (spc, diagnostics) => Report(spc, diagnostics));

        IncrementalValuesProvider<ModelSpec> specs = bound
            .Select(static (m, _) => m.Spec)
            .Where(static spec => spec is not null)
            .Select(static (spec, _) => spec!)
            .WithTrackingName(TrackingNames.Specs);

        // Hint names must be unique ignoring case, so each model sees every model's name (a small, rarely changing list).
        IncrementalValueProvider<EquatableArray<string>> names = specs
            .Select(static (spec, _) => spec.FullName)
            .Collect()
            .Select(static (all, _) => all.ToEquatableArray());

        // Emit: the heavy work (planning and unrolling) runs only here, one model at a time.
        Func<ModelSpec, string> emit = _emit;
        context.RegisterSourceOutput(specs.Combine(names), (spc, input) => EmitModel(spc, input.Left, input.Right, emit));

        // Layer attributes on a class without [RnnModel].
        foreach (var (metadataName, shortName) in ModelParser.LayerAttributes.Select(a => (a.MetadataName, a.ShortName)).Append((ModelParser.MaskingAttribute, "Masking")).Append((ModelParser.DropoutAttribute, "Dropout")))
        {
            IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> orphans = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    metadataName,
                    static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax,
                    (ctx, ct) => ModelParser.ParseOrphan(ctx, shortName, ct))
                .WithTrackingName(TrackingNames.OrphanLayers);
            context.RegisterSourceOutput(orphans, static (spc, diagnostics) => Report(spc, diagnostics));
        }
    }

    /// <summary>Emits one model. A failure becomes RNNG020 for this model only; the others still generate.</summary>
    private static void EmitModel(SourceProductionContext context, ModelSpec spec, EquatableArray<string> allNames, Func<ModelSpec, string> emit)
    {
        try
        {
            context.AddSource(Identifiers.HintName(spec.FullName, allNames), emit(spec));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            context.ReportDiagnostic(ModelParser.Failure(spec.FullName, exception, location: null).ToDiagnostic());
        }
    }

    private static void Report(SourceProductionContext context, EquatableArray<DiagnosticInfo> diagnostics)
    {
        foreach (DiagnosticInfo diagnostic in diagnostics)
        {
            context.ReportDiagnostic(diagnostic.ToDiagnostic());
        }
    }
}
