using Xunit.Abstractions;

namespace RnnGen.Tests.Interop;

// Generated twins of fixture models: ImportWeights works on generated code, not only on dynamic layers.
[RnnModel(timesteps: 4, features: 3)]
[Lstm(5)]
[Dense(3, Activation = Activation.Softmax)]
public partial class ImportLstmModel;

[RnnModel(timesteps: 6, features: 3)]
[Embedding(10, 3)]
[Gru(4)]
[Dense(2, Activation = Activation.Softmax)]
public partial class ImportEmbeddingGruModel;

/// <summary>
/// <see cref="ModelInterop.ImportWeights"/> on files written by the real frameworks (PyTorch 1.13 <c>torch.save</c>,
/// TensorFlow.js 4.22 save handler, Keras layouts written with h5py): <c>Predict</c> equals the framework's output
/// within 1e-5 for every file of the manifests.
/// </summary>
public class ImportWeightsTests(ITestOutputHelper testOutput)
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (InteropCase c in InteropFixtures.All()) data.Add(c.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Imported_model_predicts_what_the_framework_predicted(string name)
    {
        InteropCase c = InteropFixtures.Case(name);
        var model = InteropFixtures.Build(c, seed: 3);
        model.ImportWeights(InteropFixtures.PathOf(c.File));

        var output = new float[model.OutputSize];
        model.Predict(Array.ConvertAll(c.Input, v => (float)v), output);
        double error = InteropFixtures.MaxError(c.Output, output);
        testOutput.WriteLine($"{c.Name} ({c.Format}, {c.File}): max |predict - framework| = {error:E2}");
        Assert.True(error <= 1e-5, $"{c.Name}: max |predict - {c.Format}| = {error:E2}");
    }

    [Theory]
    [InlineData("torch_lstm.pt")]
    [InlineData("keras_lstm_k2_model.h5")]
    [InlineData("keras_lstm_k3_weights.weights.h5")]
    [InlineData("keras_lstm_k3_keras.keras")]
    public void Generated_model_imports_every_format(string file)
    {
        InteropCase c = InteropFixtures.Case("torch_lstm");
        var model = new ImportLstmModel(seed: 1);
        model.ImportWeights(InteropFixtures.PathOf(file));
        var output = new float[ImportLstmModel.OutputSize];
        model.Predict(Array.ConvertAll(c.Input, v => (float)v), output);
        Assert.True(InteropFixtures.MaxError(c.Output, output) <= 1e-5);
    }

    [Fact]
    public void Generated_embedding_model_imports_a_torch_state_dict()
    {
        InteropCase c = InteropFixtures.Case("torch_embedding");
        var model = new ImportEmbeddingGruModel();
        model.ImportWeights(InteropFixtures.PathOf(c.File));
        var output = new float[ImportEmbeddingGruModel.OutputSize];
        model.Predict(Array.ConvertAll(c.Input, v => (float)v), output);
        Assert.True(InteropFixtures.MaxError(c.Output, output) <= 1e-5);
    }

    [Fact]
    public void Safetensors_with_rnngen_names_round_trip_through_ImportWeights()
    {
        var source = new ImportLstmModel(seed: 5);
        var target = new ImportLstmModel(seed: 6);
        string path = Path.Combine(Path.GetTempPath(), $"rnngen-import-{Guid.NewGuid():N}.safetensors");
        try
        {
            source.SaveWeights(path);
            target.ImportWeights(path);
            Assert.Equal(source.Parameters.ToArray(), target.Parameters.ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
