namespace RnnGen.Tests.Generated;

[RnnModel(6, 3)]
[Gru(4, ReturnSequences = true)]
[Lstm(5)]
public partial class StateGruLstm;

[RnnModel(6, 3, Unroll = UnrollMode.Loops)]
[Gru(4, ReturnSequences = true)]
[Lstm(5)]
public partial class StateGruLstmLoops;

[RnnModel(6, 3, Unroll = UnrollMode.Full)]
[Gru(4, ReturnSequences = true)]
[Lstm(5)]
public partial class StateGruLstmFull;

[RnnModel(6, 3, Unroll = UnrollMode.Vector)]
[Gru(4, ReturnSequences = true)]
[Lstm(5)]
public partial class StateGruLstmVector;

/// <summary>
/// Step's state through <c>StateSize</c>, <c>ReadState</c> and <c>WriteState</c> (DESIGN "States"): every recurrent
/// layer's state in layer order, h then c for an Lstm, in every tier.
/// </summary>
public class StreamingStateTests
{
    public static TheoryData<string> Tiers() => new() { "Auto", "Loops", "Full", "Vector" };

    /// <summary>The tier's model, its StateSize, and its ReadState / WriteState.</summary>
    private static (IRnnModel Model, int StateSize, Action<float[]> Read, Action<float[]> Write) Create(string tier)
    {
        switch (tier)
        {
            case "Loops": { var m = new StateGruLstmLoops(seed: 4); return (m, StateGruLstmLoops.StateSize, s => m.ReadState(s), s => m.WriteState(s)); }
            case "Full": { var m = new StateGruLstmFull(seed: 4); return (m, StateGruLstmFull.StateSize, s => m.ReadState(s), s => m.WriteState(s)); }
            case "Vector": { var m = new StateGruLstmVector(seed: 4); return (m, StateGruLstmVector.StateSize, s => m.ReadState(s), s => m.WriteState(s)); }
            default: { var m = new StateGruLstm(seed: 4); return (m, StateGruLstm.StateSize, s => m.ReadState(s), s => m.WriteState(s)); }
        }
    }

    private static float[] X(int t) => new[] { MathF.Sin(t), MathF.Cos(0.5f * t), 0.1f * t - 0.3f };

    [Theory]
    [MemberData(nameof(Tiers))]
    public void The_state_is_each_layer_in_order_h_then_c_for_an_lstm(string tier)
    {
        var (model, size, read, _) = Create(tier);
        Assert.Equal(4 + 2 * 5, size);
        var y = new float[5];
        for (int t = 0; t < 3; t++) model.Step(X(t), y);

        var state = new float[size];
        read(state);
        // the last layer is the Lstm: its h (after the Gru's 4 floats) is the step's output
        Assert.Equal(y, state.AsSpan(4, 5).ToArray());
        Assert.Contains(state.AsSpan(9, 5).ToArray(), c => c != 0f);
    }

    [Theory]
    [MemberData(nameof(Tiers))]
    public void Writing_a_saved_state_resumes_the_stream_exactly(string tier)
    {
        var (m, size, read, write) = Create(tier);
        var y = new float[5];
        for (int t = 0; t < 3; t++) m.Step(X(t), y);
        var saved = new float[size];
        read(saved);

        var first = new float[3][];
        for (int t = 3; t < 6; t++) { m.Step(X(t), y); first[t - 3] = (float[])y.Clone(); }

        m.ResetState();
        write(saved);
        for (int t = 3; t < 6; t++) { m.Step(X(t), y); Assert.Equal(first[t - 3], y); }

        // and the stream from the start equals Predict on the whole sequence
        m.ResetState();
        var input = new float[6 * 3];
        for (int t = 0; t < 6; t++) X(t).CopyTo(input, t * 3);
        for (int t = 0; t < 6; t++) m.Step(X(t), y);
        var predicted = new float[5];
        m.Predict(input, predicted);
        for (int j = 0; j < 5; j++) Assert.Equal(predicted[j], y[j], 5);
    }

    [Fact]
    public void A_state_of_the_wrong_length_is_refused_with_both_lengths()
    {
        var model = new StateGruLstm(seed: 1);
        var error = Assert.Throws<ArgumentException>(() => model.ReadState(new float[3]));
        Assert.Contains("14", error.Message);
        Assert.Contains("3", error.Message);
        Assert.Throws<ArgumentException>(() => model.WriteState(new float[15]));
    }
}
