using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Tests;

/// <summary>
/// The pipeline must stay cached across edits that do not change a model (NetEscapades / ComputeSharp style):
/// re-runs are Cached or Unchanged, and no Compilation, symbol or syntax node travels through it.
/// </summary>
public class IncrementalityTests
{
    private const string Model = """
        using RnnGen;
        namespace App;

        [RnnModel(timesteps: 3, features: 2)]
        [SimpleRnn(4)]
        [Dense(1)]
        public partial class Forecaster;
        """;

    private static readonly string[] TrackedNames = [TrackingNames.Models, TrackingNames.Specs, TrackingNames.Diagnostics];

    private static (GeneratorDriverRunResult First, GeneratorDriverRunResult Second) RunTwice(CSharpCompilation first, Func<CSharpCompilation, CSharpCompilation> edit)
    {
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(first);
        GeneratorDriverRunResult firstResult = driver.GetRunResult();
        driver = driver.RunGenerators(edit(first));
        return (firstResult, driver.GetRunResult());
    }

    private static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorDriverRunResult result, string step) =>
        result.Results[0].TrackedSteps.TryGetValue(step, out var runs)
            ? runs.SelectMany(r => r.Outputs).Select(o => o.Reason)
            : [];

    private static IEnumerable<IncrementalStepRunReason> SourceOutputReasons(GeneratorDriverRunResult result) =>
        result.Results[0].TrackedOutputSteps.SelectMany(kv => kv.Value).SelectMany(r => r.Outputs).Select(o => o.Reason);

    [Fact]
    public void Rerun_on_a_clone_is_entirely_cached()
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(Model);
        var (_, second) = RunTwice(compilation, c => c.Clone());

        foreach (string name in TrackedNames)
        {
            Assert.All(Reasons(second, name), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{name}: {r}"));
        }
    }

    [Fact]
    public void Editing_an_unrelated_file_leaves_the_model_cached()
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(Model, "namespace App; public class Other { }");
        var (_, second) = RunTwice(compilation, c =>
        {
            SyntaxTree other = c.SyntaxTrees.Last();
            return c.ReplaceSyntaxTree(other, other.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From("namespace App; public class Other { int _x; }")));
        });

        // The transform re-runs on a new compilation but yields an equal result, so everything after it is cached.
        Assert.All(Reasons(second, TrackingNames.Models), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        Assert.All(Reasons(second, TrackingNames.Specs), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        Assert.All(SourceOutputReasons(second), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
    }

    [Fact]
    public void Adding_an_unrelated_type_leaves_the_model_cached()
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(Model);
        var (_, second) = RunTwice(compilation, c => c.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace App; public class Unrelated { }", (CSharpParseOptions)c.SyntaxTrees.First().Options)));

        Assert.All(Reasons(second, TrackingNames.Models), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        Assert.All(Reasons(second, TrackingNames.Specs), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        Assert.All(SourceOutputReasons(second), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
    }

    [Fact]
    public void Adding_a_comment_to_the_model_leaves_its_spec_unchanged()
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(Model);
        var (_, second) = RunTwice(compilation, c => Replace(c, "public partial class", "// forecasts the next value\npublic partial class"));

        // The parse result is equal (no diagnostics carry the moved location), so the spec and the source are not re-emitted.
        Assert.All(Reasons(second, TrackingNames.Models), r => Assert.Equal(IncrementalStepRunReason.Unchanged, r));
        Assert.All(Reasons(second, TrackingNames.Specs), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        Assert.All(SourceOutputReasons(second), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
    }

    [Fact]
    public void Changing_units_modifies_the_spec_and_the_output()
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(Model);
        var (_, second) = RunTwice(compilation, c => Replace(c, "[SimpleRnn(4)]", "[SimpleRnn(5)]"));

        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(second, TrackingNames.Specs));
        Assert.Contains(IncrementalStepRunReason.Modified, SourceOutputReasons(second));
    }

    [Fact]
    public void Changing_the_recurrent_activation_modifies_the_spec_and_the_output()
    {
        CSharpCompilation compilation = GeneratorHarness.Compile("using RnnGen;\n[RnnModel(3, 2)]\n[Lstm(4)]\npublic partial class M;");
        var (_, second) = RunTwice(compilation, c => Replace(c, "[Lstm(4)]", "[Lstm(4, RecurrentActivation = Activation.HardSigmoid)]"));

        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(second, TrackingNames.Specs));
        Assert.Contains(IncrementalStepRunReason.Modified, SourceOutputReasons(second));
    }

    [Fact]
    public void No_compilation_symbol_or_syntax_node_travels_through_the_pipeline()
    {
        var (result, _) = GeneratorHarness.Run(Model, "using RnnGen; [Dense(2)] public partial class Orphan;");
        foreach (var (name, runs) in result.Results[0].TrackedSteps.Where(kv => TrackedNames.Contains(kv.Key) || kv.Key == TrackingNames.OrphanLayers))
        {
            foreach (IncrementalGeneratorRunStep run in runs)
            {
                foreach (var (value, _) in run.Outputs)
                {
                    AssertNoRoslynObjects(value, name, new HashSet<object>(ReferenceEqualityComparer.Instance), depth: 0);
                }
            }
        }
    }

    internal static void AssertNoRoslynObjects(object? value, string step, HashSet<object> seen, int depth)
    {
        if (value is null || depth > 12 || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum) return;
        if (!value.GetType().IsValueType && !seen.Add(value)) return;
        Assert.False(value is Compilation or ISymbol or SyntaxNode or SemanticModel or SyntaxTree,
            $"Step '{step}' carries a {value.GetType().Name}, which defeats caching.");
        if (value is IEnumerable items)
        {
            foreach (object? item in items) AssertNoRoslynObjects(item, step, seen, depth + 1);
        }

        foreach (FieldInfo field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            AssertNoRoslynObjects(field.GetValue(value), step, seen, depth + 1);
        }
    }

    private static CSharpCompilation Replace(CSharpCompilation compilation, string oldText, string newText)
    {
        SyntaxTree tree = compilation.SyntaxTrees.First();
        string text = tree.GetText().ToString().Replace(oldText, newText, StringComparison.Ordinal);
        return compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(text)));
    }
}
