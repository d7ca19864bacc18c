using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using RnnGen.Dynamic;
using RnnGen.Generator.Model;
using static RnnGen.Generator.Tests.WeightsFiles;

namespace RnnGen.Generator.Tests;

/// <summary>
/// <c>[RnnModel(..., Weights = "...")]</c>: a good file is embedded and gives the same model as <c>LoadWeights</c> of
/// that file; every bad file is an RNNG04x error naming the tensor; the file is read through the incremental pipeline.
/// </summary>
public class FrozenWeightsTests
{
    private const string Frozen = """
        using RnnGen;
        namespace App;

        [RnnModel(timesteps: 2, features: 3, Weights = "w.safetensors")]
        [Lstm(4, ReturnSequences = true)]
        [Gru(3)]
        [Dense(2, Activation = Activation.Softmax)]
        public partial class Frozen;
        """;

    private const string Loaded = """
        namespace App;

        [RnnGen.RnnModel(timesteps: 2, features: 3)]
        [RnnGen.Lstm(4, ReturnSequences = true)]
        [RnnGen.Gru(3)]
        [RnnGen.Dense(2, Activation = RnnGen.Activation.Softmax)]
        public partial class Loaded;
        """;

    /// <summary>The same layers at run time: their tensor list is what the file must hold.</summary>
    private static Tensor[] GoodTensors(int seed = 3) =>
        RandomFor(new Sequential(2, 3, 0, new LstmLayer(4, returnSequences: true), new GruLayer(3), new DenseLayer(2, Activation.Softmax)), seed);

    private static Diagnostic SingleError(string id, params Tensor[] tensors) => SingleError(id, Converted("weights/w.safetensors", Safetensors(tensors)));

    private static Diagnostic SingleError(string id, AdditionalText file)
    {
        var (result, _) = GeneratorHarness.Run([file], Frozen);
        Diagnostic diagnostic = Assert.Single(result.Diagnostics, d => d.Id == id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Empty(result.GeneratedTrees);
        Assert.Equal("Weights = \"w.safetensors\"", Frozen.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
        return diagnostic;
    }

    [Fact]
    public void Frozen_model_predicts_exactly_as_LoadWeights_of_the_same_file()
    {
        byte[] file = Safetensors(GoodTensors());
        var (result, output) = GeneratorHarness.Run([Converted("weights/w.safetensors", file)], Frozen, Loaded);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilationErrors(output));

        using var image = new MemoryStream();
        Assert.True(output.Emit(image).Success);
        Assembly assembly = Assembly.Load(image.ToArray());
        var frozen = (IRnnModel)Activator.CreateInstance(assembly.GetType("App.Frozen")!)!;
        var loaded = (IRnnModel)Activator.CreateInstance(assembly.GetType("App.Loaded")!, 11)!;
        loaded.LoadWeights(new MemoryStream(file));

        Assert.Equal(loaded.Parameters.ToArray(), frozen.Parameters.ToArray());
        var random = new Random(5);
        float[] input = Enumerable.Range(0, frozen.InputSize).Select(_ => (float)random.NextDouble()).ToArray();
        float[] expected = new float[frozen.OutputSize], actual = new float[frozen.OutputSize];
        loaded.Predict(input, expected);
        frozen.Predict(input, actual);
        Assert.Equal(expected, actual);

        // Parameters stay writable: a frozen model is only a starting point.
        frozen.Parameters[0] += 1f;
        frozen.Predict(input, actual);
        Assert.NotEqual(expected, actual);
        var fresh = (IRnnModel)Activator.CreateInstance(assembly.GetType("App.Frozen")!)!;
        Assert.Equal(loaded.Parameters.ToArray(), fresh.Parameters.ToArray());
    }

    [Fact]
    public void Frozen_model_snapshot()
    {
        const string source = """
            using RnnGen;
            namespace Samples;

            [RnnModel(timesteps: 1, features: 2, Weights = "tiny.safetensors")]
            [SimpleRnn(2)]
            [Dense(1)]
            public partial class TinyFrozenModel;
            """;
        Tensor[] tensors = RandomFor(new Sequential(1, 2, 0, new SimpleRnnLayer(2), new DenseLayer(1)), seed: 1);
        var (result, output) = GeneratorHarness.Run([Converted("tiny.safetensors", Safetensors(tensors))], source);
        Assert.Empty(GeneratorHarness.CompilationErrors(output));
        Snapshot.Verify(result, nameof(Frozen_model_snapshot));
    }

    [Fact]
    public void Weights_without_an_item_reports_RNNG040()
    {
        var (result, _) = GeneratorHarness.Run([], Frozen);
        Diagnostic d = Assert.Single(result.Diagnostics, x => x.Id == "RNNG040");
        Assert.Contains("<RnnGenWeights Include=\"w.safetensors\" />", d.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("items: none", d.GetMessage(), StringComparison.Ordinal);
        Assert.Empty(result.GeneratedTrees);
    }

    [Fact]
    public void Truncated_file_reports_RNNG041()
    {
        byte[] file = Safetensors(GoodTensors());
        Diagnostic d = SingleError("RNNG041", Converted("w.safetensors", file.AsSpan(0, file.Length - 4).ToArray()));
        Assert.Contains("'dense/bias' has data_offsets", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_tensor_reports_RNNG042_with_its_name_and_shape()
    {
        Diagnostic d = SingleError("RNNG042", GoodTensors().Where(t => t.Name != "gru/recurrent_kernel").ToArray());
        Assert.Contains("no tensor 'gru/recurrent_kernel'", d.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("[3, 9]", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Extra_tensor_reports_RNNG043_with_its_name()
    {
        Diagnostic d = SingleError("RNNG043", [.. GoodTensors(), new Tensor("dense_1/kernel", [2, 2], new float[4])]);
        Assert.Contains("'dense_1/kernel' (shape [2, 2])", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Misshaped_tensor_reports_RNNG044_with_both_shapes()
    {
        Tensor[] tensors = GoodTensors().Select(t => t.Name == "lstm/kernel" ? t with { Shape = [16, 3] } : t).ToArray();
        Diagnostic d = SingleError("RNNG044", tensors);
        Assert.Contains("'lstm/kernel' with shape [16, 3], but the model expects shape [3, 16]", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Non_float32_tensor_reports_RNNG045()
    {
        Tensor[] tensors = GoodTensors().Select(t => t.Name == "dense/bias" ? t with { Dtype = "F16", Values = new float[1] } : t).ToArray();
        Diagnostic d = SingleError("RNNG045", tensors);
        Assert.Contains("'dense/bias' with dtype F16", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Non_finite_value_reports_RNNG046_with_tensor_and_index()
    {
        Tensor[] tensors = GoodTensors();
        Tensor gruBias = tensors.Single(t => t.Name == "gru/bias");
        gruBias.Values[7] = float.NaN;
        Diagnostic d = SingleError("RNNG046", tensors);
        Assert.Contains("'gru/bias' holding NaN at flat index 7", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Editing_the_weights_file_re_emits_the_model_and_only_it()
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(Frozen, Loaded);
        AdditionalText before = Converted("w.safetensors", Safetensors(GoodTensors(seed: 3)));
        AdditionalText after = Converted("w.safetensors", Safetensors(GoodTensors(seed: 4)));
        GeneratorDriver driver = GeneratorHarness.CreateDriver(before).RunGenerators(compilation);
        driver = driver.ReplaceAdditionalText(before, after).RunGenerators(compilation);
        GeneratorDriverRunResult second = driver.GetRunResult();

        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(second, TrackingNames.WeightFiles));
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(second, TrackingNames.Specs));
        Assert.Single(SourceOutputReasons(second), r => r == IncrementalStepRunReason.Modified); // Frozen, not Loaded
    }

    [Fact]
    public void An_unrelated_edit_leaves_the_frozen_model_cached()
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(Frozen, "namespace App; public class Other { }");
        AdditionalText file = Converted("w.safetensors", Safetensors(GoodTensors()));
        GeneratorDriver driver = GeneratorHarness.CreateDriver(file).RunGenerators(compilation);
        SyntaxTree other = compilation.SyntaxTrees.Last();
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(other, other.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From("namespace App; public class Other { int _x; }"))));
        GeneratorDriverRunResult second = driver.GetRunResult();

        Assert.All(Reasons(second, TrackingNames.WeightFiles), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        Assert.All(Reasons(second, TrackingNames.Specs), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        Assert.All(SourceOutputReasons(second), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        Assert.NotEmpty(SourceOutputReasons(second));
    }

    [Fact]
    public void No_compilation_symbol_or_syntax_node_travels_through_the_weights_steps()
    {
        var (result, _) = GeneratorHarness.Run([Converted("w.safetensors", Safetensors(GoodTensors()))], Frozen);
        string[] steps = [TrackingNames.WeightFiles, TrackingNames.BoundModels];
        Assert.All(steps, s => Assert.True(result.Results[0].TrackedSteps.ContainsKey(s), s));
        foreach (string step in steps)
        {
            foreach (IncrementalGeneratorRunStep run in result.Results[0].TrackedSteps[step])
            {
                foreach (var (value, _) in run.Outputs)
                {
                    IncrementalityTests.AssertNoRoslynObjects(value, step, new HashSet<object>(ReferenceEqualityComparer.Instance), depth: 0);
                }
            }
        }
    }

    private static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorDriverRunResult result, string step) =>
        result.Results[0].TrackedSteps.TryGetValue(step, out var runs) ? runs.SelectMany(r => r.Outputs).Select(o => o.Reason) : [];

    private static IEnumerable<IncrementalStepRunReason> SourceOutputReasons(GeneratorDriverRunResult result) =>
        result.Results[0].TrackedOutputSteps.SelectMany(kv => kv.Value).SelectMany(r => r.Outputs).Select(o => o.Reason);
}
