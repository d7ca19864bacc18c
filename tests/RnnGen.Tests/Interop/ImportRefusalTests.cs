using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using RnnGen.Dynamic;

namespace RnnGen.Tests.Interop;

/// <summary>
/// Files that must be refused: hostile pickles, truncated archives, every architecture mismatch a file can reveal,
/// extra and missing tensors. Each is a <see cref="WeightFileException"/> whose message names the layer, the setting
/// and both values, and each leaves the model's parameters exactly as they were.
/// </summary>
public class ImportRefusalTests
{
    private const string Marker = "/tmp/rnngen_hostile_marker";

    private static Sequential LstmModel(int units = 5) => new(4, 3, 9, new LstmLayer(units), new DenseLayer(3, Activation.Softmax));

    private static Sequential SrnnModel() => new(5, 3, 9, new SimpleRnnLayer(4), new DenseLayer(2));

    /// <summary>Imports, expects a refusal containing every fragment, and checks nothing was loaded.</summary>
    private static string AssertRefused(IRnnModel model, string path, params string[] fragments)
    {
        float[] before = model.Parameters.ToArray();
        var e = Assert.Throws<WeightFileException>(() => model.ImportWeights(path));
        foreach (string f in fragments) Assert.Contains(f, e.Message);
        Assert.Equal(before, model.Parameters.ToArray());
        return e.Message;
    }

    [Theory]
    [InlineData("hostile_torch_save.pt", "posix.system")]
    [InlineData("hostile_os_system.pt", "os.system")]
    [InlineData("hostile_eval.pt", "builtins.eval")]
    [InlineData("hostile_exec_proto4.pt", "builtins.exec")]
    public void Hostile_pickle_is_refused_and_nothing_runs(string file, string global)
    {
        File.Delete(Marker);
        AssertRefused(SrnnModel(), InteropFixtures.PathOf(file), global, "not on the allow-list", "Nothing was executed");
        Assert.False(File.Exists(Marker), "the pickle's payload ran");
    }

    [Theory]
    [InlineData("truncated_torch.pt", "truncated")]
    [InlineData("truncated_keras.h5", "HDF5")]
    [InlineData("torch_legacy_format.pt", "legacy torch.save format")]
    public void Damaged_or_legacy_file_is_refused(string file, string fragment) =>
        AssertRefused(LstmModel(), InteropFixtures.PathOf(file), fragment);

    [Theory]
    [InlineData("keras_neg_hard_sigmoid.h5", "layer 'lstm': recurrent_activation is hard_sigmoid in the file but Sigmoid in Sequential — declare RecurrentActivation = Activation.HardSigmoid")]
    [InlineData("keras_neg_go_backwards.h5", "layer 'lstm': go_backwards is true in the file but false")]
    [InlineData("keras_neg_return_sequences.h5", "layer 'lstm': return_sequences is true in the file but false")]
    [InlineData("keras_neg_units.h5", "layer 'dense': units is 4 in the file but 3")]
    [InlineData("keras_neg_activation.h5", "layer 'dense': activation is relu in the file but Softmax")]
    [InlineData("keras_neg_kind.h5", "layer 'lstm': layer kind is GRU in the file but Lstm")]
    [InlineData("keras_neg_bidirectional.h5", "layer 'bidirectional': bidirectional is true in the file (merge_mode concat) but false")]
    [InlineData("keras_neg_masking.h5", "layer 'masking': the file has a Masking layer (mask_value 0.0)")]
    public void Keras_config_mismatch_names_layer_setting_and_both_values(string file, string message) =>
        AssertRefused(LstmModel(), InteropFixtures.PathOf(file), message);

    [Theory]
    [InlineData("tfjs_lstm_default.json", "layer 'lstm_LSTM", "recurrent_activation is hard_sigmoid in the file but Sigmoid")]
    [InlineData("tfjs_gru_default.json", "layer 'gru_GRU", "recurrent_activation is hard_sigmoid in the file but Sigmoid")]
    public void Tfjs_default_hard_sigmoid_is_refused(string file, string layer, string message)
    {
        Sequential model = file.Contains("lstm", StringComparison.Ordinal)
            ? LstmModel()
            : new Sequential(5, 2, 0, new GruLayer(4, returnSequences: true, resetAfter: false), new DenseLayer(2, Activation.Tanh));
        AssertRefused(model, InteropFixtures.PathOf(file), layer, message);
    }

    [Fact]
    public void Sigmoid_file_into_a_hard_sigmoid_model_is_refused() =>
        AssertRefused(new Sequential(4, 3, 0, new LstmLayer(5, recurrentActivation: Activation.HardSigmoid), new DenseLayer(3, Activation.Softmax)),
            InteropFixtures.PathOf("tfjs_lstm.json"), "layer 'lstm_LSTM", "recurrent_activation is sigmoid in the file but HardSigmoid in Sequential — declare RecurrentActivation = Activation.Sigmoid");

    [Fact]
    public void Keras_hard_sigmoid_imports_into_a_hard_sigmoid_model()
    {
        var model = new Sequential(4, 3, 0, new LstmLayer(5, recurrentActivation: Activation.HardSigmoid), new DenseLayer(3, Activation.Softmax));
        model.ImportWeights(InteropFixtures.PathOf("keras_neg_hard_sigmoid.h5"));
        Assert.Equal(Activation.HardSigmoid, model.Layers[0].RecurrentActivation);
    }

    [Fact]
    public void Keras_3_hard_sigmoid_is_refused_because_it_is_another_function()
    {
        // Keras 3's hard_sigmoid is relu6(x + 3) / 6: the .keras file of the LSTM fixture, its config edited to it.
        string path = Path.Combine(Path.GetTempPath(), $"rnngen-k3-hard-sigmoid-{Guid.NewGuid():N}.keras");
        File.Copy(InteropFixtures.PathOf("keras_lstm_k3_keras.keras"), path);
        try
        {
            using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Update))
            {
                System.IO.Compression.ZipArchiveEntry entry = zip.GetEntry("config.json")!;
                string config;
                using (var reader = new StreamReader(entry.Open())) config = reader.ReadToEnd();
                Assert.Contains("\"recurrent_activation\": \"sigmoid\"", config, StringComparison.Ordinal);
                entry.Delete();
                using var writer = new StreamWriter(zip.CreateEntry("config.json").Open());
                writer.Write(config.Replace("\"recurrent_activation\": \"sigmoid\"", "\"recurrent_activation\": \"hard_sigmoid\"", StringComparison.Ordinal));
            }

            AssertRefused(new Sequential(4, 3, 0, new LstmLayer(5, recurrentActivation: Activation.HardSigmoid), new DenseLayer(3, Activation.Softmax)),
                path, "layer 'lstm': recurrent_activation is hard_sigmoid in a Keras 3 file, which is relu6(x + 3) / 6");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Tfjs_gru_reset_after_mismatch_is_refused() =>
        AssertRefused(new Sequential(5, 2, 0, new GruLayer(4, returnSequences: true), new DenseLayer(2, Activation.Tanh)),
            InteropFixtures.PathOf("tfjs_gru.json"), "reset_after is false in the file but true", "declare ResetAfter = false");

    [Fact]
    public void Keras_use_bias_mismatch_is_refused() =>
        AssertRefused(new Sequential(4, 3, 0, new LstmLayer(5, useBias: false), new DenseLayer(3, Activation.Softmax)),
            InteropFixtures.PathOf("keras_lstm_k2_model.h5"), "layer 'lstm': use_bias is true in the file but false");

    [Fact]
    public void Torch_bidirectional_is_refused() =>
        AssertRefused(new Sequential(5, 3, 0, new LstmLayer(4), new DenseLayer(2)), InteropFixtures.PathOf("torch_bidirectional.pt"),
            "layer 'lstm': bidirectional is true in the file", "weight_ih_l0_reverse", "but false");

    [Fact]
    public void Torch_missing_bias_is_refused() =>
        AssertRefused(SrnnModel(), InteropFixtures.PathOf("torch_srnn_nobias.pt"), "layer 'simple_rnn': use_bias is false in the file", "but true");

    [Fact]
    public void Torch_layer_kind_mismatch_is_refused() =>
        AssertRefused(new Sequential(4, 3, 0, new GruLayer(5), new DenseLayer(3, Activation.Softmax)), InteropFixtures.PathOf("torch_lstm.pt"),
            "layer 'gru': layer kind is Lstm in the file", "but Gru");

    [Fact]
    public void Torch_units_mismatch_is_refused() =>
        AssertRefused(LstmModel(units: 6), InteropFixtures.PathOf("torch_lstm.pt"), "layer 'lstm': units is 5 in the file", "but 6");

    [Fact]
    public void Torch_gru_into_reset_before_gru_is_refused() =>
        AssertRefused(new Sequential(6, 2, 0, new GruLayer(4, resetAfter: false), new DenseLayer(1, Activation.Sigmoid)),
            InteropFixtures.PathOf("torch_gru.pt"), "reset_after is true in the file", "but false");

    [Fact]
    public void Torch_stacked_into_single_layer_model_is_refused() =>
        AssertRefused(new Sequential(5, 3, 0, new LstmLayer(4), new DenseLayer(2)), InteropFixtures.PathOf("torch_stacked.pt"), "layer 'dense'", "Dense");

    [Fact]
    public void Torch_single_layer_into_stacked_model_is_refused() =>
        AssertRefused(new Sequential(5, 3, 0, new SimpleRnnLayer(4, returnSequences: true), new SimpleRnnLayer(4), new DenseLayer(2)),
            InteropFixtures.PathOf("torch_srnn.pt"), "simple_rnn_1");

    [Fact]
    public void Extra_tensor_is_refused()
    {
        string path = TempSafetensors([.. SrnnTensors(), ("head.extra", [3], [1, 2, 3])]);
        try
        {
            AssertRefused(SrnnModel(), path, "module 'head'", "head.extra [3]", "extra");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Extra_tensor_inside_a_module_is_refused()
    {
        string path = TempSafetensors([.. SrnnTensors(), ("rnn.weight_hr_l0", [4, 4], new float[16])]);
        try
        {
            AssertRefused(SrnnModel(), path, "proj_size", "weight_hr_l0");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Missing_tensor_is_refused()
    {
        string path = TempSafetensors([.. SrnnTensors().Where(t => t.Name != "fc.weight" && t.Name != "fc.bias")]);
        try
        {
            AssertRefused(SrnnModel(), path, "nothing fills 'dense'");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Keras2_weights_without_config_are_checked_by_shape() =>
        AssertRefused(new Sequential(5, 3, 0, new LstmLayer(4), new DenseLayer(2)), InteropFixtures.PathOf("keras_srnn_k2_weights.h5"),
            "'simple_rnn/simple_rnn/simple_rnn_cell/kernel:0' has shape [3, 4]", "'lstm/kernel'", "[3, 16]");

    [Fact]
    public void Missing_keras3_layer_weights_are_refused() =>
        AssertRefused(new Sequential(4, 3, 0, new LstmLayer(5), new DenseLayer(3, Activation.Softmax), new DenseLayer(2)),
            InteropFixtures.PathOf("keras_lstm_k3_weights.weights.h5"), "no weights for layer 'dense_1'");

    [Fact]
    public void Missing_and_truncated_tfjs_shards_are_refused()
    {
        string dir = Directory.CreateTempSubdirectory("rnngen-tfjs-").FullName;
        try
        {
            File.Copy(InteropFixtures.PathOf("tfjs_lstm.json"), Path.Combine(dir, "tfjs_lstm.json"));
            AssertRefused(LstmModel(), Path.Combine(dir, "tfjs_lstm.json"), "weight shard 'tfjs_lstm.bin' is missing");
            byte[] bin = File.ReadAllBytes(InteropFixtures.PathOf("tfjs_lstm.bin"));
            File.WriteAllBytes(Path.Combine(dir, "tfjs_lstm.bin"), bin[..(bin.Length - 8)]);
            AssertRefused(LstmModel(), Path.Combine(dir, "tfjs_lstm.json"), "truncated");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Truncated_keras_zip_is_refused()
    {
        byte[] keras = File.ReadAllBytes(InteropFixtures.PathOf("keras_lstm_k3_keras.keras"));
        string path = Path.Combine(Path.GetTempPath(), $"rnngen-{Guid.NewGuid():N}.keras");
        try
        {
            File.WriteAllBytes(path, keras[..(keras.Length / 2)]);
            AssertRefused(LstmModel(), path, "truncated");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Unknown_format_is_refused()
    {
        string path = Path.Combine(Path.GetTempPath(), $"rnngen-{Guid.NewGuid():N}.bin");
        try
        {
            File.WriteAllBytes(path, Encoding.ASCII.GetBytes("not a weight file at all"));
            AssertRefused(LstmModel(), path, "not recognized");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Malformed_tfjs_manifest_and_missing_file_are_refused()
    {
        string path = Path.Combine(Path.GetTempPath(), $"rnngen-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(path, "{\"weightsManifest\": [{\"weights\": []}]}");
            AssertRefused(LstmModel(), path, "model.json is malformed");
        }
        finally
        {
            File.Delete(path);
        }

        AssertRefused(LstmModel(), path, "does not exist");
    }

    private static (string Name, int[] Shape, float[] Data)[] SrnnTensors() =>
    [
        ("rnn.weight_ih_l0", [4, 3], new float[12]),
        ("rnn.weight_hh_l0", [4, 4], new float[16]),
        ("rnn.bias_ih_l0", [4], new float[4]),
        ("rnn.bias_hh_l0", [4], new float[4]),
        ("fc.weight", [2, 4], new float[8]),
        ("fc.bias", [2], new float[2]),
    ];

    /// <summary>A safetensors file with PyTorch names (the layout of safetensors' own writer, keys sorted).</summary>
    private static string TempSafetensors((string Name, int[] Shape, float[] Data)[] tensors)
    {
        var header = new Dictionary<string, object>();
        using var data = new MemoryStream();
        Span<byte> b = stackalloc byte[4];
        foreach ((string name, int[] shape, float[] values) in tensors.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            long begin = data.Length;
            foreach (float v in values)
            {
                BinaryPrimitives.WriteSingleLittleEndian(b, v);
                data.Write(b);
            }

            header[name] = new { dtype = "F32", shape, data_offsets = new[] { begin, data.Length } };
        }

        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header);
        string path = Path.Combine(Path.GetTempPath(), $"rnngen-{Guid.NewGuid():N}.safetensors");
        using FileStream f = File.Create(path);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)json.Length);
        f.Write(length);
        f.Write(json);
        data.WriteTo(f);
        return path;
    }
}
