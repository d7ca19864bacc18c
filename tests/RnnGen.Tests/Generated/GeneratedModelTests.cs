using RnnGen.Dynamic;
using RnnGen.Tests.Dynamic;
using RnnGen.Tests.Helpers;
using RnnGen.Tests.Reference;

namespace RnnGen.Tests.Generated;

/// <summary>The behaviour DESIGN.md promises of every generated model.</summary>
public class GeneratedModelTests
{
    public static TheoryData<string, string> AllModels()
    {
        var data = new TheoryData<string, string>();
        foreach (LayerCase c in Fixtures.ReferenceCaseFiles.SelectMany(Fixtures.LayerCases))
        {
            foreach (string mode in ReferenceModels.Modes) if (ReferenceModels.Has(c.Name, mode)) data.Add(c.Name, mode);
        }

        return data;
    }

    [Fact]
    public void Seed_example_outputs_exactly_the_keras_values()
    {
        var model = new SeedExampleModel();
        float[] kernel = [1, 0, 2, 2, 1, 3];
        float[] recurrent = [1, 2, 1, 1, 0, 1, 0, 1, 0];
        float[] bias = [0, 0, 1];
        kernel.CopyTo(model.Parameters);
        recurrent.CopyTo(model.Parameters[6..]);
        bias.CopyTo(model.Parameters[15..]);
        var output = new float[SeedExampleModel.OutputSize];

        model.Predict([1, 3, 1, 1, 2, 3], output);

        Assert.Equal([7, 3, 12, 13, 27, 16, 48, 45, 54], output);
    }

    [Fact]
    public void Parameter_counts_match_keras_and_the_summary_shows_them()
    {
        Assert.Equal(47, LetterModel.ParameterCount);
        Assert.Equal(22, Count22Model.ParameterCount);
        Assert.Equal(33, Count33Model.ParameterCount);
        Assert.Equal([27, 20], LetterModel.Layers.Select(l => l.ParameterCount));
        Assert.Equal([18, 4], Count22Model.Layers.Select(l => l.ParameterCount));
        Assert.Equal([28, 5], Count33Model.Layers.Select(l => l.ParameterCount));

        string summary = LetterModel.Summary;
        Assert.Contains(" simple_rnn (SimpleRNN)      (None, 3)                 27", summary, StringComparison.Ordinal);
        Assert.Contains(" dense (Dense)               (None, 5)                 20", summary, StringComparison.Ordinal);
        Assert.Contains("Total params: 47", summary, StringComparison.Ordinal);
        Assert.Contains("Total params: 22", Count22Model.Summary, StringComparison.Ordinal);
        Assert.Contains("Total params: 33", Count33Model.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Layers_name_every_tensor_as_keras_does()
    {
        Assert.Equal(
            ["simple_rnn/kernel", "simple_rnn/recurrent_kernel", "simple_rnn/bias", "dense/kernel", "dense/bias"],
            LetterModel.Layers.SelectMany(l => l.Tensors).Select(t => t.Name));
        Assert.Equal(
            ["embedding/embeddings", "gru/kernel", "gru/recurrent_kernel", "gru/bias", "lstm/kernel", "lstm/recurrent_kernel", "lstm/bias", "dense/kernel", "dense/bias"],
            EmbGruLstm.Layers.SelectMany(l => l.Tensors).Select(t => t.Name));
        Assert.Equal([2, 15], EmbGruLstm.Layers[1].Tensors[2].Shape);
    }

    [Fact]
    public void Same_seed_gives_the_same_weights_as_the_dynamic_layers()
    {
        var generated = new Mixed(seed: 11);
        var dynamic = new Sequential(5, 3, 11, new SimpleRnnLayer(4, returnSequences: true), new GruLayer(3, returnSequences: true), new LstmLayer(3), new DenseLayer(2));

        Assert.Equal(dynamic.Parameters.ToArray(), generated.Parameters.ToArray());
        Assert.NotEqual(generated.Parameters.ToArray(), new Mixed(seed: 12).Parameters.ToArray());
        // LSTM unit_forget_bias: the forget block of the bias starts at 1.
        LayerInfo lstm = Mixed.Layers[2];
        Assert.All(generated.Parameters.Slice(lstm.Tensors[2].Offset + 3, 3).ToArray(), v => Assert.Equal(1f, v));
    }

    [Theory]
    [MemberData(nameof(AllModels))]
    public void Backward_matches_finite_differences_in_double(string name, string mode)
    {
        LayerCase c = Fixtures.ReferenceCase(name);
        IRnnModel model = GeneratedVsFrameworksTests.Load(c, mode);
        Layer[] layers = DynamicLayers(c);
        var output = new float[model.OutputSize];
        var inputGradient = new float[model.InputSize];
        double[] parameters = c.Parameters.Select(v => (double)(float)v).ToArray();
        double[] input = c.Input.Select(v => (double)(float)v).ToArray();
        double[] g = c.OutputGradient.Select(v => (double)(float)v).ToArray();

        model.Forward(Fixtures.ToSingle(c.Input), output);
        model.Backward(Fixtures.ToSingle(c.OutputGradient), inputGradient);

        double Loss(double[] p, double[] x)
        {
            double[] y = DoubleReference.Forward(c.Timesteps, c.Features, layers, p, x);
            double loss = 0;
            for (int i = 0; i < y.Length; i++) loss += y[i] * g[i];
            return loss;
        }

        const double h = 1e-6;
        // Every parameter of small models; an even spread of 200 for the large ones.
        int stride = Math.Max(1, parameters.Length / 200);
        for (int i = 0; i < parameters.Length; i += stride)
        {
            double[] plus = (double[])parameters.Clone(), minus = (double[])parameters.Clone();
            plus[i] += h;
            minus[i] -= h;
            double expected = (Loss(plus, input) - Loss(minus, input)) / (2 * h);
            Assert.True(Math.Abs(model.Gradients[i] - expected) <= 1e-4 * Math.Max(1, Math.Abs(expected)),
                $"dL/dp[{i}] = {model.Gradients[i]}, finite difference {expected}");
        }

        if (layers[0] is EmbeddingLayer) return;
        for (int i = 0; i < input.Length; i++)
        {
            double[] plus = (double[])input.Clone(), minus = (double[])input.Clone();
            plus[i] += h;
            minus[i] -= h;
            double expected = (Loss(parameters, plus) - Loss(parameters, minus)) / (2 * h);
            Assert.True(Math.Abs(inputGradient[i] - expected) <= 1e-4 * Math.Max(1, Math.Abs(expected)),
                $"dL/dx[{i}] = {inputGradient[i]}, finite difference {expected}");
        }
    }

    [Theory]
    [MemberData(nameof(AllModels))]
    public void Generated_and_dynamic_models_agree_on_random_weights(string name, string mode)
    {
        LayerCase c = Fixtures.ReferenceCase(name);
        var random = new Random(name.Length * 31 + mode.Length);
        var dynamic = new Sequential(c.Timesteps, c.Features, 1, DynamicLayers(c));
        IRnnModel generated = ReferenceModels.Create(name, mode);
        for (int i = 0; i < dynamic.ParameterCount; i++) dynamic.Parameters[i] = (float)(random.NextDouble() - 0.5);
        dynamic.Parameters.CopyTo(generated.Parameters);
        float[] input = RandomInput(c, random);
        float[] dOut = Enumerable.Range(0, generated.OutputSize).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var a = new float[generated.OutputSize];
        var b = new float[generated.OutputSize];
        var dxA = new float[generated.InputSize];
        var dxB = new float[generated.InputSize];

        generated.Predict(input, a);
        dynamic.Predict(input, b);
        AssertClose(b, a, "Predict");
        generated.Forward(input, a);
        dynamic.Forward(input, b);
        AssertClose(b, a, "Forward");
        generated.Backward(dOut, dxA);
        dynamic.Backward(dOut, dxB);
        AssertClose(dynamic.Gradients.ToArray(), generated.Gradients.ToArray(), "parameter gradient");
        AssertClose(dxB, dxA, "input gradient");
    }

    [Theory]
    [MemberData(nameof(AllModels))]
    public void Backward_accumulates_into_gradients(string name, string mode)
    {
        LayerCase c = Fixtures.ReferenceCase(name);
        IRnnModel model = GeneratedVsFrameworksTests.Load(c, mode);
        var output = new float[model.OutputSize];
        float[] input = Fixtures.ToSingle(c.Input), dOut = Fixtures.ToSingle(c.OutputGradient);

        model.Forward(input, output);
        model.Backward(dOut);
        float[] once = model.Gradients.ToArray();
        model.Forward(input, output);
        model.Backward(dOut);

        for (int i = 0; i < once.Length; i++)
        {
            Assert.Equal(2 * once[i], model.Gradients[i], 1e-5f * Math.Max(1, Math.Abs(once[i])));
        }
    }

    [Theory]
    [MemberData(nameof(AllModels))]
    public void Step_over_the_sequence_equals_Predict(string name, string mode)
    {
        LayerCase c = Fixtures.ReferenceCase(name);
        IRnnModel model = GeneratedVsFrameworksTests.Load(c, mode);
        float[] input = Fixtures.ToSingle(c.Input);
        var predicted = new float[model.OutputSize];
        model.Predict(input, predicted);
        int width = model.InputSize / model.Timesteps;
        var y = new float[model.StepOutputSize];

        if (c.Layers.Any(l => l.GoBackwards))
        {
            Assert.Throws<NotSupportedException>(() => model.Step(input.AsSpan(0, width), y));
            return;
        }

        model.Step(input.AsSpan(0, width), y); // dirty the state first: ResetState must clear it
        model.ResetState();
        bool sequenceOutput = model.OutputSize != model.StepOutputSize; // Timesteps * units

        for (int t = 0; t < model.Timesteps; t++)
        {
            model.Step(input.AsSpan(t * width, width), y);
            if (sequenceOutput)
            {
                AssertClose(predicted.AsSpan(t * y.Length, y.Length).ToArray(), y, $"timestep {t}");
            }
        }

        if (!sequenceOutput) AssertClose(predicted, y, "last step");
    }

    [Theory]
    [MemberData(nameof(AllModels))]
    public void Hot_paths_allocate_nothing(string name, string mode)
    {
        LayerCase c = Fixtures.ReferenceCase(name);
        IRnnModel model = GeneratedVsFrameworksTests.Load(c, mode);
        float[] input = Fixtures.ToSingle(c.Input), dOut = Fixtures.ToSingle(c.OutputGradient);
        var output = new float[model.OutputSize];
        var dx = new float[model.InputSize];
        var y = new float[model.StepOutputSize];
        bool canStep = !c.Layers.Any(l => l.GoBackwards);
        int width = model.InputSize / model.Timesteps;

        void Run()
        {
            model.Predict(input, output);
            model.Forward(input, output);
            model.Backward(dOut);
            model.Backward(dOut, dx);
            if (canStep)
            {
                model.ResetState();
                model.Step(input.AsSpan(0, width), y);
            }
        }

        // warmed up once (JIT, and the per-thread Predict buffer of large models), then 20 calls per round
        Assert.Equal(0, Allocations.SteadyState(Run, calls: 20));
    }

    [Fact]
    public void Spans_of_the_wrong_length_throw_naming_both_lengths()
    {
        var model = new LetterModel();
        var e = Assert.Throws<ArgumentException>(() => model.Predict(new float[4], new float[5]));
        Assert.Equal("input", e.ParamName);
        Assert.Contains("length 5", e.Message, StringComparison.Ordinal);
        Assert.Contains("length 4", e.Message, StringComparison.Ordinal);

        e = Assert.Throws<ArgumentException>(() => model.Forward(new float[5], new float[6]));
        Assert.Equal("output", e.ParamName);
        Assert.Contains("length 6", e.Message, StringComparison.Ordinal);

        model.Forward(new float[5], new float[5]);
        e = Assert.Throws<ArgumentException>(() => model.Backward(new float[5], new float[3]));
        Assert.Equal("inputGradient", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => model.Backward(new float[2]));
        Assert.Equal("outputGradient", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => model.Step(new float[3], new float[5]));
        Assert.Equal("x", e.ParamName);
    }

    [Theory]
    [InlineData("Auto")]
    [InlineData("Loops")]
    public void Softmax_output_stays_finite_for_huge_logits(string mode)
    {
        IRnnModel model = ReferenceModels.Create("srnn_letter", mode);
        model.Parameters[^5] = 500f; // dense bias of class 0
        model.Parameters[^4] = 450f;
        var output = new float[model.OutputSize];

        model.Predict([1, 0, 0, 0, 0], output);

        Assert.All(output, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(1f, output[0], 5);
    }

    [Fact]
    public void Backward_without_Forward_throws()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new LetterModel().Backward(new float[5]));
        Assert.Contains("Forward", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(11f, "Token id 11 at position 3")]
    [InlineData(-1f, "Token id -1 at position 3")]
    [InlineData(2.5f, "Token id 2.5 at position 3")]
    public void Token_out_of_range_throws_naming_the_id_and_position(float id, string message)
    {
        var model = new EmbGruLstm();
        float[] tokens = [1, 2, 3, id, 4, 5, 6];
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.Predict(tokens, new float[1]));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Contains("[0, 11)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Token_models_accept_int_ids_and_stream_tokens()
    {
        var model = new EmbSrnn(seed: 3);
        int[] tokens = [1, 8, 0, 4, 4, 2];
        var fromInts = new float[EmbSrnn.OutputSize];
        var fromFloats = new float[EmbSrnn.OutputSize];
        var stepped = new float[EmbSrnn.StepOutputSize];

        model.Predict(tokens, fromInts);
        model.Predict(tokens.Select(t => (float)t).ToArray(), fromFloats);
        model.ResetState();
        foreach (int token in tokens) model.Step(token, stepped);

        Assert.Equal(fromFloats, fromInts);
        AssertClose(fromFloats, stepped, "streamed tokens");
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Step(9, stepped));
    }

    [Fact]
    public void Predict_is_safe_to_call_concurrently_on_one_instance()
    {
        var model = new LstmLong45();
        LayerCase c = Fixtures.LayerCase("layers_pytorch.json", "lstm_long45");
        Fixtures.ToSingle(c.Parameters).CopyTo(model.Parameters);
        float[] input = Fixtures.ToSingle(c.Input);
        var expected = new float[LstmLong45.OutputSize];
        model.Predict(input, expected);

        Parallel.For(0, 8, _ =>
        {
            var output = new float[LstmLong45.OutputSize];
            for (int i = 0; i < 200; i++)
            {
                model.Predict(input, output);
                Assert.Equal(expected, output);
            }
        });
    }

    internal static Layer[] DynamicLayers(LayerCase c) => c.Layers.Select(l => l.Kind switch
    {
        LayerKind.SimpleRnn => (Layer)new SimpleRnnLayer(l.Units, l.Activation, l.ReturnSequences, l.UseBias, l.GoBackwards),
        LayerKind.Lstm => new LstmLayer(l.Units, l.Activation, l.ReturnSequences, l.UseBias, l.GoBackwards, l.RecurrentActivation),
        LayerKind.Gru => new GruLayer(l.Units, l.Activation, l.ReturnSequences, l.UseBias, l.GoBackwards, l.ResetAfter, l.RecurrentActivation),
        LayerKind.Dense => new DenseLayer(l.Units, l.Activation, l.UseBias),
        _ => new EmbeddingLayer(l.InputDim, l.OutputDim),
    }).ToArray();

    private static float[] RandomInput(LayerCase c, Random random)
    {
        if (c.Layers[0].Kind == LayerKind.Embedding)
        {
            return Enumerable.Range(0, c.Timesteps).Select(_ => (float)random.Next(c.Layers[0].InputDim)).ToArray();
        }

        return Enumerable.Range(0, c.Timesteps * c.Features).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    private static void AssertClose(float[] expected, float[] actual, string what) =>
        GeneratedVsFrameworksTests.AssertClose(expected.Select(v => (double)v).ToArray(), actual, 1e-5, what);
}
