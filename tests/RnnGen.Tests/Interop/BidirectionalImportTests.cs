using Xunit.Abstractions;
using RnnGen.Dynamic;
using RnnGen.Tests.Reference;

namespace RnnGen.Tests.Interop;

// Generated models of the bidirectional fixtures (tests/reference/interop_bidirectional.py, interop_bidirectional_tfjs.js).
[RnnModel(timesteps: 5, features: 3)]
[Lstm(4, Bidirectional = true)]
[Dense(2)]
public partial class BiLstmModel;

[RnnModel(timesteps: 6, features: 2)]
[Gru(3, Bidirectional = true, Merge = MergeMode.Sum)]
[Dense(1, Activation = Activation.Sigmoid)]
public partial class BiGruSumModel;

[RnnModel(timesteps: 5, features: 3)]
[SimpleRnn(4, Bidirectional = true, ReturnSequences = true)]
[SimpleRnn(4, Bidirectional = true)]
[Dense(2, Activation = Activation.Tanh)]
public partial class BiStackedRnnModel;

[RnnModel(timesteps: 4, features: 3)]
[Lstm(3, Bidirectional = true, ReturnSequences = true, Merge = MergeMode.Average)]
[Dense(2)]
public partial class BiLstmSequenceAverageModel;

[RnnModel(timesteps: 5, features: 3)]
[Gru(4, Bidirectional = true, Merge = MergeMode.Multiply, UseBias = false)]
[Dense(2, Activation = Activation.Softmax)]
public partial class BiGruMultiplyNoBiasModel;

[RnnModel(timesteps: 5, features: 3)]
[Lstm(4, Bidirectional = true, ReturnSequences = true)]
[Lstm(3)]
[Dense(2)]
public partial class BiMixedModel;

[RnnModel(timesteps: 4, features: 3)]
[Lstm(5, Bidirectional = true)]
[Dense(3, Activation = Activation.Softmax)]
public partial class TfjsBiLstmModel;

[RnnModel(timesteps: 5, features: 2)]
[Gru(4, ResetAfter = false, ReturnSequences = true, Bidirectional = true, Merge = MergeMode.Average)]
[Dense(2, Activation = Activation.Tanh)]
public partial class TfjsBiGruAverageModel;

[RnnModel(timesteps: 4, features: 3)]
[SimpleRnn(3, Activation = Activation.Relu, ReturnSequences = true, Bidirectional = true, Merge = MergeMode.Multiply)]
[SimpleRnn(2, Bidirectional = true, Merge = MergeMode.Sum)]
[Dense(2)]
public partial class TfjsBiSrnnModel;

[RnnModel(timesteps: 5, features: 3)]
[Lstm(3, ReturnSequences = true, GoBackwards = true, Bidirectional = true)]
[Dense(2)]
public partial class TfjsBiLstmGoBackwardsModel;

// Twins with another merge mode, for the mismatch tests.
[RnnModel(timesteps: 6, features: 2)]
[Gru(3, Bidirectional = true)]
[Dense(1, Activation = Activation.Sigmoid)]
public partial class BiGruConcatModel;

[RnnModel(timesteps: 5, features: 2)]
[Gru(4, ResetAfter = false, ReturnSequences = true, Bidirectional = true, Merge = MergeMode.Sum)]
[Dense(2, Activation = Activation.Tanh)]
public partial class TfjsBiGruSumModel;

[RnnModel(timesteps: 5, features: 3)]
[SimpleRnn(4, Bidirectional = true, ReturnSequences = true, Merge = MergeMode.Sum)]
[SimpleRnn(4, Bidirectional = true)]
[Dense(2, Activation = Activation.Tanh)]
public partial class BiStackedRnnSumModel;

/// <summary>One file of <c>fixtures/interop/interop_bidirectional*.json</c>: the generated model it loads into, an input and the framework's output.</summary>
public sealed record BidirectionalCase(
    string Name,
    string File,
    string Model,
    string Format,
    int Timesteps,
    int Features,
    IReadOnlyList<BiLayerSpec> Layers,
    double[] Input,
    double[] Output);

/// <summary>The manifests of <c>interop_bidirectional.py</c> and <c>interop_bidirectional_tfjs.js</c>.</summary>
public sealed record BidirectionalFixtureFile(string Generator, IReadOnlyList<BidirectionalCase> Cases);

/// <summary>The bidirectional models of the tests, as generated classes and as <see cref="BidirectionalReference"/> twins.</summary>
public static class BidirectionalModels
{
    private static BiLayerSpec Bi(LayerKind kind, int units, MergeMode merge = MergeMode.Concat, bool sequences = false, Activation activation = Activation.Tanh,
        bool useBias = true, bool resetAfter = true) =>
        new(kind, units, activation, sequences, useBias, ResetAfter: resetAfter, Bidirectional: true, Merge: merge);

    private static BiLayerSpec Dense(int units, Activation activation = Activation.Linear) => new(LayerKind.Dense, units, activation);

    /// <summary>Name → (generated model, reference twin with the same declaration).</summary>
    public static readonly Dictionary<string, (Func<IRnnModel> Generated, Func<IRnnModel> Reference)> All = new()
    {
        ["BiLstmModel"] = (() => new BiLstmModel(), () => new BidirectionalReference(5, 3, Bi(LayerKind.Lstm, 4), Dense(2))),
        ["BiGruSumModel"] = (() => new BiGruSumModel(), () => new BidirectionalReference(6, 2, Bi(LayerKind.Gru, 3, MergeMode.Sum), Dense(1, Activation.Sigmoid))),
        ["BiStackedRnnModel"] = (() => new BiStackedRnnModel(), () => new BidirectionalReference(5, 3,
            Bi(LayerKind.SimpleRnn, 4, sequences: true), Bi(LayerKind.SimpleRnn, 4), Dense(2, Activation.Tanh))),
        ["BiLstmSequenceAverageModel"] = (() => new BiLstmSequenceAverageModel(), () => new BidirectionalReference(4, 3,
            Bi(LayerKind.Lstm, 3, MergeMode.Average, sequences: true), Dense(2))),
        ["BiGruMultiplyNoBiasModel"] = (() => new BiGruMultiplyNoBiasModel(), () => new BidirectionalReference(5, 3,
            Bi(LayerKind.Gru, 4, MergeMode.Multiply, useBias: false), Dense(2, Activation.Softmax))),
        ["BiMixedModel"] = (() => new BiMixedModel(), () => new BidirectionalReference(5, 3,
            Bi(LayerKind.Lstm, 4, sequences: true), new BiLayerSpec(LayerKind.Lstm, 3, Activation.Tanh), Dense(2))),
        ["TfjsBiLstmModel"] = (() => new TfjsBiLstmModel(), () => new BidirectionalReference(4, 3, Bi(LayerKind.Lstm, 5), Dense(3, Activation.Softmax))),
        ["TfjsBiGruAverageModel"] = (() => new TfjsBiGruAverageModel(), () => new BidirectionalReference(5, 2,
            Bi(LayerKind.Gru, 4, MergeMode.Average, sequences: true, resetAfter: false), Dense(2, Activation.Tanh))),
        ["TfjsBiSrnnModel"] = (() => new TfjsBiSrnnModel(), () => new BidirectionalReference(4, 3,
            Bi(LayerKind.SimpleRnn, 3, MergeMode.Multiply, sequences: true, activation: Activation.Relu), Bi(LayerKind.SimpleRnn, 2, MergeMode.Sum), Dense(2))),
        ["TfjsBiLstmGoBackwardsModel"] = (() => new TfjsBiLstmGoBackwardsModel(), () => new BidirectionalReference(5, 3,
            new BiLayerSpec(LayerKind.Lstm, 3, Activation.Tanh, ReturnSequences: true, GoBackwards: true, Bidirectional: true), Dense(2))),
        ["BiGruConcatModel"] = (() => new BiGruConcatModel(), () => new BidirectionalReference(6, 2, Bi(LayerKind.Gru, 3), Dense(1, Activation.Sigmoid))),
        ["TfjsBiGruSumModel"] = (() => new TfjsBiGruSumModel(), () => new BidirectionalReference(5, 2,
            Bi(LayerKind.Gru, 4, MergeMode.Sum, sequences: true, resetAfter: false), Dense(2, Activation.Tanh))),
        ["BiStackedRnnSumModel"] = (() => new BiStackedRnnSumModel(), () => new BidirectionalReference(5, 3,
            Bi(LayerKind.SimpleRnn, 4, MergeMode.Sum, sequences: true), Bi(LayerKind.SimpleRnn, 4), Dense(2, Activation.Tanh))),
    };

    /// <summary>The model as <c>generated</c> (the declared class), <c>reference</c> (<see cref="BidirectionalReference"/>) or <c>dynamic</c> (<see cref="Sequential"/>).</summary>
    public static IRnnModel Create(string name, string variant) => variant switch
    {
        "generated" => All[name].Generated(),
        "reference" => All[name].Reference(),
        "dynamic" => ((BidirectionalReference)All[name].Reference()).ToDynamic(seed: 5),
        _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, null),
    };

    public static readonly string[] Variants = ["generated", "reference", "dynamic"];

    public static IReadOnlyList<BidirectionalCase> Cases() =>
        [
            .. Fixtures.Load<BidirectionalFixtureFile>("interop/interop_bidirectional.json").Cases,
            .. Fixtures.Load<BidirectionalFixtureFile>("interop/interop_bidirectional_tfjs.json").Cases,
        ];
}

/// <summary>
/// <see cref="ModelInterop.ImportWeights"/> on bidirectional files written by the real frameworks (PyTorch 1.13
/// <c>bidirectional=True</c> state_dicts and safetensors, Keras 2 / Keras 3 <c>Bidirectional</c> layouts written with h5py
/// following Keras's saving code, TensorFlow.js 4.22 <c>tf.layers.bidirectional</c>): <c>Predict</c> equals the
/// framework's output within 1e-5, on the generated model, on its <see cref="BidirectionalReference"/> twin and on the
/// same model in <see cref="RnnGen.Dynamic"/> layers; and
/// every bidirectional mismatch is refused by name with nothing loaded.
/// </summary>
public class BidirectionalImportTests(ITestOutputHelper testOutput)
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (BidirectionalCase c in BidirectionalModels.Cases())
        {
            foreach (string variant in BidirectionalModels.Variants) data.Add(c.Name, variant);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Imported_bidirectional_model_predicts_what_the_framework_predicted(string name, string variant)
    {
        BidirectionalCase c = BidirectionalModels.Cases().Single(x => x.Name == name);
        IRnnModel model = BidirectionalModels.Create(c.Model, variant);
        model.ImportWeights(InteropFixtures.PathOf(c.File));

        var output = new float[model.OutputSize];
        model.Predict(Array.ConvertAll(c.Input, v => (float)v), output);
        double error = InteropFixtures.MaxError(c.Output, output);
        testOutput.WriteLine($"{c.Name} ({c.Format}, {c.File}) into {c.Model} ({variant}): max |predict - framework| = {error:E2}");
        Assert.True(error <= 1e-5, $"{c.Name}: max |predict - {c.Format}| = {error:E2}");
    }

    [Fact]
    public void Generated_bidirectional_layer_describes_itself_as_the_contract_says()
    {
        LayerInfo layer = BiLstmModel.Layers[0];
        Assert.True(layer.Bidirectional);
        Assert.Equal(MergeMode.Concat, layer.Merge);
        Assert.Equal(4, layer.Units);
        Assert.Equal(6, layer.Tensors.Count);
        Assert.Equal([3, 16], layer.Tensors[0].Shape);
        Assert.Equal([3, 16], layer.Tensors[3].Shape);
        Assert.Equal([8], layer.OutputShape);
        Assert.Equal(MergeMode.Sum, BiGruSumModel.Layers[0].Merge);
        Assert.Equal([3], BiGruSumModel.Layers[0].OutputShape);
    }

    /// <summary>Imports, expects a refusal containing every fragment, and checks nothing was loaded.</summary>
    private static void AssertRefused(IRnnModel model, string file, params string[] fragments)
    {
        float[] before = model.Parameters.ToArray();
        var e = Assert.Throws<WeightFileException>(() => model.ImportWeights(InteropFixtures.PathOf(file)));
        foreach (string f in fragments) Assert.Contains(f, e.Message);
        Assert.Equal(before, model.Parameters.ToArray());
    }

    private static IRnnModel Plain(string file) => file switch
    {
        _ when file.StartsWith("bi_tfjs_lstm", StringComparison.Ordinal) => new Sequential(4, 3, 0, new LstmLayer(5), new DenseLayer(3, Activation.Softmax)),
        _ => new Sequential(5, 3, 0, new LstmLayer(4), new DenseLayer(2)),
    };

    [Theory]
    [InlineData("bi_torch_lstm.pt", "layer 'lstm': bidirectional is true in the file (module 'rnn0' has weight_ih_l0_reverse) but false in Sequential")]
    [InlineData("bi_torch_lstm_sorted.safetensors", "layer 'lstm': bidirectional is true in the file (module 'rnn0' has", "_reverse) but false in Sequential")]
    [InlineData("bi_keras_lstm_k2_model.h5", "layer 'bidirectional': bidirectional is true in the file (merge_mode concat) but false in Sequential (layer 'lstm')")]
    [InlineData("bi_keras_lstm_k2_weights.h5", "layer 'lstm': bidirectional is true in the file ('bidirectional' holds a forward and a backward layer", "but false in Sequential")]
    [InlineData("bi_keras_lstm_k3_weights.weights.h5", "layer 'lstm': bidirectional is true in the file (it holds 'layers/bidirectional', not 'layers/lstm') but false in Sequential")]
    [InlineData("bi_keras_lstm_k3_keras.keras", "layer 'bidirectional': bidirectional is true in the file (merge_mode concat) but false in Sequential")]
    [InlineData("bi_tfjs_lstm.json", "layer 'bidirectional_Bidirectional", "bidirectional is true in the file (merge_mode concat) but false in Sequential")]
    public void Bidirectional_file_into_a_plain_model_is_refused(string file, params string[] fragments) =>
        AssertRefused(Plain(file), file, fragments);

    [Theory]
    [InlineData("torch_stacked.pt", "BiLstmModel", "generated", "layer 'bidirectional': bidirectional is false in the file (module 'rnn' has no weight_ih_l0_reverse", "but true in BiLstmModel")]
    [InlineData("torch_stacked.pt", "BiLstmModel", "reference", "layer 'bidirectional': bidirectional is false in the file (module 'rnn' has no weight_ih_l0_reverse", "but true in BidirectionalReference")]
    [InlineData("keras_lstm_k2_model.h5", "BiLstmModel", "generated", "layer 'lstm': bidirectional is false in the file (a LSTM without a Bidirectional wrapper) but true in BiLstmModel (layer 'bidirectional')")]
    [InlineData("keras_lstm_k2_model.h5", "BiLstmModel", "reference", "layer 'lstm': bidirectional is false in the file", "but true in BidirectionalReference")]
    [InlineData("keras_lstm_k3_weights.weights.h5", "BiLstmModel", "generated", "layer 'bidirectional': bidirectional is false in the file (it holds 'layers/lstm', not 'layers/bidirectional') but true in BiLstmModel")]
    [InlineData("keras_lstm_k3_weights.weights.h5", "BiLstmModel", "reference", "layer 'bidirectional': bidirectional is false in the file (it holds 'layers/lstm', not 'layers/bidirectional') but true")]
    [InlineData("keras_srnn_k2_weights.h5", "BiStackedRnnModel", "reference", "layer 'bidirectional': bidirectional is false in the file ('simple_rnn' holds one direction", "but true")]
    [InlineData("keras_srnn_k2_weights.h5", "BiStackedRnnModel", "generated", "layer 'bidirectional': bidirectional is false in the file ('simple_rnn' holds one direction", "but true in BiStackedRnnModel")]
    [InlineData("tfjs_lstm.json", "TfjsBiLstmModel", "generated", "bidirectional is false in the file (a LSTM without a Bidirectional wrapper) but true in TfjsBiLstmModel")]
    [InlineData("torch_stacked.pt", "BiLstmModel", "dynamic", "layer 'bidirectional': bidirectional is false in the file (module 'rnn' has no weight_ih_l0_reverse", "but true in Sequential")]
    [InlineData("keras_lstm_k3_keras.keras", "BiLstmModel", "dynamic", "layer 'lstm': bidirectional is false in the file (a LSTM without a Bidirectional wrapper) but true in Sequential (layer 'bidirectional')")]
    [InlineData("tfjs_lstm.json", "TfjsBiLstmModel", "reference", "bidirectional is false in the file (a LSTM without a Bidirectional wrapper) but true")]
    public void Plain_file_into_a_bidirectional_model_is_refused(string file, string model, string variant, params string[] fragments) =>
        AssertRefused(BidirectionalModels.Create(model, variant), file, fragments);

    [Theory]
    [InlineData("bi_keras_gru_sum_k2_model.h5", "BiGruConcatModel", "layer 'bidirectional': merge_mode is sum in the file but Concat in", "declare Merge = MergeMode.Sum")]
    [InlineData("bi_keras_gru_sum_k3_keras.keras", "BiGruConcatModel", "layer 'bidirectional': merge_mode is sum in the file but Concat in", "declare Merge = MergeMode.Sum")]
    [InlineData("bi_keras_gru_sum_k3_legacy_model.h5", "BiGruConcatModel", "merge_mode is sum in the file but Concat")]
    [InlineData("bi_keras_lstm_k2_model.h5", "BiLstmSequenceAverageModel", "layer 'bidirectional': merge_mode is concat in the file but Average in")]
    [InlineData("bi_tfjs_gru_ave.json", "TfjsBiGruSumModel", "merge_mode is ave in the file but Sum in", "declare Merge = MergeMode.Average")]
    [InlineData("bi_torch_rnn_stacked.pt", "BiStackedRnnSumModel", "layer 'bidirectional': merge is concat in the file (module 'rnn0' is a bidirectional nn.RNN with num_layers > 1", "but Sum in", "declare Merge = MergeMode.Concat")]
    [InlineData("bi_neg_merge_none.h5", "BiLstmModel", "layer 'bidirectional': merge_mode is None in the file", "list of two tensors")]
    [InlineData("bi_neg_backward_units.keras", "BiLstmModel", "layer 'bidirectional', backward_layer 'backward_lstm': units is 5 in the file but 4")]
    public void Merge_mode_and_backward_layer_mismatches_are_refused(string file, string model, params string[] fragments)
    {
        foreach (string variant in BidirectionalModels.Variants) AssertRefused(BidirectionalModels.Create(model, variant), file, fragments);
    }

    [Theory]
    [InlineData("bi_neg_torch_missing_reverse.pt", "layer 'bidirectional' (the backward layer): 'rnn0.weight_ih_l0_reverse' has no 'weight_hh_l0_reverse' beside it")]
    [InlineData("bi_neg_torch_extra_reverse.pt", "tensor 'rnn0.weight_ih_l1_reverse' [16, 8] has no place in")]
    [InlineData("bi_neg_extra_weight.h5", "layer 'bidirectional': the file's 'bidirectional' holds 3 forward and 4 backward weights")]
    [InlineData("bi_neg_missing_weight.h5", "layer 'bidirectional': the file's 'bidirectional' holds 3 forward and 2 backward weights")]
    public void Missing_and_extra_tensors_are_refused(string file, string fragment)
    {
        foreach (string variant in BidirectionalModels.Variants) AssertRefused(BidirectionalModels.Create("BiLstmModel", variant), file, fragment);
    }

    [Fact]
    public void Safetensors_without_one_reverse_tensor_or_with_an_extra_one_are_refused()
    {
        byte[] file = File.ReadAllBytes(InteropFixtures.PathOf("bi_torch_lstm_sorted.safetensors"));
        List<(string Name, int[] Shape, float[] Data)> tensors = ReadSafetensors(file);
        foreach (string variant in BidirectionalModels.Variants)
        {
            foreach (string missing in new[] { "rnn0.bias_hh_l0_reverse", "rnn0.weight_ih_l0_reverse" })
            {
                string path = TempSafetensors([.. tensors.Where(t => t.Name != missing)]);
                try
                {
                    AssertRefusedAt(BidirectionalModels.Create("BiLstmModel", variant), path, missing == "rnn0.bias_hh_l0_reverse"
                        ? "layer 'bidirectional' (the backward layer): module 'rnn0' has 'bias_ih_l0_reverse' but no 'bias_hh_l0_reverse'"
                        : "layer 'bidirectional' (the backward layer): the file has no 'rnn0.weight_ih_l0_reverse'");
                }
                finally
                {
                    File.Delete(path);
                }
            }

            string extra = TempSafetensors([.. tensors, ("rnn0.weight_hr_l0_reverse", [4, 4], new float[16])]);
            try
            {
                AssertRefusedAt(BidirectionalModels.Create("BiLstmModel", variant), extra, "proj_size");
            }
            finally
            {
                File.Delete(extra);
            }
        }
    }

    private static void AssertRefusedAt(IRnnModel model, string path, string fragment)
    {
        float[] before = model.Parameters.ToArray();
        var e = Assert.Throws<WeightFileException>(() => model.ImportWeights(path));
        Assert.Contains(fragment, e.Message);
        Assert.Equal(before, model.Parameters.ToArray());
    }

    private static List<(string Name, int[] Shape, float[] Data)> ReadSafetensors(byte[] file)
    {
        int length = (int)BitConverter.ToUInt64(file, 0);
        using var doc = System.Text.Json.JsonDocument.Parse(file.AsMemory(8, length));
        var result = new List<(string, int[], float[])>();
        foreach (System.Text.Json.JsonProperty p in doc.RootElement.EnumerateObject())
        {
            int[] shape = [.. p.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32())];
            long begin = p.Value.GetProperty("data_offsets")[0].GetInt64(), end = p.Value.GetProperty("data_offsets")[1].GetInt64();
            float[] data = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(file.AsSpan(8 + length + (int)begin, (int)(end - begin))).ToArray();
            result.Add((p.Name, shape, data));
        }

        return result;
    }

    private static string TempSafetensors((string Name, int[] Shape, float[] Data)[] tensors)
    {
        var header = new Dictionary<string, object>();
        using var data = new MemoryStream();
        foreach ((string name, int[] shape, float[] values) in tensors)
        {
            long begin = data.Length;
            data.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
            header[name] = new { dtype = "F32", shape, data_offsets = new[] { begin, data.Length } };
        }

        byte[] json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(header);
        string path = Path.Combine(Path.GetTempPath(), $"rnngen-bi-{Guid.NewGuid():N}.safetensors");
        using FileStream f = File.Create(path);
        f.Write(BitConverter.GetBytes((ulong)json.Length));
        f.Write(json);
        data.WriteTo(f);
        return path;
    }
}
