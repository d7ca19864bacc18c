using RnnGen.Dynamic;
using RnnGen.Tests.Helpers;

namespace RnnGen.Tests.Dynamic;

/// <summary>
/// <see cref="BidirectionalLayer"/> in a <see cref="Sequential"/>: the forward pass against <see cref="BidirectionalReference"/>
/// (double), parameter and input gradients against its central differences (eps 1e-6) for <c>L = sum_k w_k y_k</c>, the
/// weight layout against the plain layers, the batched members against the per-sample ones, no allocation after warm-up,
/// Step refused, and the Keras names, shapes and summary.
/// </summary>
public class BidirectionalTests
{
    public static TheoryData<string> Cases => BidirectionalCases.Names();

    public static TheoryData<string, int> CasesAndSizes()
    {
        var data = new TheoryData<string, int>();
        foreach (ModelCases.Case c in BidirectionalCases.All)
        {
            foreach (int n in new[] { 1, 3, 17 }) data.Add(c.Name, n);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_matches_double_precision_reference(string name)
    {
        ModelCases.Case c = BidirectionalCases.Get(name);
        Sequential model = c.Build();
        var random = new Random(11);
        ModelCases.Uniform(model.ParameterCount, 0.5, random).CopyTo(model.Parameters);
        float[] input = ModelCases.Input(model, random);

        var output = new float[model.OutputSize];
        model.Forward(input, output);
        double[] expected = BidirectionalReference.Forward(c.Timesteps, c.Features, c.Layers, ToDouble(model.Parameters), ToDouble(input));

        Assert.Equal(expected.Length, output.Length);
        for (int k = 0; k < output.Length; k++)
        {
            Assert.True(Math.Abs(output[k] - expected[k]) <= 1e-5 * Math.Max(1, Math.Abs(expected[k])), $"output[{k}] = {output[k]}, reference {expected[k]}");
        }

        var predicted = new float[model.OutputSize];
        model.Predict(input, predicted);
        Assert.Equal(output, predicted);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Parameter_and_input_gradients_match_central_differences(string name)
    {
        ModelCases.Case c = BidirectionalCases.Get(name);
        Sequential model = c.Build();
        var random = new Random(5);
        ModelCases.Uniform(model.ParameterCount, 0.5, random).CopyTo(model.Parameters);
        float[] input = ModelCases.Input(model, random);
        float[] w = ModelCases.Uniform(model.OutputSize, 1.0, random);

        var output = new float[model.OutputSize];
        var inputGradient = new float[model.InputSize];
        model.Gradients.Clear();
        model.Forward(input, output);
        model.Backward(w, inputGradient);

        double[] p = ToDouble(model.Parameters), x = ToDouble(input), wd = ToDouble(w);
        double Loss()
        {
            double[] y = BidirectionalReference.Forward(c.Timesteps, c.Features, c.Layers, p, x);
            double s = 0;
            for (int k = 0; k < y.Length; k++) s += wd[k] * y[k];
            return s;
        }

        AssertClose(FiniteDifferences.Central(p, Loss), model.Gradients, "parameter", model);
        if (model.Layers[0].Kind == LayerKind.Embedding)
        {
            Assert.All(inputGradient, v => Assert.Equal(0f, v));
            return;
        }

        AssertClose(FiniteDifferences.Central(x, Loss), inputGradient, "input", model);
    }

    [Theory]
    [InlineData(MergeMode.Concat)]
    [InlineData(MergeMode.Sum)]
    [InlineData(MergeMode.Multiply)]
    [InlineData(MergeMode.Average)]
    public void Output_merges_the_forward_layer_with_the_time_reversed_backward_layer(MergeMode merge)
    {
        const int T = 5, F = 3, U = 4;
        var bidirectional = new Sequential(T, F, 1, new BidirectionalLayer(new GruLayer(U, returnSequences: true), merge));
        var forward = new Sequential(T, F, 2, new GruLayer(U, returnSequences: true));
        var backward = new Sequential(T, F, 3, new GruLayer(U, returnSequences: true, goBackwards: true));

        // Parameters: the forward layer's, then the backward layer's.
        forward.Parameters.CopyTo(bidirectional.Parameters);
        backward.Parameters.CopyTo(bidirectional.Parameters[forward.ParameterCount..]);
        Assert.Equal(2 * forward.ParameterCount, bidirectional.ParameterCount);

        float[] input = ModelCases.Uniform(T * F, 1, new Random(4));
        var y = new float[bidirectional.OutputSize];
        var yf = new float[T * U];
        var yb = new float[T * U];
        bidirectional.Predict(input, y);
        forward.Predict(input, yf);
        backward.Predict(input, yb);

        int width = merge == MergeMode.Concat ? 2 * U : U;
        Assert.Equal(T * width, y.Length);
        for (int t = 0; t < T; t++)
        {
            for (int j = 0; j < U; j++)
            {
                // go_backwards output row s is the state after reading x_(T-1) .. x_(T-1-s): input step t is row T-1-t.
                float f = yf[t * U + j], b = yb[(T - 1 - t) * U + j];
                if (merge == MergeMode.Concat)
                {
                    Assert.Equal(f, y[t * width + j]);
                    Assert.Equal(b, y[t * width + U + j]);
                }
                else
                {
                    float expected = merge switch { MergeMode.Sum => f + b, MergeMode.Multiply => f * b, _ => (f + b) * 0.5f };
                    Assert.Equal(expected, y[t * width + j], 6);
                }
            }
        }
    }

    [Fact]
    public void Without_sequences_the_two_final_states_are_merged()
    {
        var bidirectional = new Sequential(4, 2, 1, new BidirectionalLayer(new LstmLayer(3)));
        var forward = new Sequential(4, 2, 2, new LstmLayer(3));
        var backward = new Sequential(4, 2, 3, new LstmLayer(3, goBackwards: true));
        forward.Parameters.CopyTo(bidirectional.Parameters);
        backward.Parameters.CopyTo(bidirectional.Parameters[forward.ParameterCount..]);

        float[] input = ModelCases.Uniform(8, 1, new Random(8));
        var y = new float[6];
        var yf = new float[3];
        var yb = new float[3];
        bidirectional.Predict(input, y);
        forward.Predict(input, yf);
        backward.Predict(input, yb);

        Assert.Equal(yf.Concat(yb).ToArray(), y);
    }

    [Fact]
    public void Each_direction_is_initialized_as_its_layer_kind_deterministically_per_seed()
    {
        var lstm = new LstmLayer(3);
        var alone = new Sequential(4, 2, 42, lstm);
        var model = new Sequential(4, 2, 42, new BidirectionalLayer(lstm));
        var again = new Sequential(4, 2, 42, new BidirectionalLayer(lstm));
        int half = alone.ParameterCount;

        Assert.Equal(model.Parameters.ToArray(), again.Parameters.ToArray());
        Assert.Equal(alone.Parameters.ToArray(), model.Parameters[..half].ToArray()); // forward first, from the same Random
        Assert.False(model.Parameters[..half].SequenceEqual(model.Parameters[half..])); // the backward layer has its own weights

        // Both biases: zeros with the forget block at 1 (Keras unit_forget_bias).
        foreach (TensorInfo bias in model.Layers[0].Tensors.Where(t => t.Name.EndsWith("/bias", StringComparison.Ordinal)))
        {
            float[] b = model.Parameters.Slice(bias.Offset, bias.Length).ToArray();
            Assert.Equal(new float[] { 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0 }, b);
        }
    }

    [Theory]
    [MemberData(nameof(CasesAndSizes))]
    public void ForwardBatch_and_PredictBatch_equal_per_sample(string name, int n)
    {
        Sequential model = Build(name, n, out float[] inputs);
        var expectedForward = new float[n * model.OutputSize];
        var expectedPredict = new float[n * model.OutputSize];
        for (int i = 0; i < n; i++)
        {
            model.Forward(inputs.AsSpan(i * model.InputSize, model.InputSize), expectedForward.AsSpan(i * model.OutputSize, model.OutputSize));
            model.Predict(inputs.AsSpan(i * model.InputSize, model.InputSize), expectedPredict.AsSpan(i * model.OutputSize, model.OutputSize));
        }

        var outputs = new float[n * model.OutputSize];
        model.ForwardBatch(inputs, outputs);
        AssertClose(expectedForward, outputs, 1e-5, "ForwardBatch output");
        model.PredictBatch(inputs, outputs);
        AssertClose(expectedPredict, outputs, 1e-5, "PredictBatch output");
    }

    [Theory]
    [MemberData(nameof(CasesAndSizes))]
    public void BackwardBatch_adds_the_sum_of_per_sample_gradients(string name, int n)
    {
        Sequential perSample = Build(name, n, out float[] inputs);
        Sequential batched = Build(name, n, out _);
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
    [InlineData("bidi_lstm_concat_sequences")]
    [InlineData("bidi_gru_reset_after_multiply_last")]
    [InlineData("bidi_stacked_lstm_gru_dense")]
    [InlineData("bidi_stacked_mul_ave_sequences_dense")]
    [InlineData("embedding_bidi_gru_concat")]
    public void Hot_paths_do_not_allocate_after_warm_up(string name)
    {
        Sequential model = Build(name, 17, out float[] inputs);
        float[] input = inputs[..model.InputSize];
        float[] dOut = ModelCases.Uniform(17 * model.OutputSize, 1, new Random(9));
        var output = new float[model.OutputSize];
        var outputs = new float[17 * model.OutputSize];
        var dIn = new float[model.InputSize];

        void Run()
        {
            model.Predict(input, output);
            model.Forward(input, output);
            model.Backward(dOut.AsSpan(0, model.OutputSize));
            model.Backward(dOut.AsSpan(0, model.OutputSize), dIn);
            model.ForwardBatch(inputs, outputs);
            model.BackwardBatch(dOut);
            model.PredictBatch(inputs, outputs);
            model.ForwardBatch(inputs.AsSpan(0, 3 * model.InputSize), outputs.AsSpan(0, 3 * model.OutputSize));
            model.BackwardBatch(dOut.AsSpan(0, 3 * model.OutputSize));
        }

        for (int i = 0; i < 3; i++) Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) Run();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Theory]
    [InlineData("bidi_lstm_concat_last")]
    [InlineData("rnn_then_bidi_lstm_concat_dense")]
    public void Step_throws_NotSupportedException(string name)
    {
        Sequential model = BidirectionalCases.Get(name).Build();
        model.ResetState();

        var e = Assert.Throws<NotSupportedException>(() => model.Step(new float[model.StepInputSize], new float[model.StepOutputSize]));
        Assert.Contains("Bidirectional", e.Message);
        Assert.Contains("bidirectional", e.Message);
    }

    [Fact]
    public void Layers_report_one_bidirectional_LayerInfo_with_Keras_names()
    {
        var model = new Sequential(5, 3, 0,
            new LstmLayer(4, returnSequences: true),
            new BidirectionalLayer(new LstmLayer(8, returnSequences: true)),
            new BidirectionalLayer(new GruLayer(3, goBackwards: true), MergeMode.Sum),
            new DenseLayer(2));

        Assert.Equal(["lstm", "bidirectional", "bidirectional_1", "dense"], model.Layers.Select(l => l.Name));

        LayerInfo first = model.Layers[1];
        Assert.True(first.Bidirectional);
        Assert.Equal(MergeMode.Concat, first.Merge);
        Assert.Equal(LayerKind.Lstm, first.Kind);
        Assert.Equal(8, first.Units);
        Assert.True(first.ReturnSequences);
        Assert.False(first.GoBackwards);
        Assert.Equal([5, 4], first.InputShape);
        Assert.Equal([5, 16], first.OutputShape);
        Assert.Equal(128, first.ParameterOffset); // lstm(4) on 3 features: (3 + 4) * 16 + 16
        Assert.Equal(2 * ((4 + 8) * 32 + 32), first.ParameterCount);
        Assert.Equal(
            [
                "bidirectional/forward_lstm_1/kernel", "bidirectional/forward_lstm_1/recurrent_kernel", "bidirectional/forward_lstm_1/bias",
                "bidirectional/backward_lstm_1/kernel", "bidirectional/backward_lstm_1/recurrent_kernel", "bidirectional/backward_lstm_1/bias",
            ],
            first.Tensors.Select(t => t.Name));
        Assert.Equal([4, 32], first.Tensors[0].Shape);
        Assert.Equal([8, 32], first.Tensors[4].Shape);
        Assert.Equal([32], first.Tensors[5].Shape);
        Assert.Equal([128, 256, 512, 544, 672, 928], first.Tensors.Select(t => t.Offset));

        LayerInfo second = model.Layers[2];
        Assert.True(second.Bidirectional);
        Assert.Equal(MergeMode.Sum, second.Merge);
        Assert.Equal(LayerKind.Gru, second.Kind);
        Assert.True(second.ResetAfter);
        Assert.True(second.GoBackwards); // the forward layer's
        Assert.False(second.ReturnSequences);
        Assert.Equal([5, 16], second.InputShape);
        Assert.Equal([3], second.OutputShape);
        Assert.Equal("bidirectional_1/forward_gru/kernel", second.Tensors[0].Name);
        Assert.Equal("bidirectional_1/backward_gru/bias", second.Tensors[5].Name);
        Assert.Equal([2, 9], second.Tensors[5].Shape);
        Assert.Equal(2 * ((16 + 3) * 9 + 18), second.ParameterCount);

        Assert.False(model.Layers[0].Bidirectional);
        Assert.Equal([3], model.Layers[3].InputShape);
        Assert.Equal(model.ParameterCount, model.Layers.Sum(l => l.ParameterCount));
        foreach (LayerInfo layer in model.Layers)
        {
            Assert.Equal(layer.ParameterCount, layer.Tensors.Sum(t => t.Length));
        }
    }

    [Fact]
    public void Summary_shows_the_bidirectional_row_with_merged_shape_and_both_directions_parameters()
    {
        var model = new Sequential(10, 5, 0,
            new BidirectionalLayer(new LstmLayer(8, returnSequences: true)),
            new BidirectionalLayer(new SimpleRnnLayer(4), MergeMode.Average),
            new DenseLayer(1));

        // Keras 2: bidirectional (Bidirectional) (None, 10, 16) 896; bidirectional_1 (Bidirectional) (None, 4) 168
        Assert.Matches(@"\n bidirectional \(Bidirectional\) +\(None, 10, 16\) +896\n", model.Summary);
        Assert.Matches(@"\n bidirectional_1 \(Bidirectional\) +\(None, 4\) +168\n", model.Summary);
        Assert.Matches(@"\n dense \(Dense\) +\(None, 1\) +5\n", model.Summary);
        Assert.Contains("Total params: 1,069", model.Summary);
        Assert.Equal(10 * 5, model.InputSize);
        Assert.Equal(1, model.OutputSize);
    }

    [Fact]
    public void Invalid_configurations_are_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => new BidirectionalLayer(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BidirectionalLayer(new LstmLayer(2), (MergeMode)7));
        var e = Assert.Throws<ArgumentException>(() => new Sequential(3, 2, 0, new LstmLayer(2), new BidirectionalLayer(new GruLayer(2))));
        Assert.Contains("Bidirectional", e.Message);
    }

    [Fact]
    public void The_backward_layer_is_the_wrapped_configuration_reversed()
    {
        var gru = new GruLayer(5, Activation.Relu, returnSequences: true, useBias: false, goBackwards: true, resetAfter: false, Activation.HardSigmoid);
        var layer = new BidirectionalLayer(gru, MergeMode.Multiply);

        Assert.Same(gru, layer.ForwardLayer);
        var backward = Assert.IsType<GruLayer>(layer.BackwardLayer);
        Assert.False(backward.GoBackwards);
        Assert.Equal((5, Activation.Relu, true, false, false, Activation.HardSigmoid),
            (backward.Units, backward.Activation, backward.ReturnSequences, backward.UseBias, backward.ResetAfter, backward.RecurrentActivation));
        Assert.Equal(LayerKind.Gru, layer.Kind);
        Assert.Equal(5, layer.Units);
        Assert.Equal(5, layer.OutputWidth);
        Assert.Equal(10, new BidirectionalLayer(gru).OutputWidth);
    }

    [Fact]
    public void Weights_round_trip_through_a_weights_file_with_the_bidirectional_names()
    {
        Sequential model = Build("bidi_stacked_lstm_gru_dense", 1, out _);
        var copy = new Sequential(5, 3, 99, BidirectionalCases.Get("bidi_stacked_lstm_gru_dense").Layers);
        using var stream = new MemoryStream();
        model.SaveWeights(stream);

        string header = System.Text.Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
        Assert.Contains("\"bidirectional/backward_lstm/recurrent_kernel\"", header);
        Assert.Contains("\"bidirectional_1/forward_gru/bias\"", header);
        stream.Position = 0;
        copy.LoadWeights(stream);

        Assert.Equal(model.Parameters.ToArray(), copy.Parameters.ToArray());
    }

    [Fact]
    public void A_replica_shares_the_parameters_and_matches_the_batched_gradients()
    {
        Sequential model = Build("bidi_stacked_mul_ave_sequences_dense", 3, out float[] inputs);
        IBatchModel replica = model.CreateReplica();
        var outputs = new float[3 * model.OutputSize];
        var replicaOutputs = new float[3 * model.OutputSize];
        float[] dy = ModelCases.Uniform(outputs.Length, 1, new Random(2));

        model.Gradients.Clear();
        model.ForwardBatch(inputs, outputs);
        model.BackwardBatch(dy);
        replica.ForwardBatch(inputs, replicaOutputs);
        replica.BackwardBatch(dy);

        Assert.True(replica.Parameters.Overlaps(model.Parameters));
        Assert.Equal(outputs, replicaOutputs);
        Assert.Equal(model.Gradients.ToArray(), replica.Gradients.ToArray());
    }

    private static Sequential Build(string name, int n, out float[] inputs)
    {
        Sequential model = BidirectionalCases.Get(name).Build();
        var random = new Random(name.Length + n);
        ModelCases.Uniform(model.ParameterCount, 0.5, random).CopyTo(model.Parameters);
        inputs = new float[n * model.InputSize];
        for (int i = 0; i < n; i++) ModelCases.Input(model, random).CopyTo(inputs, i * model.InputSize);
        return model;
    }

    private static void AssertClose(double[] expected, ReadOnlySpan<float> actual, string what, Sequential model)
    {
        double scale = 1e-3;
        foreach (double v in expected) scale = Math.Max(scale, Math.Abs(v));
        for (int k = 0; k < expected.Length; k++)
        {
            double error = Math.Abs(actual[k] - expected[k]);
            if (error > 1e-4 * scale + 1e-5 * Math.Abs(expected[k]))
            {
                Assert.Fail($"{what} gradient [{k}] ({TensorName(model, k, what)}): analytic {actual[k]}, numeric {expected[k]}, scale {scale}");
            }
        }
    }

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = 1e-3;
        foreach (float v in expected) scale = Math.Max(scale, Math.Abs(v));
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            Assert.True(error <= tolerance * scale, $"{what}[{i}]: expected {expected[i]}, got {actual[i]} (error {error:g3})");
        }
    }

    private static string TensorName(Sequential model, int index, string what)
    {
        if (what != "parameter") return $"input {index}";
        foreach (LayerInfo layer in model.Layers)
        {
            foreach (TensorInfo t in layer.Tensors)
            {
                if (index >= t.Offset && index < t.Offset + t.Length) return $"{t.Name}[{index - t.Offset}]";
            }
        }

        return "?";
    }

    private static double[] ToDouble(ReadOnlySpan<float> values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = values[i];
        return result;
    }
}
