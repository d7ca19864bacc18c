using Microsoft.CodeAnalysis;

namespace RnnGen.Generator.Tests;

/// <summary>Every RNNG diagnostic: its ID, its severity, the numbers in its message and the attribute it points at.</summary>
public class DiagnosticTests
{
    private const string Usings = "using RnnGen;\n";

    /// <summary>Runs the generator on <paramref name="source"/>; the text inside <c>[| |]</c> marks where the diagnostic must point.</summary>
    private static Diagnostic Single(string source, string id)
    {
        int start = source.IndexOf("[|", StringComparison.Ordinal);
        int end = source.IndexOf("|]", StringComparison.Ordinal) - 2;
        string clean = Usings + source.Replace("[|", "").Replace("|]", "");
        var (result, output) = GeneratorHarness.Run(clean);

        Diagnostic diagnostic = Assert.Single(result.Diagnostics, d => d.Id == id);
        Assert.Equal(Usings.Length + start, diagnostic.Location.SourceSpan.Start);
        Assert.Equal(end - start, diagnostic.Location.SourceSpan.Length);
        if (diagnostic.Severity == DiagnosticSeverity.Error)
        {
            Assert.Empty(result.GeneratedTrees); // a model with errors emits nothing
        }

        Assert.NotNull(diagnostic.Descriptor.HelpLinkUri);
        Assert.Contains("diagnostics.md#" + id.ToLowerInvariant(), diagnostic.Descriptor.HelpLinkUri, StringComparison.Ordinal);
        _ = output;
        return diagnostic;
    }

    [Fact]
    public void Non_partial_class_reports_RNNG001()
    {
        Diagnostic d = Single("[[|RnnModel(1, 5)|]]\n[SimpleRnn(3)]\npublic class M { }", "RNNG001");
        Assert.Contains("'M'", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Model_nested_in_non_partial_type_reports_RNNG001()
    {
        Single("public class Outer { [[|RnnModel(1, 5)|]]\n[SimpleRnn(3)]\npublic partial class M { } }", "RNNG001");
    }

    [Fact]
    public void Generic_class_reports_RNNG002()
    {
        Single("[[|RnnModel(1, 5)|]]\n[SimpleRnn(3)]\npublic partial class M<T> { }", "RNNG002");
    }

    [Fact]
    public void Static_class_reports_RNNG003()
    {
        Single("[[|RnnModel(1, 5)|]]\n[SimpleRnn(3)]\npublic static partial class M { }", "RNNG003");
    }

    [Fact]
    public void Model_without_layers_reports_RNNG004()
    {
        Diagnostic d = Single("[[|RnnModel(1, 5)|]]\npublic partial class M { }", "RNNG004");
        Assert.Contains("'M' has no layers", d.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0, 5", "timesteps must be at least 1, but is 0")]
    [InlineData("3, -2", "features must be at least 1, but is -2")]
    public void Non_positive_shape_reports_RNNG005(string arguments, string message)
    {
        Diagnostic d = Single($"[[|RnnModel({arguments})|]]\n[SimpleRnn(3)]\npublic partial class M {{ }}", "RNNG005");
        Assert.Contains(message, d.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SimpleRnn(0)", "[SimpleRnn] units must be at least 1, but is 0")]
    [InlineData("Lstm(-4)", "[Lstm] units must be at least 1, but is -4")]
    [InlineData("Gru(0)", "[Gru] units must be at least 1, but is 0")]
    public void Non_positive_units_reports_RNNG006(string layer, string message)
    {
        Diagnostic d = Single($"[RnnModel(2, 5)]\n[[|{layer}|]]\npublic partial class M {{ }}", "RNNG006");
        Assert.Contains(message, d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Non_positive_dense_units_reports_RNNG006()
    {
        Diagnostic d = Single("[RnnModel(2, 5)]\n[SimpleRnn(3)]\n[[|Dense(0)|]]\npublic partial class M { }", "RNNG006");
        Assert.Contains("[Dense] units must be at least 1, but is 0", d.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SimpleRnn")]
    [InlineData("Lstm")]
    [InlineData("Gru")]
    public void Softmax_on_recurrent_layer_reports_RNNG007(string kind)
    {
        Diagnostic d = Single($"[RnnModel(2, 5)]\n[[|{kind}(3, Activation = Activation.Softmax)|]]\npublic partial class M {{ }}", "RNNG007");
        Assert.Contains($"[{kind}] (layer 0) uses Activation.Softmax", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Recurrent_layer_after_last_state_reports_RNNG008()
    {
        Diagnostic d = Single("[RnnModel(4, 3)]\n[SimpleRnn(5)]\n[[|Lstm(4)|]]\npublic partial class M { }", "RNNG008");
        Assert.Contains("[Lstm] (layer 1) expects a sequence (ndim=3)", d.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("layer 0 ([SimpleRnn]) returns only its last state", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Recurrent_layer_after_dense_on_last_state_reports_RNNG008()
    {
        Single("[RnnModel(4, 3)]\n[SimpleRnn(5)]\n[Dense(2)]\n[[|Gru(4)|]]\npublic partial class M { }", "RNNG008");
    }

    [Fact]
    public void Layers_on_two_declarations_report_RNNG009()
    {
        Diagnostic d = Single("[RnnModel(1, 5)]\n[SimpleRnn(3)]\npublic partial class M { }\n[[|Dense(5)|]]\npublic partial class M { }", "RNNG009");
        Assert.Contains("spread over 2 partial declarations", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Layer_without_model_reports_RNNG010()
    {
        Diagnostic d = Single("[[|Dense(5)|]]\npublic partial class M { }", "RNNG010");
        Assert.Contains("[Dense] on 'M' has no effect", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Masking_without_model_reports_RNNG010()
    {
        Diagnostic d = Single("[[|Masking(0f)|]]\npublic partial class M { }", "RNNG010");
        Assert.Contains("[Masking] on 'M' has no effect", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Model_too_big_to_unroll_reports_RNNG011_as_info_and_still_emits()
    {
        string source = Usings + "[RnnModel(50, 8)]\n[SimpleRnn(64)]\n[Dense(1)]\npublic partial class Big { }";
        var (result, output) = GeneratorHarness.Run(source);

        Diagnostic d = Assert.Single(result.Diagnostics, x => x.Id == "RNNG011");
        Assert.Equal(DiagnosticSeverity.Info, d.Severity);
        Assert.Contains("needs 230464 multiply-adds per forward pass (more than 512)", d.GetMessage(), StringComparison.Ordinal);
        Assert.Equal("RnnModel(50, 8)", source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
        Assert.Single(result.GeneratedTrees);
        Assert.Empty(GeneratorHarness.CompilationErrors(output));
    }

    [Fact]
    public void Forcing_full_unroll_on_a_big_model_reports_nothing()
    {
        var (result, _) = GeneratorHarness.Run(Usings + "[RnnModel(30, 8, Unroll = UnrollMode.Full)]\n[SimpleRnn(16)]\n[Dense(1)]\npublic partial class Big { }");
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void Embedding_not_first_reports_RNNG012()
    {
        Diagnostic d = Single("[RnnModel(4, 3)]\n[SimpleRnn(3, ReturnSequences = true)]\n[[|Embedding(10, 3)|]]\npublic partial class M { }", "RNNG012");
        Assert.Contains("[Embedding] is layer 1", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Features_differing_from_embedding_width_reports_RNNG013()
    {
        Diagnostic d = Single("[RnnModel(4, 3)]\n[[|Embedding(10, 8)|]]\n[Gru(4)]\npublic partial class M { }", "RNNG013");
        Assert.Contains("features is 3, but [Embedding] outputDim is 8", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Non_positive_embedding_size_reports_RNNG006()
    {
        Diagnostic d = Single("[RnnModel(4, 3)]\n[[|Embedding(0, 3)|]]\n[Gru(4)]\npublic partial class M { }", "RNNG006");
        Assert.Contains("[Embedding] inputDim must be at least 1, but is 0", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Undefined_activation_value_reports_RNNG014()
    {
        Diagnostic d = Single("[RnnModel(4, 3)]\n[[|SimpleRnn(4, Activation = (Activation)9)|]]\npublic partial class M { }", "RNNG014");
        Assert.Contains("Activation has the value 9", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Undefined_recurrent_activation_value_reports_RNNG014()
    {
        Diagnostic d = Single("[RnnModel(4, 3)]\n[[|Gru(4, RecurrentActivation = (Activation)9)|]]\npublic partial class M { }", "RNNG014");
        Assert.Contains("[Gru] RecurrentActivation has the value 9", d.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Lstm")]
    [InlineData("Gru")]
    public void Softmax_recurrent_activation_reports_RNNG021(string kind)
    {
        Diagnostic d = Single($"[RnnModel(2, 5)]\n[SimpleRnn(3, ReturnSequences = true)]\n[[|{kind}(3, RecurrentActivation = Activation.Softmax)|]]\npublic partial class M {{ }}", "RNNG021");
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains($"[{kind}] (layer 1) has RecurrentActivation = Activation.Softmax", d.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SimpleRnn", "Sum")]
    [InlineData("Lstm", "Concat")]
    [InlineData("Gru", "Average")]
    public void Merge_without_Bidirectional_reports_RNNG022(string kind, string merge)
    {
        Diagnostic d = Single($"[RnnModel(2, 5)]\n[[|{kind}(3, Merge = MergeMode.{merge})|]]\n[Dense(1)]\npublic partial class M {{ }}", "RNNG022");
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains($"[{kind}] (layer 0) sets Merge = MergeMode.{merge} but not Bidirectional = true", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Masking_after_a_layer_reports_RNNG023()
    {
        Diagnostic d = Single("[RnnModel(4, 3)]\n[Lstm(4)]\n[[|Masking(0f)|]]\n[Dense(1)]\npublic partial class M { }", "RNNG023");
        Assert.Contains("[Masking] has 1 layer attributes before it and there are 1 [Masking] attributes", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Two_Masking_layers_report_RNNG023()
    {
        var (result, _) = GeneratorHarness.Run(Usings + "[RnnModel(4, 3)]\n[Masking]\n[Masking(1f)]\n[Lstm(4)]\npublic partial class M { }");
        Assert.Equal(2, result.Diagnostics.Count(d => d.Id == "RNNG023"));
        Assert.Empty(result.GeneratedTrees);
    }

    [Fact]
    public void Masking_with_Embedding_reports_RNNG024()
    {
        Diagnostic d = Single("[RnnModel(4, 3)]\n[[|Masking|]]\n[Embedding(10, 3)]\n[Lstm(4)]\npublic partial class M { }", "RNNG024");
        Assert.Contains("MaskZero = true", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Masking_first_and_MaskZero_are_accepted()
    {
        Assert.DoesNotContain(GeneratorHarness.Run(Usings + "[RnnModel(4, 3)]\n[Masking(-1f)]\n[Gru(4, Bidirectional = true, ReturnSequences = true)]\n[Dense(1)]\npublic partial class M { }").Result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(GeneratorHarness.Run(Usings + "[RnnModel(4, 3)]\n[Embedding(10, 3, MaskZero = true)]\n[SimpleRnn(4)]\npublic partial class M { }").Result.Diagnostics);
    }

    [Theory]
    [InlineData("SimpleRnn", "Dropout", "1")]
    [InlineData("Lstm", "RecurrentDropout", "-0.25")]
    [InlineData("Gru", "Dropout", "1.5")]
    public void Dropout_option_outside_the_unit_interval_reports_RNNG025(string kind, string option, string rate)
    {
        Diagnostic d = Single($"[RnnModel(2, 5)]\n[[|{kind}(3, {option} = {rate}f)|]]\n[Dense(1)]\npublic partial class M {{ }}", "RNNG025");
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains($"[{kind}] (layer 0) has {option} = {rate}; a dropout rate", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Dropout_layer_outside_the_unit_interval_reports_RNNG025()
    {
        Diagnostic d = Single("[RnnModel(2, 5)]\n[SimpleRnn(3)]\n[[|Dropout(1f)|]]\n[Dense(1)]\npublic partial class M { }", "RNNG025");
        Assert.Contains("[Dropout] (layer 1) has rate = 1;", d.GetMessage(), StringComparison.Ordinal);
        Diagnostic nan = Single("[RnnModel(2, 5)]\n[[|Dropout(float.NaN)|]]\n[SimpleRnn(3)]\npublic partial class M { }", "RNNG025");
        Assert.Contains("rate = NaN", nan.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Two_Dropout_layers_in_a_row_report_RNNG026()
    {
        Diagnostic d = Single("[RnnModel(2, 5)]\n[SimpleRnn(3)]\n[Dropout(0.2f)]\n[[|Dropout(0.5f)|]]\n[Dense(1)]\npublic partial class M { }", "RNNG026");
        Assert.Contains("[Dropout(0.5)] directly follows another [Dropout]", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Dropout_before_Embedding_or_Masking_reports_RNNG026()
    {
        Diagnostic embedding = Single("[RnnModel(4, 3)]\n[[|Dropout(0.1f)|]]\n[Embedding(10, 3)]\n[Lstm(4)]\npublic partial class M { }", "RNNG026");
        Assert.Contains("comes before [Embedding]", embedding.GetMessage(), StringComparison.Ordinal);
        var (result, _) = GeneratorHarness.Run(Usings + "[RnnModel(4, 3)]\n[Dropout(0.1f)]\n[Masking]\n[Lstm(4)]\npublic partial class M { }");
        Assert.Contains(result.Diagnostics, d => d.Id == "RNNG026" && d.GetMessage().Contains("comes before [Masking]", StringComparison.Ordinal));
        Assert.Empty(result.GeneratedTrees);
    }

    [Fact]
    public void Dropout_on_another_declaration_reports_RNNG009()
    {
        var (result, _) = GeneratorHarness.Run(Usings + "[RnnModel(4, 3)]\n[Lstm(4)]\n[Dense(1)]\npublic partial class M { }\n[Dropout(0.5f)]\npublic partial class M { }");
        Assert.Contains(result.Diagnostics, d => d.Id == "RNNG009");
        Assert.Empty(result.GeneratedTrees);
    }

    [Fact]
    public void Dropout_options_and_layers_are_accepted()
    {
        var (result, _) = GeneratorHarness.Run(Usings + "[RnnModel(4, 3)]\n[Masking]\n[Dropout(0f)]\n[Lstm(4, Dropout = 0.5f, RecurrentDropout = 0.25f, Bidirectional = true, ReturnSequences = true)]\n[Dropout(0.3f)]\n[Gru(2)]\n[Dense(1)]\n[Dropout(0.1f)]\npublic partial class M { }");
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Single(result.GeneratedTrees);
    }

    [Fact]
    public void Dropout_without_RnnModel_reports_RNNG010()
    {
        Diagnostic d = Single("[[|Dropout(0.5f)|]]\npublic partial class M { }", "RNNG010");
        Assert.Contains("[Dropout]", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_with_Bidirectional_is_accepted_and_undefined_merge_reports_RNNG014()
    {
        var (result, _) = GeneratorHarness.Run("using RnnGen;\n[RnnModel(2, 5)]\n[Gru(3, Bidirectional = true, Merge = MergeMode.Multiply)]\n[Dense(1)]\npublic partial class M { }");
        Assert.Empty(result.Diagnostics);
        Diagnostic d = Single("[RnnModel(4, 3)]\n[[|Lstm(4, Bidirectional = true, Merge = (MergeMode)7)|]]\npublic partial class M { }", "RNNG014");
        Assert.Contains("MergeMode has the value 7", d.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Lstm", "HardSigmoid")]
    [InlineData("Gru", "HardSigmoid")]
    [InlineData("Lstm", "Tanh")]
    [InlineData("Gru", "Linear")]
    [InlineData("Lstm", "Relu")]
    public void Every_element_wise_recurrent_activation_is_accepted(string kind, string activation)
    {
        var (result, output) = GeneratorHarness.Run(Usings + $"[RnnModel(2, 5)]\n[{kind}(3, RecurrentActivation = Activation.{activation})]\npublic partial class M {{ }}");
        Assert.Empty(result.Diagnostics);
        Assert.NotEmpty(result.GeneratedTrees);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void Every_descriptor_is_documented_in_docs_diagnostics_md()
    {
        string docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "diagnostics.md"));
        foreach (DiagnosticDescriptor descriptor in Parsing.DiagnosticDescriptors.All)
        {
            Assert.Contains($"## {descriptor.Id}", docs, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Valid_models_report_no_warning_or_error_and_compile()
    {
        var (result, output) = GeneratorHarness.Run(Usings + """
            namespace N;
            public partial class Outer
            {
                [RnnModel(1, 5)]
                [SimpleRnn(3)]
                [Dense(5, Activation = Activation.Softmax)]
                internal partial class Letter;
            }

            [RnnModel(6, 4)]
            [Embedding(20, 4)]
            [Gru(5, ReturnSequences = true)]
            [Lstm(3)]
            [Dense(1, Activation = Activation.Sigmoid)]
            public partial class Mixed;
            """);

        // The mixed model is above the unroll crossover: only the RNNG011 info may appear.
        Assert.All(result.Diagnostics, d => Assert.Equal(("RNNG011", DiagnosticSeverity.Info), (d.Id, d.Severity)));
        Assert.Equal(2, result.GeneratedTrees.Length);
        Assert.Empty(GeneratorHarness.CompilationErrors(output));
    }

    internal static string RepositoryRoot()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "RnnGen.sln")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException("RnnGen.sln not found above " + AppContext.BaseDirectory);
    }
}
