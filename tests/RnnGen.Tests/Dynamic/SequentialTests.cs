using RnnGen.CompilerServices;
using RnnGen.Dynamic;

namespace RnnGen.Tests.Dynamic;

public class SequentialTests
{
    [Fact]
    public void SimpleRnn_seed_example_outputs_exact_values()
    {
        // Keras: SimpleRNN(3, activation=None, return_sequences=True) on input [[1,3],[1,1],[2,3]].
        var model = new Sequential(3, 2, 0, new SimpleRnnLayer(3, Activation.Linear, returnSequences: true));
        float[] weights =
        [
            1, 0, 2, 2, 1, 3,          // kernel [[1,0,2],[2,1,3]]
            1, 2, 1, 1, 0, 1, 0, 1, 0, // recurrent_kernel [[1,2,1],[1,0,1],[0,1,0]]
            0, 0, 1,                   // bias
        ];
        weights.CopyTo(model.Parameters);

        var output = new float[9];
        model.Predict([1, 3, 1, 1, 2, 3], output);

        Assert.Equal([7, 3, 12, 13, 27, 16, 48, 45, 54], output);
    }

    [Theory]
    [InlineData(1, 5, 3, 5, 27, 20)]
    [InlineData(3, 2, 3, 1, 18, 4)]
    [InlineData(3, 1, 4, 1, 24, 5)] // units * (units + features + 1) = 4 * 6
    [InlineData(3, 2, 4, 1, 28, 5)]
    public void SimpleRnn_and_Dense_parameter_counts_match_Keras(int timesteps, int features, int units, int outputs, int rnnCount, int denseCount)
    {
        var model = new Sequential(timesteps, features, 0, new SimpleRnnLayer(units), new DenseLayer(outputs));

        Assert.Equal(rnnCount, model.Layers[0].ParameterCount);
        Assert.Equal(denseCount, model.Layers[1].ParameterCount);
        Assert.Equal(rnnCount + denseCount, model.ParameterCount);
        Assert.Contains($"Total params: {rnnCount + denseCount}", model.Summary);
    }

    [Fact]
    public void Lstm_and_Gru_parameter_counts_match_Keras()
    {
        Assert.Equal(128, new Sequential(5, 3, 0, new LstmLayer(4)).ParameterCount);
        Assert.Equal(108, new Sequential(5, 3, 0, new GruLayer(4)).ParameterCount);
        Assert.Equal(96, new Sequential(5, 3, 0, new GruLayer(4, resetAfter: false)).ParameterCount);
        Assert.Equal(4 * 4 * (3 + 4), new Sequential(5, 3, 0, new LstmLayer(4, useBias: false)).ParameterCount);
        Assert.Equal(10 * 8, new Sequential(5, 8, 0, new EmbeddingLayer(10, 8)).ParameterCount);
    }

    [Fact]
    public void Summary_is_a_Keras_style_table()
    {
        var model = new Sequential(1, 5, 0, new SimpleRnnLayer(3), new DenseLayer(5, Activation.Softmax));

        string[] lines = model.Summary.Split('\n');
        Assert.Contains(lines, l => l.StartsWith(" Layer (type)", StringComparison.Ordinal) && l.Contains("Output Shape") && l.Contains("Param #"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^ simple_rnn \(SimpleRNN\) +\(None, 3\) +27$"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^ dense \(Dense\) +\(None, 5\) +20$"));
        Assert.Contains("Total params: 47", lines);
        Assert.Contains("Trainable params: 47", lines);
        Assert.Equal(model.Summary, model.ToString());
    }

    [Fact]
    public void Summary_shows_sequence_shapes_and_thousands_separators()
    {
        var model = new Sequential(10, 64, 0, new EmbeddingLayer(100, 64), new LstmLayer(32, returnSequences: true), new DenseLayer(100));

        Assert.Matches(@"embedding \(Embedding\) +\(None, 10, 64\) +6400", model.Summary);
        Assert.Matches(@"lstm \(LSTM\) +\(None, 10, 32\) +12416", model.Summary);
        Assert.Matches(@"dense \(Dense\) +\(None, 10, 100\) +3300", model.Summary);
        Assert.Contains("Total params: 22,116", model.Summary);
    }

    [Fact]
    public void Layers_have_Keras_names_shapes_and_offsets()
    {
        var model = new Sequential(4, 2, 0,
            new SimpleRnnLayer(3, returnSequences: true),
            new SimpleRnnLayer(2, returnSequences: true),
            new GruLayer(2),
            new DenseLayer(4),
            new DenseLayer(1, useBias: false));

        Assert.Equal(["simple_rnn", "simple_rnn_1", "gru", "dense", "dense_1"], model.Layers.Select(l => l.Name));
        LayerInfo first = model.Layers[0];
        Assert.Equal(LayerKind.SimpleRnn, first.Kind);
        Assert.Equal([4, 2], first.InputShape);
        Assert.Equal([4, 3], first.OutputShape);
        Assert.True(first.ReturnSequences);
        Assert.Equal(["simple_rnn/kernel", "simple_rnn/recurrent_kernel", "simple_rnn/bias"], first.Tensors.Select(t => t.Name));
        Assert.Equal([2, 3], first.Tensors[0].Shape);
        Assert.Equal([0, 6, 15], first.Tensors.Select(t => t.Offset));

        LayerInfo gru = model.Layers[2];
        Assert.Equal(first.ParameterCount + model.Layers[1].ParameterCount, gru.ParameterOffset);
        Assert.Equal([2, 6], gru.Tensors[2].Shape);
        Assert.Equal([2], gru.OutputShape);
        Assert.Equal(["dense_1/kernel"], model.Layers[4].Tensors.Select(t => t.Name));

        int next = 0;
        foreach (LayerInfo layer in model.Layers)
        {
            Assert.Equal(next, layer.ParameterOffset);
            foreach (TensorInfo t in layer.Tensors)
            {
                Assert.Equal(next, t.Offset);
                Assert.Equal(t.Shape.Aggregate(1, (a, b) => a * b), t.Length);
                next += t.Length;
            }
        }

        Assert.Equal(model.ParameterCount, next);
    }

    [Fact]
    public void Dense_after_a_sequence_applies_per_timestep()
    {
        var model = new Sequential(3, 2, 0, new LstmLayer(4, returnSequences: true), new DenseLayer(5));

        Assert.Equal(15, model.OutputSize);
        Assert.Equal(5, model.StepOutputSize);
        Assert.Equal([3, 5], model.Layers[1].OutputShape);
        Assert.True(model.Layers[1].ReturnSequences);
    }

    [Fact]
    public void Initialization_follows_the_generator_call_sequence()
    {
        var model = new Sequential(3, 2, 42, new LstmLayer(4, returnSequences: true), new GruLayer(3, resetAfter: true), new DenseLayer(2));
        var expected = new float[model.ParameterCount];
        var random = new Random(42);
        Span<float> p = expected;
        // lstm: kernel [2,16], recurrent [4,16], bias [16] (forget block 1)
        Initializers.GlorotUniform(p.Slice(0, 32), 2, 16, random);
        Initializers.Orthogonal(p.Slice(32, 64), 4, 16, random);
        p.Slice(96 + 4, 4).Fill(1f);
        int o = 112;
        // gru: kernel [4,9], recurrent [3,9], bias [2,9]
        Initializers.GlorotUniform(p.Slice(o, 36), 4, 9, random);
        Initializers.Orthogonal(p.Slice(o + 36, 27), 3, 9, random);
        o += 36 + 27 + 18;
        // dense: kernel [3,2], bias [2]
        Initializers.GlorotUniform(p.Slice(o, 6), 3, 2, random);

        Assert.Equal(expected, model.Parameters.ToArray());
    }

    [Fact]
    public void Same_seed_gives_same_weights_and_embedding_is_uniform_005()
    {
        Layer[] layers = [new EmbeddingLayer(20, 4), new SimpleRnnLayer(3), new DenseLayer(2)];
        var a = new Sequential(5, 4, 3, layers);
        var b = new Sequential(5, 4, 3, layers);
        var c = new Sequential(5, 4, 4, layers);

        Assert.Equal(a.Parameters.ToArray(), b.Parameters.ToArray());
        Assert.NotEqual(a.Parameters.ToArray(), c.Parameters.ToArray());
        Assert.All(a.Parameters[..80].ToArray(), v => Assert.InRange(v, -0.05f, 0.05f));
    }

    [Fact]
    public void Backward_accumulates_into_gradients()
    {
        Sequential model = ModelCases.Get("stacked_simple_lstm_gru").Build();
        var random = new Random(1);
        float[] input = ModelCases.Input(model, random);
        float[] dOut = ModelCases.Uniform(model.OutputSize, 1, random);
        var output = new float[model.OutputSize];

        model.Forward(input, output);
        model.Backward(dOut);
        float[] once = model.Gradients.ToArray();
        model.Backward(dOut);

        Assert.Contains(once, v => v != 0f);
        for (int i = 0; i < once.Length; i++) Assert.Equal(2 * once[i], model.Gradients[i], 1e-6f * Math.Max(1f, Math.Abs(once[i])));
    }

    [Fact]
    public void Backward_overwrites_the_input_gradient()
    {
        Sequential model = ModelCases.Get("mixed_gru_dense_rnn").Build();
        var random = new Random(2);
        float[] input = ModelCases.Input(model, random);
        float[] dOut = ModelCases.Uniform(model.OutputSize, 1, random);
        var output = new float[model.OutputSize];
        var clean = new float[model.InputSize];
        var dirty = Enumerable.Repeat(123f, model.InputSize).ToArray();

        model.Forward(input, output);
        model.Backward(dOut, clean);
        model.Backward(dOut, dirty);

        Assert.Equal(clean, dirty);
    }

    [Fact]
    public void Backward_without_Forward_throws()
    {
        var model = new Sequential(2, 2, 0, new SimpleRnnLayer(2));
        var output = new float[2];
        model.Predict(new float[4], output);

        Assert.Throws<InvalidOperationException>(() => model.Backward(new float[2]));
    }

    [Theory]
    [MemberData(nameof(GradientCheckTests.Cases), MemberType = typeof(GradientCheckTests))]
    public void Predict_equals_Forward(string name)
    {
        Sequential model = ModelCases.Get(name).Build(seed: 3);
        float[] input = ModelCases.Input(model, new Random(4));
        var predicted = new float[model.OutputSize];
        var forward = new float[model.OutputSize];

        model.Predict(input, predicted);
        model.Forward(input, forward);

        Assert.Equal(forward, predicted);
    }

    [Theory]
    [MemberData(nameof(GradientCheckTests.Cases), MemberType = typeof(GradientCheckTests))]
    public void Step_after_ResetState_equals_Predict(string name)
    {
        Sequential model = ModelCases.Get(name).Build(seed: 3);
        if (model.Layers.Any(l => l.GoBackwards))
        {
            Assert.Throws<NotSupportedException>(() => model.Step(new float[model.StepInputSize], new float[model.StepOutputSize]));
            return;
        }

        var random = new Random(6);
        for (int round = 0; round < 2; round++)
        {
            float[] input = ModelCases.Input(model, random);
            var expected = new float[model.OutputSize];
            model.Predict(input, expected);
            bool sequence = model.OutputSize == model.Timesteps * model.StepOutputSize && model.Layers[^1].ReturnSequences;

            model.ResetState();
            var y = new float[model.StepOutputSize];
            int width = model.StepInputSize;
            for (int t = 0; t < model.Timesteps; t++)
            {
                model.Step(input.AsSpan(t * width, width), y);
                if (sequence) AssertClose(expected.AsSpan(t * y.Length, y.Length), y);
            }

            if (!sequence) AssertClose(expected, y);
        }
    }

    [Fact]
    public void Predict_is_thread_safe_on_a_shared_instance()
    {
        Sequential model = ModelCases.Get("stacked_simple_lstm_gru").Build();
        var random = new Random(8);
        float[][] inputs = Enumerable.Range(0, 64).Select(_ => ModelCases.Input(model, random)).ToArray();
        float[][] expected = inputs.Select(x =>
        {
            var y = new float[model.OutputSize];
            model.Predict(x, y);
            return y;
        }).ToArray();

        var failures = 0;
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, worker =>
        {
            var y = new float[model.OutputSize];
            for (int round = 0; round < 200; round++)
            {
                int k = (round * 7 + worker * 13) % inputs.Length;
                model.Predict(inputs[k], y);
                if (!y.AsSpan().SequenceEqual(expected[k])) Interlocked.Increment(ref failures);
            }
        });

        Assert.Equal(0, failures);
    }

    [Theory]
    [InlineData("stacked_simple_lstm_gru")]
    [InlineData("embedding_lstm_dense")]
    [InlineData("gru_sigmoid_wide")]
    [InlineData("mixed_gru_dense_rnn")]
    public void Hot_paths_do_not_allocate_after_warm_up(string name)
    {
        Sequential model = ModelCases.Get(name).Build();
        var random = new Random(9);
        float[] input = ModelCases.Input(model, random);
        float[] dOut = ModelCases.Uniform(model.OutputSize, 1, random);
        var output = new float[model.OutputSize];
        var dIn = new float[model.InputSize];
        var y = new float[model.StepOutputSize];
        bool canStep = !model.Layers.Any(l => l.GoBackwards);

        void Run()
        {
            model.Predict(input, output);
            model.Forward(input, output);
            model.Backward(dOut);
            model.Backward(dOut, dIn);
            if (canStep)
            {
                model.ResetState();
                model.Step(input.AsSpan(0, model.StepInputSize), y);
            }
        }

        for (int i = 0; i < 3; i++) Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) Run();
        long after = GC.GetAllocatedBytesForCurrentThread();

        Assert.Equal(0, after - before);
    }

    [Fact]
    public void Wrong_span_lengths_throw_with_name_and_both_lengths()
    {
        var model = new Sequential(3, 2, 0, new SimpleRnnLayer(4), new DenseLayer(2));
        var output = new float[2];
        model.Forward(new float[6], output);

        AssertLength(() => model.Predict(new float[5], output), "input", 6, 5);
        AssertLength(() => model.Predict(new float[6], new float[3]), "output", 2, 3);
        AssertLength(() => model.Forward(new float[7], output), "input", 6, 7);
        AssertLength(() => model.Backward(new float[1]), "outputGradient", 2, 1);
        AssertLength(() => model.Backward(new float[2], new float[4]), "inputGradient", 6, 4);
        AssertLength(() => model.Step(new float[3], new float[2]), "x", 2, 3);
        AssertLength(() => model.Step(new float[2], new float[1]), "y", 2, 1);
    }

    [Fact]
    public void Token_id_out_of_range_throws_naming_the_id_and_its_position()
    {
        var model = new Sequential(4, 3, 0, new EmbeddingLayer(5, 3), new SimpleRnnLayer(2));
        var output = new float[2];

        var tooLarge = Assert.Throws<ArgumentOutOfRangeException>(() => model.Predict([0, 1, 5, 2], output));
        Assert.Equal("input", tooLarge.ParamName);
        Assert.Contains("5", tooLarge.Message);
        Assert.Contains("position 2", tooLarge.Message);

        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward([0, -1, 1, 2], output));
        Assert.Contains("position 1", negative.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Predict([0, 1, 1.5f, 2], output));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Predict([float.NaN, 1, 1, 2], output));

        model.ResetState();
        model.Step([4], output);
        var step = Assert.Throws<ArgumentOutOfRangeException>(() => model.Step([7], output));
        Assert.Equal("x", step.ParamName);
        Assert.Contains("position 1", step.Message);
    }

    [Fact]
    public void Embedding_model_takes_token_ids()
    {
        var model = new Sequential(6, 8, 0, new EmbeddingLayer(30, 8), new GruLayer(4));

        Assert.Equal(6, model.InputSize);
        Assert.Equal(1, model.StepInputSize);
        Assert.Equal(8, model.Features);
        Assert.Equal([6], model.Layers[0].InputShape);
        Assert.Equal([6, 8], model.Layers[0].OutputShape);
        Assert.Equal("embedding/embeddings", model.Layers[0].Tensors[0].Name);
    }

    [Fact]
    public void Invalid_stacks_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new Sequential(3, 4, 0, new SimpleRnnLayer(4, returnSequences: true), new EmbeddingLayer(5, 4)));
        var features = Assert.Throws<ArgumentException>(() => new Sequential(3, 2, 0, new EmbeddingLayer(5, 4)));
        Assert.Contains("expected 4, but got 2", features.Message);
        Assert.Throws<ArgumentException>(() => new Sequential(3, 2, 0, new SimpleRnnLayer(4), new LstmLayer(2)));
        Assert.Throws<ArgumentException>(() => new SimpleRnnLayer(4, Activation.Softmax));
        Assert.Throws<ArgumentException>(() => new Sequential(3, 2, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DenseLayer(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sequential(0, 2, 0, new DenseLayer(1)));
    }

    [Fact]
    public void Layer_configurations_can_be_shared_between_models()
    {
        Layer[] layers = [new LstmLayer(3, returnSequences: true), new DenseLayer(2)];
        var small = new Sequential(2, 2, 1, layers);
        var large = new Sequential(5, 4, 1, layers);

        Assert.Equal(4, small.OutputSize);
        Assert.Equal(10, large.OutputSize);
        Assert.NotEqual(small.ParameterCount, large.ParameterCount);
    }

    private static void AssertLength(Action action, string paramName, int expected, int actual)
    {
        var e = Assert.Throws<ArgumentException>(action);
        Assert.Equal(paramName, e.ParamName);
        Assert.Contains(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message);
        Assert.Contains(actual.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message);
    }

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6f * Math.Max(1f, Math.Abs(expected[i])), $"[{i}] expected {expected[i]}, got {actual[i]}");
        }
    }
}
