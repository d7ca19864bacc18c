using RnnGen.Dynamic;
using RnnGen.Tests.Reference;
using RnnGen.Tests.Samples;

namespace RnnGen.Tests.Interop;

/// <summary>
/// Masking across interop: a Keras file's Masking layer and Embedding <c>mask_zero</c> are checked against the model's
/// (<see cref="LayerInfo.MaskValue"/>, <see cref="LayerInfo.MaskZero"/>), and ONNX export refuses masking, which ONNX's
/// recurrent operators cannot express, instead of writing a model that reads the padding.
/// </summary>
public class MaskingInteropTests
{
    private static Sequential MaskedLstm(float value) => new(4, 3, 9, new MaskingLayer(value), new LstmLayer(5), new DenseLayer(3, Activation.Softmax));

    [Fact]
    public void A_Keras_Masking_layer_imports_into_a_model_that_masks_with_the_same_value()
    {
        Sequential model = MaskedLstm(0f);
        model.ImportWeights(InteropFixtures.PathOf("keras_neg_masking.h5"));
        Assert.Equal(0f, model.Layers[0].MaskValue);
        Assert.NotEqual(new float[model.ParameterCount], model.Parameters.ToArray());
    }

    [Fact]
    public void A_different_mask_value_is_refused_and_nothing_is_loaded()
    {
        Sequential model = MaskedLstm(-1f);
        float[] before = model.Parameters.ToArray();
        var error = Assert.Throws<WeightFileException>(() => model.ImportWeights(InteropFixtures.PathOf("keras_neg_masking.h5")));
        Assert.Contains("layer 'masking': mask_value is 0 in the file but -1", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, model.Parameters.ToArray());
    }

    [Fact]
    public void A_masked_model_refuses_a_file_without_masking()
    {
        Sequential model = MaskedLstm(0f);
        var error = Assert.Throws<WeightFileException>(() => model.ImportWeights(InteropFixtures.PathOf("keras_neg_hard_sigmoid.h5")));
        Assert.Contains("recurrent_activation", error.Message, StringComparison.Ordinal); // the first difference the file shows
    }

    [Fact]
    public void Layers_report_the_masking_of_generated_and_dynamic_models()
    {
        Assert.True(MaskZeroSrnn.Layers[0].MaskZero);
        Assert.Null(MaskZeroSrnn.Layers[0].MaskValue);
        Assert.Equal(-1f, MaskingLstm.Layers[0].MaskValue);
        Assert.False(MaskingLstm.Layers[0].MaskZero);
        Assert.Null(MaskingLstm.Layers[1].MaskValue);
        var dynamic = new Sequential(6, 3, 0, new EmbeddingLayer(8, 3, maskZero: true), new SimpleRnnLayer(4), new DenseLayer(2));
        Assert.True(dynamic.Layers[0].MaskZero);
        Assert.Equal(-1f, MaskedLstm(-1f).Layers[0].MaskValue);
    }

    [Fact]
    public void Onnx_export_refuses_masking_and_names_the_layer()
    {
        using var directory = new TemporaryDirectory();
        var error = Assert.Throws<NotSupportedException>(() => new MaskZeroSrnn().ExportOnnx(Path.Combine(directory.Path, "a.onnx")));
        Assert.Contains("Layer 'embedding' (Embedding) masks token 0", error.Message, StringComparison.Ordinal);
        error = Assert.Throws<NotSupportedException>(() => new MaskingLstm().ExportOnnx(Path.Combine(directory.Path, "b.onnx")));
        Assert.Contains("The Masking layer in front of layer 'lstm'", error.Message, StringComparison.Ordinal);
        Assert.Throws<NotSupportedException>(() => MaskedLstm(0f).ExportOnnx(Path.Combine(directory.Path, "c.onnx")));
    }

    private sealed class TemporaryDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("rnngen-mask-").FullName;
        public void Dispose() => Directory.Delete(Path, recursive: true);
    }

    [Fact]
    public void A_file_with_Dropout_layers_imports_with_or_without_them_in_the_model()
    {
        // tfjs_lstm.json (LSTM(5) -> Dense(3, softmax)) with a Keras Dropout layer inserted between its layers
        using var directory = new SampleOutputDirectory("interop-dropout");
        Directory.CreateDirectory(directory.Path);
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(InteropFixtures.PathOf("tfjs_lstm.json")))!;
        var layers = json["modelTopology"]!["config"]!["layers"]!.AsArray();
        layers.Insert(1, System.Text.Json.Nodes.JsonNode.Parse("""{"class_name": "Dropout", "config": {"name": "dropout", "rate": 0.25, "trainable": true}}"""));
        File.WriteAllText(directory.File("model.json"), json.ToJsonString());
        File.Copy(InteropFixtures.PathOf("tfjs_lstm.bin"), directory.File("tfjs_lstm.bin"));

        var plain = new Sequential(4, 3, 0, new LstmLayer(5), new DenseLayer(3, Activation.Softmax));
        plain.ImportWeights(InteropFixtures.PathOf("tfjs_lstm.json"));
        var dropped = new Sequential(4, 3, 0, new LstmLayer(5), new DenseLayer(3, Activation.Softmax));
        dropped.ImportWeights(directory.File("model.json"));
        Assert.Equal(plain.Parameters.ToArray(), dropped.Parameters.ToArray());

        var generated = new DroppedTfjsLstm();
        generated.ImportWeights(directory.File("model.json"));
        Assert.Equal(plain.Parameters.ToArray(), generated.Parameters.ToArray());
    }
}

/// <summary>tfjs_lstm.json's model with dropout, to import a file that has a Dropout layer.</summary>
[RnnModel(4, 3)]
[Lstm(5, Dropout = 0.1f, RecurrentDropout = 0.1f)]
[Dropout(0.25f)]
[Dense(3, Activation = Activation.Softmax)]
public partial class DroppedTfjsLstm;
