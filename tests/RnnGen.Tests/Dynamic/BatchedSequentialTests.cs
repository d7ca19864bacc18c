using RnnGen.Dynamic;

namespace RnnGen.Tests.Dynamic;

/// <summary>
/// <see cref="Sequential"/>'s batched members (<see cref="IBatchModel"/>) against its per-sample members, for every model
/// case: the same outputs (the sums are only reordered), gradients equal to the sum of the per-sample gradients, no
/// allocation after warm-up, and replicas that share the parameters.
/// </summary>
public class BatchedSequentialTests
{
    private static readonly int[] BatchSizes = [1, 3, 17, 32];

    public static TheoryData<string, int> CasesAndSizes()
    {
        var data = new TheoryData<string, int>();
        foreach (ModelCases.Case c in ModelCases.All)
        {
            foreach (int n in BatchSizes) data.Add(c.Name, n);
        }

        return data;
    }

    public static TheoryData<string> Cases => ModelCases.Names();

    [Theory]
    [MemberData(nameof(CasesAndSizes))]
    public void ForwardBatch_outputs_equal_per_sample_Forward(string name, int n)
    {
        Sequential model = Build(name, out float[] inputs, n);
        float[] expected = PerSampleOutputs(model, inputs, n, training: true);

        var outputs = new float[n * model.OutputSize];
        model.ForwardBatch(inputs, outputs);

        AssertClose(expected, outputs, 1e-5, "output");
    }

    [Theory]
    [MemberData(nameof(CasesAndSizes))]
    public void PredictBatch_outputs_equal_per_sample_Predict(string name, int n)
    {
        Sequential model = Build(name, out float[] inputs, n);
        float[] expected = PerSampleOutputs(model, inputs, n, training: false);

        var outputs = new float[n * model.OutputSize];
        model.PredictBatch(inputs, outputs);

        AssertClose(expected, outputs, 1e-5, "output");
    }

    [Theory]
    [MemberData(nameof(CasesAndSizes))]
    public void BackwardBatch_adds_the_sum_of_per_sample_gradients(string name, int n)
    {
        Sequential perSample = Build(name, out float[] inputs, n);
        Sequential batched = Build(name, out _, n);
        float[] outputGradients = ModelCases.Uniform(n * perSample.OutputSize, 1.0, new Random(n + 3));

        perSample.Gradients.Fill(0.25f);
        batched.Gradients.Fill(0.25f); // adds into what is there
        var output = new float[perSample.OutputSize];
        for (int i = 0; i < n; i++)
        {
            perSample.Forward(inputs.AsSpan(i * perSample.InputSize, perSample.InputSize), output);
            perSample.Backward(outputGradients.AsSpan(i * perSample.OutputSize, perSample.OutputSize));
        }

        batched.ForwardBatch(inputs, new float[n * batched.OutputSize]);
        batched.BackwardBatch(outputGradients);

        AssertClose(perSample.Gradients.ToArray(), batched.Gradients.ToArray(), 1e-4, "gradient");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_smaller_batch_after_a_larger_one_reuses_the_buffers_and_stays_exact(string name)
    {
        Sequential model = Build(name, out float[] inputs, 17);
        model.ForwardBatch(inputs, new float[17 * model.OutputSize]);
        model.BackwardBatch(new float[17 * model.OutputSize]);

        ReadOnlySpan<float> three = inputs.AsSpan(0, 3 * model.InputSize);
        float[] expected = PerSampleOutputs(model, three.ToArray(), 3, training: true);
        var outputs = new float[3 * model.OutputSize];
        model.ForwardBatch(three, outputs);

        AssertClose(expected, outputs, 1e-5, "output");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Batched_calls_allocate_nothing_after_warm_up(string name)
    {
        Sequential model = Build(name, out float[] inputs, 32);
        var outputs = new float[32 * model.OutputSize];
        float[] dy = ModelCases.Uniform(outputs.Length, 1.0, new Random(1));
        model.ForwardBatch(inputs, outputs);
        model.BackwardBatch(dy);
        model.PredictBatch(inputs, outputs);

        long before = GC.GetAllocatedBytesForCurrentThread();
        model.ForwardBatch(inputs, outputs);
        model.BackwardBatch(dy);
        model.PredictBatch(inputs, outputs);
        model.ForwardBatch(inputs.AsSpan(0, 17 * model.InputSize), outputs.AsSpan(0, 17 * model.OutputSize));
        model.BackwardBatch(dy.AsSpan(0, 17 * model.OutputSize));
        model.PredictBatch(inputs.AsSpan(0, 17 * model.InputSize), outputs.AsSpan(0, 17 * model.OutputSize));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void A_replica_shares_the_parameters_and_has_its_own_gradients()
    {
        Sequential master = Build("stacked_simple_lstm_gru", out float[] inputs, 4);
        IBatchModel replica = master.CreateReplica();
        var masterOutputs = new float[4 * master.OutputSize];
        var replicaOutputs = new float[4 * master.OutputSize];

        master.Parameters[3] += 0.5f; // an optimizer step on the master
        master.PredictBatch(inputs, masterOutputs);
        replica.PredictBatch(inputs, replicaOutputs);
        Assert.Equal(masterOutputs, replicaOutputs);
        Assert.True(replica.Parameters.Overlaps(master.Parameters));

        master.Gradients.Clear();
        replica.ForwardBatch(inputs, replicaOutputs);
        replica.BackwardBatch(ModelCases.Uniform(replicaOutputs.Length, 1.0, new Random(2)));
        Assert.All(master.Gradients.ToArray(), v => Assert.Equal(0f, v));
        Assert.Contains(replica.Gradients.ToArray(), v => v != 0f);
        Assert.Equal(master.ParameterCount, replica.ParameterCount);
        Assert.Equal(master.Summary, replica.Summary);
        Assert.Throws<InvalidOperationException>(() => master.BackwardBatch(new float[4 * master.OutputSize]));
    }

    [Fact]
    public void PredictBatch_is_safe_to_call_concurrently_on_one_instance()
    {
        Sequential model = Build("lstm_40_steps", out float[] inputs, 8);
        var expected = new float[8 * model.OutputSize];
        model.PredictBatch(inputs, expected);

        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            var outputs = new float[expected.Length];
            for (int k = 0; k < 20; k++)
            {
                model.PredictBatch(inputs, outputs);
                Assert.Equal(expected, outputs);
            }
        });
    }

    [Fact]
    public void BackwardBatch_without_ForwardBatch_throws()
    {
        Sequential model = Build("simple_rnn_tanh_last", out _, 1);

        var e = Assert.Throws<InvalidOperationException>(() => model.BackwardBatch(new float[model.OutputSize]));
        Assert.Contains("ForwardBatch", e.Message);
    }

    [Fact]
    public void Spans_of_the_wrong_length_throw_naming_both_lengths()
    {
        Sequential model = Build("simple_rnn_tanh_last", out float[] inputs, 3); // InputSize 12, OutputSize 5

        var partial = Assert.Throws<ArgumentException>(() => model.ForwardBatch(inputs.AsSpan(0, 13), new float[5]));
        Assert.Equal("inputs", partial.ParamName);
        Assert.Contains("13", partial.Message);
        Assert.Contains("12", partial.Message);

        var outputs = Assert.Throws<ArgumentException>(() => model.PredictBatch(inputs, new float[10]));
        Assert.Equal("outputs", outputs.ParamName);
        Assert.Contains("15", outputs.Message);
        Assert.Contains("10", outputs.Message);

        model.ForwardBatch(inputs, new float[15]);
        var gradients = Assert.Throws<ArgumentException>(() => model.BackwardBatch(new float[5]));
        Assert.Equal("outputGradients", gradients.ParamName);
        Assert.Contains("15", gradients.Message);
    }

    [Fact]
    public void An_empty_batch_does_nothing()
    {
        Sequential model = Build("embedding_lstm_dense", out _, 1);
        model.Gradients.Clear();

        model.ForwardBatch([], []);
        model.BackwardBatch([]);
        model.PredictBatch([], []);

        Assert.All(model.Gradients.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void An_out_of_range_token_id_throws_and_leaves_no_batch_to_backpropagate()
    {
        Sequential model = Build("embedding_dense_per_timestep", out float[] inputs, 2);
        inputs[5] = 99f;

        Assert.Throws<ArgumentOutOfRangeException>(() => model.ForwardBatch(inputs, new float[2 * model.OutputSize]));
        Assert.Throws<InvalidOperationException>(() => model.BackwardBatch(new float[2 * model.OutputSize]));
    }

    private static Sequential Build(string name, out float[] inputs, int n)
    {
        ModelCases.Case c = ModelCases.Get(name);
        Sequential model = c.Build();
        var random = new Random(11);
        ModelCases.Uniform(model.ParameterCount, 0.5, random).CopyTo(model.Parameters);
        inputs = new float[n * model.InputSize];
        for (int i = 0; i < n; i++) ModelCases.Input(model, random).CopyTo(inputs, i * model.InputSize);
        return model;
    }

    private static float[] PerSampleOutputs(Sequential model, float[] inputs, int n, bool training)
    {
        var outputs = new float[n * model.OutputSize];
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> x = inputs.AsSpan(i * model.InputSize, model.InputSize);
            Span<float> y = outputs.AsSpan(i * model.OutputSize, model.OutputSize);
            if (training) model.Forward(x, y);
            else model.Predict(x, y);
        }

        return outputs;
    }

    private static void AssertClose(float[] expected, float[] actual, double relative, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int k = 0; k < expected.Length; k++)
        {
            Assert.True(Math.Abs(expected[k] - actual[k]) <= relative * Math.Max(1, Math.Abs(expected[k])),
                $"{what}[{k}]: per-sample {expected[k]}, batched {actual[k]}");
        }
    }
}
