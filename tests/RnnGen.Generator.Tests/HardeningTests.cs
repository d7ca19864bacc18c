using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using RnnGen.Generator.Emit;

namespace RnnGen.Generator.Tests;

/// <summary>
/// Hostile declarations (issue 9): absurd shapes, odd names, user types that shadow ours, declarations the generator
/// cannot serve. None may throw, hang, poison other models or emit code that does not compile.
/// </summary>
public class HardeningTests
{
    private const string Usings = "using RnnGen;\n";

    /// <summary>The one diagnostic <paramref name="id"/>, which must point at the text inside <c>[| |]</c>; no code is emitted.</summary>
    private static Diagnostic Single(string source, string id)
    {
        int start = source.IndexOf("[|", StringComparison.Ordinal);
        int end = source.IndexOf("|]", StringComparison.Ordinal) - 2;
        var (result, _) = GeneratorHarness.Run(Usings + source.Replace("[|", "").Replace("|]", ""));
        Diagnostic diagnostic = Assert.Single(result.Diagnostics, d => d.Id == id);
        Assert.Equal(Usings.Length + start, diagnostic.Location.SourceSpan.Start);
        Assert.Equal(end - start, diagnostic.Location.SourceSpan.Length);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Empty(result.GeneratedTrees);
        Assert.Contains("diagnostics.md#" + id.ToLowerInvariant(), diagnostic.Descriptor.HelpLinkUri, StringComparison.Ordinal);
        return diagnostic;
    }

    /// <summary>Runs the generator; requires no generator error and an output that compiles with no error.</summary>
    private static GeneratorDriverRunResult Clean(params string[] sources)
    {
        var (result, output) = GeneratorHarness.Run(sources);
        Assert.Empty(result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Empty(GeneratorHarness.CompilationErrors(output));
        return result;
    }

    // ---- item 1: checked shape arithmetic and size limits ----

    [Theory]
    [InlineData("[[|RnnModel(1, int.MaxValue)|]]\n[SimpleRnn(3)]\n[Dense(5)]", "features is 2,147,483,647, more than the limit of 65,536")]
    [InlineData("[[|RnnModel(int.MaxValue, 2)|]]\n[SimpleRnn(3)]", "timesteps is 2,147,483,647, more than the limit of 65,536")]
    [InlineData("[[|RnnModel(100000, 2, Unroll = UnrollMode.Full)|]]\n[SimpleRnn(3)]", "timesteps is 100,000")]
    [InlineData("[[|RnnModel(4, 3)|]]\n[SimpleRnn(100000)]", "layer 0 units is 100,000, more than the limit of 65,536")]
    [InlineData("[[|RnnModel(4, 3)|]]\n[Lstm(int.MaxValue)]", "layer 0 units is 2,147,483,647")]
    [InlineData("[[|RnnModel(4, 3)|]]\n[SimpleRnn(4096)]", "the parameter count is 16,793,600, more than the limit of 16,777,216")]
    [InlineData("[[|RnnModel(65536, 1)|]]\n[Lstm(64, ReturnSequences = true)]", "the workspace (floats of activations per sequence) is 50,397,184, more than the limit of 16,777,216")]
    public void Shapes_over_a_limit_report_RNNG015(string declaration, string message)
    {
        Diagnostic d = Single(declaration + "\npublic partial class M;", "RNNG015");
        Assert.Contains("The model 'M' is too large: " + message, d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Three_hundred_layers_report_RNNG015()
    {
        string layers = string.Concat(Enumerable.Repeat("[Dense(2)]\n", 300));
        Diagnostic d = Single("[[|RnnModel(1, 2)|]]\n" + layers + "public partial class M;", "RNNG015");
        Assert.Contains("the layer count is 300, more than the limit of 256", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Full_unroll_over_the_size_limit_reports_RNNG016_and_names_the_tier()
    {
        Diagnostic d = Single("[[|RnnModel(1000, 8, Unroll = UnrollMode.Full)|]]\n[SimpleRnn(8)]\npublic partial class M;", "RNNG016");
        Assert.Contains("needs 128,000 multiply-adds per forward pass, more than the 16,384", d.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("use UnrollMode.Loops", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Fifty_stacked_lstms_in_Full_report_RNNG016_and_in_Loops_compile()
    {
        string stack = string.Concat(Enumerable.Repeat("[Lstm(8, ReturnSequences = true)]\n", 50));
        Single("[[|RnnModel(10, 8, Unroll = UnrollMode.Full)|]]\n" + stack + "public partial class M;", "RNNG016");

        GeneratorDriverRunResult result = Clean(Usings + "[RnnModel(10, 8, Unroll = UnrollMode.Loops)]\n" + stack + "public partial class M;");
        Assert.InRange(result.GeneratedTrees.Single().Length, 1, 2_000_000); // loop code: grows with layers, not with shapes
    }

    [Fact]
    public void A_model_just_inside_every_limit_generates_code_that_compiles()
    {
        // 65,536 timesteps, 16,777,216-float-bounded workspace, constants that would overflow in 32-bit products.
        GeneratorDriverRunResult result = Clean(Usings + "[RnnModel(65536, 1)] [SimpleRnn(16)] [Dense(1)] public partial class M;");
        Assert.Single(result.GeneratedTrees);
    }

    // ---- item 2: hint names, and one broken model does not take the others down ----

    [Fact]
    public void A_model_in_a_keyword_namespace_generates_beside_a_plain_one()
    {
        GeneratorDriverRunResult result = Clean(
            Usings + "namespace @event { [RnnModel(2, 3)] [SimpleRnn(2)] public partial class Model; }",
            Usings + "namespace Plain { [RnnModel(2, 3)] [SimpleRnn(2)] public partial class Model; }");
        Assert.Equal(["Plain.Model.g.cs", "event.Model.g.cs"], result.Results[0].GeneratedSources.Select(s => s.HintName).OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public void Models_differing_only_in_case_get_hint_names_unique_ignoring_case()
    {
        GeneratorDriverRunResult result = Clean(
            Usings + "namespace N { [RnnModel(2, 3)] [SimpleRnn(2)] public partial class Model; [RnnModel(2, 3)] [Dense(2)] public partial class model; }");
        string[] hints = result.Results[0].GeneratedSources.Select(s => s.HintName).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        Assert.Equal(["N.Model.g.cs", "N.model.2.g.cs"], hints);
        Assert.Equal(2, hints.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Theory]
    [InlineData("N.Model", new[] { "N.Model", "N.model" }, "N.Model.g.cs")]
    [InlineData("N.model", new[] { "N.Model", "N.model" }, "N.model.2.g.cs")]
    [InlineData("é.M", new[] { "é.M", "_.M" }, "_.M.2.g.cs")]
    [InlineData("_.M", new[] { "é.M", "_.M" }, "_.M.g.cs")]
    [InlineData("A.B", new[] { "A.B" }, "A.B.g.cs")]
    public void Hint_names_are_sanitized_and_unique(string name, string[] all, string expected) =>
        Assert.Equal(expected, Identifiers.HintName(name, all));

    [Fact]
    public void A_model_whose_emitter_fails_reports_RNNG020_and_the_others_still_generate()
    {
        var generator = new RnnModelGenerator(spec => spec.ClassName == "Broken" ? throw new InvalidOperationException("injected") : ModelEmitter.Emit(spec));
        CSharpCompilation input = GeneratorHarness.Compile(
            Usings + "namespace App; [RnnModel(2, 3)] [SimpleRnn(2)] public partial class Good; [RnnModel(2, 3)] [Dense(1)] public partial class Broken;");
        GeneratorDriver driver = CSharpGeneratorDriver.Create([generator.AsSourceGenerator()], parseOptions: (CSharpParseOptions)input.SyntaxTrees[0].Options);
        driver = driver.RunGeneratorsAndUpdateCompilation(input, out Compilation output, out _);
        GeneratorDriverRunResult result = driver.GetRunResult();

        Assert.Null(result.Results[0].Exception);
        Diagnostic failure = Assert.Single(result.Diagnostics);
        Assert.Equal("RNNG020", failure.Id);
        Assert.Equal(DiagnosticSeverity.Error, failure.Severity);
        Assert.Contains("'App.Broken'", failure.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("InvalidOperationException: injected", failure.GetMessage(), StringComparison.Ordinal);
        Assert.Equal("App.Good.g.cs", Assert.Single(result.Results[0].GeneratedSources).HintName);
        Assert.Empty(GeneratorHarness.CompilationErrors(output));
    }

    // ---- item 3: hygiene ----

    /// <summary>User types that share names with everything the generated code uses.</summary>
    private const string Shadows = """
        public class Guard { } public class Random { } public class Span<T> { } public class ReadOnlySpan<T> { }
        public class Math { } public class MathF { } public class Activations { } public class Kernels { } public class Initializers { }
        public class Array { } public class LayerInfo { } public class TensorInfo { } public class LayerKind { } public class IRnnModel { }
        public class IReadOnlyList<T> { } public class MethodImpl { } public class MethodImplOptions { } public class ThreadStatic { }
        public class System { } public class RnnGen { } public class Activation { } public class Microsoft { } public class Simd { } public class Vector128 { } public class Vector256 { } public class Vector512 { } public class Unsafe { } public class MemoryMarshal { }
        """;

    [Theory]
    [InlineData("Auto")]
    [InlineData("Full")]
    [InlineData("Loops")]
    [InlineData("Vector")]
    public void User_types_named_like_ours_do_not_break_the_generated_code(string unroll)
    {
        Clean($$"""
            using RnnGen;
            namespace Hostile;
            {{Shadows}}
            [RnnModel(3, 2, Unroll = UnrollMode.{{unroll}})] [SimpleRnn(3, ReturnSequences = true)] [Lstm(2, ReturnSequences = true)] [Gru(2, ReturnSequences = true)] [Gru(2, ResetAfter = false)] [Dense(3, Activation = global::RnnGen.Activation.Softmax)]
            public partial class Everything;
            [RnnModel(4, 3, Unroll = UnrollMode.{{unroll}})] [Embedding(10, 3)] [SimpleRnn(2, GoBackwards = true)] [Dense(1)]
            public partial class Tokens;
            """);
    }

    [Fact]
    public void Keyword_named_models_namespaces_and_containers_compile()
    {
        var (result, output) = GeneratorHarness.Run("""
            using RnnGen;
            namespace @event.@namespace
            {
                [RnnModel(2, 3)] [SimpleRnn(2)] public partial class @class;
                public partial class @struct { [RnnModel(2, 3)] [Dense(2)] public partial class @record; }
                public partial record @var { [RnnModel(2, 3)] [Gru(2)] public partial class @async; }
            }
            """);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilationErrors(output));
        Assert.Equal(3, result.GeneratedTrees.Length);
        INamedTypeSymbol model = output.GetTypeByMetadataName("event.namespace.class")!;
        Assert.Contains(model.AllInterfaces, i => i.Name == "IRnnModel");
        Assert.Contains(model.Interfaces, i => i.Name == "IBatchModel");
        Assert.NotNull(output.GetTypeByMetadataName("event.namespace.var+async")!.GetMembers("Predict").FirstOrDefault());
    }

    [Fact]
    public void Unicode_names_generate_and_compile()
    {
        GeneratorDriverRunResult result = Clean(Usings + "namespace Модели { [RnnModel(2, 3)] [SimpleRnn(2)] public partial class 名前; [RnnModel(2, 3)] [SimpleRnn(2)] public partial class _名前; }");
        Assert.Equal(2, result.GeneratedTrees.Length);
        Assert.All(result.Results[0].GeneratedSources, s => Assert.Matches("^[A-Za-z0-9_.]+$", s.HintName));
    }

    // ---- item 4: declarations the generator does not handle ----

    [Fact]
    public void A_record_reports_RNNG018()
    {
        Diagnostic d = Single("[[|RnnModel(2, 3)|]]\n[SimpleRnn(2)]\npublic partial record M;", "RNNG018");
        Assert.Contains("'M' is a record", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_local_class_reports_RNNG019()
    {
        Diagnostic d = Single("[[|RnnModel(2, 3)|]]\n[SimpleRnn(2)]\nfile partial class M;", "RNNG019");
        Assert.Contains("'M' is a file-local type", d.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[RnnModel(Size, 3)] [SimpleRnn(2)]", "CS0120")]
    [InlineData("[RnnModel(2, 3)] [SimpleRnn(Size)]", "CS0120")]
    [InlineData("[RnnModel(2, 3)] [SimpleRnn(int.Parse(\"2\"))]", "CS0182")]
    [InlineData("[RnnModel(2, 3, Unroll = Mode)] [SimpleRnn(2)]", "CS0120")]
    public void A_non_constant_argument_leaves_the_compiler_error_alone(string attributes, string compilerError)
    {
        var (result, output) = GeneratorHarness.Run(Usings + attributes + " public partial class M { int Size = 2; UnrollMode Mode; }");
        Assert.Empty(result.Diagnostics);
        Assert.Empty(result.GeneratedTrees);
        Assert.Contains(output.GetDiagnostics(), d => d.Id == compilerError);
    }

    [Fact]
    public void A_struct_gets_only_the_compiler_error()
    {
        var (result, output) = GeneratorHarness.Run(Usings + "[RnnModel(2, 3)] [SimpleRnn(2)] public partial struct M;");
        Assert.Empty(result.Diagnostics);
        Assert.Empty(result.GeneratedTrees);
        Assert.Contains(output.GetDiagnostics(), d => d.Id == "CS0592");
    }

    // ---- item 5: helpers shared between layers ----

    [Fact]
    public void Two_loop_mode_grus_without_reset_after_share_one_helper()
    {
        GeneratorDriverRunResult result = Clean(Usings + "[RnnModel(4, 3, Unroll = UnrollMode.Loops)] [Gru(5, ReturnSequences = true, ResetAfter = false)] [Gru(4, ResetAfter = false)] public partial class M;");
        string source = result.GeneratedTrees.Single().ToString();
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(source, "static float TensorDot"));
    }

    // ---- item 6: embedding ids through floats ----

    [Fact]
    public void A_vocabulary_over_2_to_the_24_reports_RNNG017()
    {
        var (result, _) = GeneratorHarness.Run(Usings + "[RnnModel(2, 1)] [Embedding(16777217, 1)] [SimpleRnn(2)] public partial class M;");
        Diagnostic d = Assert.Single(result.Diagnostics, x => x.Id == "RNNG017");
        Assert.Contains("inputDim is 16,777,217, more than 16,777,216", d.GetMessage(), StringComparison.Ordinal);
        Assert.Empty(result.GeneratedTrees);
    }
}
