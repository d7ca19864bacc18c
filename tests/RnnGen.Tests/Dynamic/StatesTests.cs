using RnnGen.Dynamic;
using static RnnGen.Tests.Dynamic.MaskingCases;

namespace RnnGen.Tests.Dynamic;

/// <summary>
/// Recurrent states on dynamic models: <see cref="Sequential.StateSize"/>, Predict from an initial state against
/// <see cref="MaskedReference"/> (with and without masks, GoBackwards, Bidirectional), and Step's state through
/// <see cref="Sequential.ReadState"/> and <see cref="Sequential.WriteState"/>.
/// </summary>
public class StatesTests
{
    public static TheoryData<string> StateModels() =>
    [
        "plain_stacked", "plain_backwards", "plain_bidi", "masking_lstm_last", "masking_gru_reset_before_sequences",
        "masking_backwards_stacked", "masking_bidi_lstm_sequences", "masking_bidi_stacked", "mask_zero_lstm_gru",
    ];

    [Fact]
    public void StateSize_counts_h_per_SimpleRnn_and_Gru_h_and_c_per_Lstm_and_both_directions()
    {
        Assert.Equal(4 + 2 * 3 + 2, Model("plain_stacked").StateSize);
        Assert.Equal(2 * 2 * 3, new Sequential(4, 2, 0, new BidirectionalLayer(new LstmLayer(3)), new DenseLayer(1)).StateSize);
        Assert.Equal(0, new Sequential(4, 2, 0, new DenseLayer(3)).StateSize);
    }

    [Theory]
    [MemberData(nameof(StateModels))]
    public void Predict_from_an_initial_state_matches_the_reference(string name)
    {
        (Case c, Sequential model) = Prepared(name, out Random random);
        float[] initial = ModelCases.Uniform(model.StateSize, 1.0, random);

        // A mask with a masked first step: the carried output is zero while the state stays as given.
        bool[] mask = [false, true, true, false, true, false];
        float[] input = c.Layers[0] is MaskingLayer or EmbeddingLayer { MaskZero: true } ? Input(c, mask, random) : ModelCases.Input(model, random);
        bool[]? referenceMask = c.Layers[0] is MaskingLayer or EmbeddingLayer { MaskZero: true } ? mask : null;

        var output = new float[model.OutputSize];
        var final = new float[model.StateSize];
        model.Predict(input, output, initial, final);
        (double[] expected, double[] expectedFinal) = MaskedReference.Forward(
            c.Timesteps, c.Features, c.Layers, ToDouble(model.Parameters), ToDouble(input), referenceMask, ToDouble(initial));
        MaskingTests.AssertClose(expected, output, 1e-5, "output");
        MaskingTests.AssertClose(expectedFinal, final, 1e-5, "final state");
    }

    [Theory]
    [MemberData(nameof(StateModels))]
    public void Predict_from_a_zero_state_is_Predict(string name)
    {
        (Case c, Sequential model) = Prepared(name, out Random random);
        float[] input = c.Layers[0] is MaskingLayer or EmbeddingLayer { MaskZero: true } ? Input(c, MixedMask, random) : ModelCases.Input(model, random);
        var expected = new float[model.OutputSize];
        var output = new float[model.OutputSize];
        model.Predict(input, expected);
        model.Predict(input, output, new float[model.StateSize], new float[model.StateSize]);
        Assert.Equal(expected, output);
    }

    [Theory]
    [InlineData("plain_stacked", false)]
    [InlineData("masking_lstm_sequences", true)]
    [InlineData("masking_gru_reset_before_sequences", true)]
    [InlineData("mask_zero_lstm_gru", true)]
    public void Step_from_WriteState_matches_Predict_from_that_state(string name, bool masked)
    {
        (Case c, Sequential model) = Prepared(name, out Random random);
        float[] initial = ModelCases.Uniform(model.StateSize, 1.0, random);
        float[] input = masked ? Input(c, [false, true, true, false, true, false], random) : ModelCases.Input(model, random);
        var output = new float[model.OutputSize];
        var final = new float[model.StateSize];
        model.Predict(input, output, initial, final);

        model.WriteState(initial);
        var y = new float[model.StepOutputSize];
        int width = model.StepInputSize;
        bool sequences = model.OutputSize == c.Timesteps * y.Length;
        for (int t = 0; t < c.Timesteps; t++)
        {
            model.Step(input.AsSpan(t * width, width), y);
            if (sequences) MaskingTests.AssertClose(ToDouble(output.AsSpan(t * y.Length, y.Length)), y, 1e-6, $"step {t}");
        }

        if (!sequences) MaskingTests.AssertClose(ToDouble(output), y, 1e-6, "last step");
        var state = new float[model.StateSize];
        model.ReadState(state);
        MaskingTests.AssertClose(ToDouble(final), state, 1e-6, "state after the last step");
    }

    [Fact]
    public void ReadState_gives_zeros_after_ResetState_and_what_WriteState_set()
    {
        Sequential model = Model("plain_stacked");
        var y = new float[model.StepOutputSize];
        model.Step([0.5f, -0.25f, 1f], y);
        var state = new float[model.StateSize];
        model.ReadState(state);
        Assert.Contains(state, v => v != 0f);
        model.ResetState();
        model.ReadState(state);
        Assert.All(state, v => Assert.Equal(0f, v));

        float[] written = ModelCases.Uniform(model.StateSize, 1.0, new Random(2));
        model.WriteState(written);
        model.ReadState(state);
        Assert.Equal(written, state);
    }

    [Fact]
    public void Wrong_state_lengths_throw_ArgumentException_naming_the_span()
    {
        Sequential model = Model("plain_stacked");
        var input = new float[model.InputSize];
        var output = new float[model.OutputSize];
        var state = new float[model.StateSize];
        Assert.Equal("initialState", Assert.Throws<ArgumentException>(() => model.Predict(input, output, new float[model.StateSize - 1], state)).ParamName);
        Assert.Equal("finalState", Assert.Throws<ArgumentException>(() => model.Predict(input, output, state, new float[model.StateSize + 1])).ParamName);
        Assert.Equal("state", Assert.Throws<ArgumentException>(() => model.ReadState(new float[1])).ParamName);
        Assert.Equal("state", Assert.Throws<ArgumentException>(() => model.WriteState(new float[1])).ParamName);
    }

    [Fact]
    public void A_model_that_cannot_Step_has_no_streaming_state()
    {
        Sequential model = Model("plain_bidi");
        Assert.Throws<NotSupportedException>(() => model.ReadState(new float[model.StateSize]));
        Assert.Throws<NotSupportedException>(() => model.WriteState(new float[model.StateSize]));
    }

    private static readonly Case[] Plain =
    [
        new("plain_stacked", 6, 3, [new SimpleRnnLayer(4, returnSequences: true), new LstmLayer(3, returnSequences: true), new GruLayer(2), new DenseLayer(2)]),
        new("plain_backwards", 6, 2, [new LstmLayer(3, returnSequences: true, goBackwards: true), new GruLayer(3, goBackwards: true, resetAfter: false), new DenseLayer(1)]),
        new("plain_bidi", 6, 2, [new BidirectionalLayer(new GruLayer(3, returnSequences: true)), new BidirectionalLayer(new LstmLayer(2), MergeMode.Sum)]),
    ];

    private static Case Find(string name) => Array.Find(Plain, c => c.Name == name) ?? Get(name);

    private static Sequential Model(string name) => Find(name).Build();

    private static (Case, Sequential) Prepared(string name, out Random random)
    {
        Case c = Find(name);
        Sequential model = c.Build();
        random = new Random(name.Length);
        ModelCases.Uniform(model.ParameterCount, 0.5, random).CopyTo(model.Parameters);
        return (c, model);
    }
}
