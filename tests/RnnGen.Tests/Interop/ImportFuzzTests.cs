using RnnGen.Dynamic;

namespace RnnGen.Tests.Interop;

/// <summary>
/// Corrupted copies of real files (a few random bytes overwritten, fixed seeds): each import either succeeds (only
/// tensor values were hit) or throws <see cref="WeightFileException"/> and leaves the model unchanged. No other
/// exception type escapes.
/// </summary>
public class ImportFuzzTests
{
    [Theory]
    [InlineData("torch_lstm.pt")]
    [InlineData("keras_lstm_k2_model.h5")]
    [InlineData("keras_lstm_k3_keras.keras")]
    [InlineData("keras_lstm_k3_weights.weights.h5")]
    [InlineData("torch_stacked.pt")]
    public void Corrupted_file_is_loaded_or_refused_never_half_loaded(string file)
    {
        byte[] original = File.ReadAllBytes(InteropFixtures.PathOf(file));
        string path = Path.Combine(Path.GetTempPath(), $"rnngen-fuzz-{Guid.NewGuid():N}{Path.GetExtension(file)}");
        var random = new Random(file.Length * 7919);
        int refused = 0;
        try
        {
            for (int round = 0; round < 60; round++)
            {
                byte[] bytes = (byte[])original.Clone();
                int flips = 1 + random.Next(4);
                for (int k = 0; k < flips; k++) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                File.WriteAllBytes(path, bytes);

                var model = new Sequential(4, 3, 1, new LstmLayer(5), new DenseLayer(3, Activation.Softmax));
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
            File.Delete(path);
        }

        Assert.True(refused > 0, "no corruption was detected at all");
    }
}
