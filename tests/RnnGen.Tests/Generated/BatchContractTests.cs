using RnnGen.Tests.Reference;

namespace RnnGen.Tests.Generated;

/// <summary>The batched members' contract on a generated model: argument checks, replicas, thread safety.</summary>
public class BatchContractTests
{
    private static IBatchModel Model() => new SrnnStacked(seed: 3);

    [Fact]
    public void Inputs_that_are_not_whole_samples_are_refused_with_the_lengths()
    {
        IBatchModel model = Model();
        var error = Assert.Throws<ArgumentException>(() => model.PredictBatch(new float[model.InputSize + 1], new float[2 * model.OutputSize]));
        Assert.Contains($"n x {model.InputSize}", error.Message);
        Assert.Contains($"length {model.InputSize + 1}", error.Message);
        Assert.Throws<ArgumentException>(() => model.ForwardBatch(ReadOnlySpan<float>.Empty, Span<float>.Empty));
        var outputs = Assert.Throws<ArgumentException>(() => model.ForwardBatch(new float[2 * model.InputSize], new float[model.OutputSize]));
        Assert.Contains($"length {2 * model.OutputSize}", outputs.Message);
    }

    [Fact]
    public void BackwardBatch_needs_a_ForwardBatch_of_the_same_size()
    {
        IBatchModel model = Model();
        Assert.Throws<InvalidOperationException>(() => model.BackwardBatch(new float[model.OutputSize]));
        model.ForwardBatch(new float[3 * model.InputSize], new float[3 * model.OutputSize]);
        var error = Assert.Throws<ArgumentException>(() => model.BackwardBatch(new float[2 * model.OutputSize]));
        Assert.Contains($"length {3 * model.OutputSize}", error.Message);
    }

    [Fact]
    public void A_replica_shares_the_parameters_and_keeps_its_own_gradients()
    {
        IBatchModel model = Model();
        IBatchModel replica = model.CreateReplica();
        var input = new float[model.InputSize];
        for (int i = 0; i < input.Length; i++) input[i] = 0.1f * (i % 7) - 0.3f;
        var a = new float[model.OutputSize];
        var b = new float[model.OutputSize];

        model.Parameters[0] += 0.5f;
        model.Predict(input, a);
        replica.Predict(input, b);
        Assert.Equal(a, b);

        replica.ForwardBatch(input, b);
        replica.BackwardBatch(new float[] { 1f, 1f });
        Assert.Contains(replica.Gradients.ToArray(), g => g != 0f);
        Assert.All(model.Gradients.ToArray(), g => Assert.Equal(0f, g));
    }

    [Fact]
    public void PredictBatch_is_safe_to_call_from_many_threads_on_one_instance()
    {
        IBatchModel model = Model();
        int n = 37;
        var inputs = new float[n * model.InputSize];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = MathF.Sin(i);
        var expected = new float[n * model.OutputSize];
        model.PredictBatch(inputs, expected);

        Parallel.For(0, 8, _ =>
        {
            var outputs = new float[n * model.OutputSize];
            for (int round = 0; round < 20; round++)
            {
                model.PredictBatch(inputs, outputs);
                Assert.Equal(expected, outputs);
            }
        });
    }
}
