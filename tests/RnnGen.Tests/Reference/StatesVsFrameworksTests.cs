namespace RnnGen.Tests.Reference;

/// <summary>
/// <c>Predict(input, output, initialState, finalState)</c> against PyTorch 1.13 (<c>h0</c>/<c>c0</c> in, <c>h_n</c>/<c>c_n</c>
/// out) and TensorFlow.js 4.22 (<c>initialState</c>, <c>returnState</c>) in every tier: simple, stacked, GoBackwards and
/// bidirectional layers, each state in the layout of <c>StateSize</c>.
/// </summary>
public class StatesVsFrameworksTests
{
    private const double Tolerance = 1e-5;

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (StateCase c in Fixtures.StateCases())
        {
            foreach (string mode in StateReferenceModels.Modes) data.Add(c.Name, mode);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Output_and_final_state_match_the_framework(string name, string mode)
    {
        StateCase c = Fixtures.StateCases().Single(s => s.Name == name);
        var (model, predict, stateSize) = StateReferenceModels.Create(name, mode);
        Assert.Equal(c.InitialState.Length, stateSize);
        Fixtures.ToSingle(c.Parameters).CopyTo(model.Parameters);
        var output = new float[model.OutputSize];
        var finalState = new float[stateSize];

        predict(Fixtures.ToSingle(c.Input), output, Fixtures.ToSingle(c.InitialState), finalState);

        GeneratedVsFrameworksTests.AssertClose(c.Output, output, Tolerance, "output");
        GeneratedVsFrameworksTests.AssertClose(c.FinalState, finalState, Tolerance, "final state");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_zero_state_gives_Predict_and_the_state_can_be_updated_in_place(string name, string mode)
    {
        StateCase c = Fixtures.StateCases().Single(s => s.Name == name);
        var (model, predict, stateSize) = StateReferenceModels.Create(name, mode);
        Fixtures.ToSingle(c.Parameters).CopyTo(model.Parameters);
        float[] input = Fixtures.ToSingle(c.Input);
        var expected = new float[model.OutputSize];
        var output = new float[model.OutputSize];
        model.Predict(input, expected);
        predict(input, output, new float[stateSize], new float[stateSize]);
        GeneratedVsFrameworksTests.AssertClose(expected.Select(v => (double)v).ToArray(), output, Tolerance, "output from a zero state");

        // one span as both initial and final state, and no allocation
        float[] state = Fixtures.ToSingle(c.InitialState);
        predict(input, output, state, state);
        GeneratedVsFrameworksTests.AssertClose(c.FinalState, state, Tolerance, "final state written over the initial state");
        long before = GC.GetAllocatedBytesForCurrentThread();
        predict(input, output, state, state);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Wrong_state_lengths_are_refused_with_the_lengths()
    {
        var model = new StateLstmGruStacked();
        var error = Assert.Throws<ArgumentException>(() => model.Predict(new float[StateLstmGruStacked.InputSize], new float[2], new float[3], new float[StateLstmGruStacked.StateSize]));
        Assert.Equal("initialState", error.ParamName);
        Assert.Contains($"length {StateLstmGruStacked.StateSize}", error.Message, StringComparison.Ordinal);
        Assert.Contains("length 3", error.Message, StringComparison.Ordinal);
        error = Assert.Throws<ArgumentException>(() => model.Predict(new float[StateLstmGruStacked.InputSize], new float[2], new float[StateLstmGruStacked.StateSize], new float[12]));
        Assert.Equal("finalState", error.ParamName);
    }
}
