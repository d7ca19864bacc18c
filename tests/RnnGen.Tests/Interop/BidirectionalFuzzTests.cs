namespace RnnGen.Tests.Interop;

/// <summary>
/// Corrupted copies of the bidirectional files (a few random bytes overwritten, fixed seeds) into the generated
/// <see cref="BiLstmModel"/> (TensorFlow.js: <see cref="TfjsBiLstmModel"/>, the model.json corrupted beside an intact
/// shard): each import either succeeds or throws <see cref="WeightFileException"/> and leaves the model unchanged.
/// </summary>
public class BidirectionalFuzzTests
{
    [Theory]
    [InlineData("bi_torch_lstm.pt")]
    [InlineData("bi_torch_lstm_sorted.safetensors")]
    [InlineData("bi_keras_lstm_k2_model.h5")]
    [InlineData("bi_keras_lstm_k2_weights.h5")]
    [InlineData("bi_keras_lstm_k3_weights.weights.h5")]
    [InlineData("bi_keras_lstm_k3_keras.keras")]
    [InlineData("bi_tfjs_lstm.json")]
    public void Corrupted_bidirectional_file_is_loaded_or_refused_never_half_loaded(string file)
    {
        bool tfjs = file.EndsWith(".json", StringComparison.Ordinal);
        byte[] original = File.ReadAllBytes(InteropFixtures.PathOf(file));
        string dir = Directory.CreateTempSubdirectory("rnngen-bi-fuzz-").FullName;
        string path = Path.Combine(dir, file);
        if (tfjs) File.Copy(InteropFixtures.PathOf("bi_tfjs_lstm.bin"), Path.Combine(dir, "bi_tfjs_lstm.bin"));
        var random = new Random(file.Length * 104729);
        int refused = 0;
        try
        {
            for (int round = 0; round < 60; round++)
            {
                byte[] bytes = (byte[])original.Clone();
                int flips = 1 + random.Next(4);
                for (int k = 0; k < flips; k++) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                File.WriteAllBytes(path, bytes);

                IRnnModel model = tfjs ? new TfjsBiLstmModel(seed: 1) : new BiLstmModel(seed: 1);
                float[] before = model.Parameters.ToArray();
                try
                {
                    model.ImportWeights(path);
                }
                catch (WeightFileException)
                {
                    refused++;
                    Assert.Equal(before, model.Parameters.ToArray());
                }
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }

        Assert.True(refused > 0, "no corruption was detected at all");
    }
}
