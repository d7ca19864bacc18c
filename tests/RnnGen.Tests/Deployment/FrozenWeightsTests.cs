using RnnGen.Samples.LetterPrediction;

namespace RnnGen.Tests.Deployment;

/// <summary>LetterPrediction's model with the weights TinyPredictor ships frozen in through RnnGen.targets.</summary>
[RnnModel(timesteps: 1, features: 5, Weights = "letter.safetensors")]
[SimpleRnn(3)]
[Dense(5, Activation = Activation.Softmax)]
public partial class FrozenLetterModel;

/// <summary>
/// The build path end to end: <c>&lt;RnnGenWeights&gt;</c> → RnnGen.targets → generator → embedded weights, against
/// <c>LoadWeights</c> of the same file on the same architecture.
/// </summary>
public class FrozenWeightsTests
{
    private static readonly string WeightsPath = Path.Combine(AppContext.BaseDirectory, "fixtures", "letter.safetensors");

    [Fact]
    public void Frozen_model_has_the_file_parameters_and_predicts_identically()
    {
        var frozen = new FrozenLetterModel();
        var loaded = new LetterModel(seed: 123);
        loaded.LoadWeights(WeightsPath);
        Assert.Equal(loaded.Parameters.ToArray(), frozen.Parameters.ToArray());

        float[] expected = new float[LetterModel.OutputSize], actual = new float[FrozenLetterModel.OutputSize];
        for (int letter = 0; letter < 5; letter++)
        {
            float[] input = Dataset.OneHot(letter, 5);
            loaded.Predict(input, expected);
            frozen.Predict(input, actual);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Frozen_model_learned_the_ring_and_the_constructor_reads_no_file()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var model = new FrozenLetterModel();
        long construction = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(construction < 4096, $"the constructor allocated {construction} bytes: more than the model's own arrays");

        Span<float> output = stackalloc float[FrozenLetterModel.OutputSize];
        Span<float> input = stackalloc float[FrozenLetterModel.InputSize];
        for (int letter = 0; letter < 5; letter++)
        {
            input.Clear();
            input[letter] = 1f;
            model.Predict(input, output);
            int best = 0;
            for (int j = 1; j < output.Length; j++) if (output[j] > output[best]) best = j;
            Assert.Equal((letter + 1) % 5, best);
        }

        long start = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) model.Predict(input, output);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - start);
    }

    [Fact]
    public void Frozen_parameters_stay_writable_for_fine_tuning()
    {
        var model = new FrozenLetterModel();
        float[] frozen = model.Parameters.ToArray();
        model.Fit(Dataset.FromArrays([Dataset.OneHot(0, 5)], [[1f]]), new TrainingOptions
        {
            Epochs = 2,
            Loss = Losses.SparseCategoricalCrossentropy(),
            Optimizer = new Adam(0.01f),
            Output = TextWriter.Null,
        });
        Assert.NotEqual(frozen, model.Parameters.ToArray());
        Assert.Equal(frozen, new FrozenLetterModel().Parameters.ToArray());
    }
}
