using RnnGen.Tests.Dynamic;

namespace RnnGen.Tests.Reference;

[RnnModel(6, 3)]
[Embedding(8, 3, MaskZero = true)]
[SimpleRnn(4)]
public partial class MaskTorchSrnn;

[RnnModel(6, 3, Unroll = UnrollMode.Loops)]
[Embedding(8, 3, MaskZero = true)]
[SimpleRnn(4)]
public partial class MaskTorchSrnnLoops;

[RnnModel(6, 3)]
[Embedding(8, 3, MaskZero = true)]
[SimpleRnn(4)]
[Dense(2)]
public partial class MaskTorchSrnnDense;

[RnnModel(6, 3, Unroll = UnrollMode.Loops)]
[Embedding(8, 3, MaskZero = true)]
[SimpleRnn(4)]
[Dense(2)]
public partial class MaskTorchSrnnDenseLoops;

[RnnModel(6, 3)]
[Embedding(9, 3, MaskZero = true)]
[Lstm(4)]
public partial class MaskTorchLstm;

[RnnModel(6, 3, Unroll = UnrollMode.Loops)]
[Embedding(9, 3, MaskZero = true)]
[Lstm(4)]
public partial class MaskTorchLstmLoops;

[RnnModel(5, 2)]
[Embedding(9, 2, MaskZero = true)]
[Lstm(5)]
[Dense(3, Activation = Activation.Softmax)]
public partial class MaskTorchLstmDense;

[RnnModel(5, 2, Unroll = UnrollMode.Loops)]
[Embedding(9, 2, MaskZero = true)]
[Lstm(5)]
[Dense(3, Activation = Activation.Softmax)]
public partial class MaskTorchLstmDenseLoops;

[RnnModel(6, 2)]
[Embedding(7, 2, MaskZero = true)]
[Gru(3)]
public partial class MaskTorchGru;

[RnnModel(6, 2, Unroll = UnrollMode.Loops)]
[Embedding(7, 2, MaskZero = true)]
[Gru(3)]
public partial class MaskTorchGruLoops;

[RnnModel(6, 4)]
[Embedding(10, 4, MaskZero = true)]
[Gru(4)]
[Dense(1, Activation = Activation.Sigmoid)]
public partial class MaskTorchGruDense;

[RnnModel(6, 4, Unroll = UnrollMode.Loops)]
[Embedding(10, 4, MaskZero = true)]
[Gru(4)]
[Dense(1, Activation = Activation.Sigmoid)]
public partial class MaskTorchGruDenseLoops;

/// <summary>
/// Embedding <c>MaskZero</c> models against PyTorch's <c>pack_padded_sequence</c> (<c>masking_pytorch.json</c>: nn.Embedding,
/// nn.RNN / nn.LSTM / nn.GRU on a packed batch of post-padded token ids, h_n, optionally nn.Linear; float64): Keras's masked
/// step, which carries the state, makes the last output the state after the last real token, which is what a packed
/// sequence computes. Generated models (as the generator chooses and forced into loops) and the dynamic layers, per
/// sample and in a batch, through the same assertions as the TensorFlow.js masking cases.
/// </summary>
public class MaskingVsPyTorchTests
{
    private const string FixtureFile = "masking_pytorch.json";

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (MaskCase c in Fixtures.MaskCases(FixtureFile))
        {
            foreach (string mode in MaskedReferenceModels.Modes) data.Add(c.Name, mode);
        }

        return data;
    }

    public static TheoryData<string> Names() => [.. Fixtures.MaskCases(FixtureFile).Select(c => c.Name)];

    private static IBatchModel Create(string name, string mode) => (name, mode) switch
    {
        ("mask_torch_srnn", "Auto") => new MaskTorchSrnn(),
        ("mask_torch_srnn", "Loops") => new MaskTorchSrnnLoops(),
        ("mask_torch_srnn_dense", "Auto") => new MaskTorchSrnnDense(),
        ("mask_torch_srnn_dense", "Loops") => new MaskTorchSrnnDenseLoops(),
        ("mask_torch_lstm", "Auto") => new MaskTorchLstm(),
        ("mask_torch_lstm", "Loops") => new MaskTorchLstmLoops(),
        ("mask_torch_lstm_dense", "Auto") => new MaskTorchLstmDense(),
        ("mask_torch_lstm_dense", "Loops") => new MaskTorchLstmDenseLoops(),
        ("mask_torch_gru", "Auto") => new MaskTorchGru(),
        ("mask_torch_gru", "Loops") => new MaskTorchGruLoops(),
        ("mask_torch_gru_dense", "Auto") => new MaskTorchGruDense(),
        ("mask_torch_gru_dense", "Loops") => new MaskTorchGruDenseLoops(),
        _ => throw new KeyNotFoundException($"No model for '{name}' in mode {mode}."),
    };

    private static MaskCase Case(string name) => Fixtures.MaskCases(FixtureFile).Single(c => c.Name == name);

    private static (MaskCase Case, IBatchModel Model) Load(string name, string mode)
    {
        MaskCase c = Case(name);
        IBatchModel model = Create(name, mode);
        Assert.Equal(c.Parameters.Length, model.ParameterCount);
        Fixtures.ToSingle(c.Parameters).CopyTo(model.Parameters);
        return (c, model);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_sample_matches_pack_padded_sequence(string name, string mode)
    {
        var (c, model) = Load(name, mode);
        MaskingVsFrameworksTests.AssertEachSample(c, model);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_batch_matches_pack_padded_sequence(string name, string mode)
    {
        var (c, model) = Load(name, mode);
        MaskingVsFrameworksTests.AssertBatch(c, model);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_dynamic_model_matches_pack_padded_sequence_per_sample(string name) => MaskingFixtureTests.AssertPerSample(Case(name));

    [Theory]
    [MemberData(nameof(Names))]
    public void The_dynamic_model_matches_pack_padded_sequence_batched(string name) => MaskingFixtureTests.AssertBatched(Case(name));

    [Fact]
    public void The_cases_are_post_padded_token_batches_of_every_kind()
    {
        IReadOnlyList<MaskCase> cases = Fixtures.MaskCases(FixtureFile);
        Assert.Equal([LayerKind.SimpleRnn, LayerKind.Lstm, LayerKind.Gru], cases.Select(c => c.Layers[1].Kind).Distinct());
        Assert.Contains(cases, c => c.Layers.Count == 2);
        Assert.Contains(cases, c => c.Layers[^1].Kind == LayerKind.Dense);
        foreach (MaskCase c in cases)
        {
            Assert.Equal(MaskKind.MaskZero, c.Mask.Kind);
            Assert.True(c.Layers[0].MaskZero, c.Name);
            Assert.Null(c.InputGradients);
            Assert.All(c.Layers.Where(l => l.Kind == LayerKind.Gru), l => Assert.True(l.ResetAfter)); // torch's GRU
            for (int s = 0; s < c.Inputs.Count; s++)
            {
                int length = c.Inputs[s].TakeWhile(token => token != 0).Count();
                Assert.True(length >= 1, $"{c.Name} sample {s} is empty (pack_padded_sequence needs a token)");
                Assert.All(c.Inputs[s].Skip(length), token => Assert.Equal(0, token)); // post-padded
                Assert.Equal(c.Inputs[s].Select(token => token == 0 ? 0.0 : 1.0), c.Masks[s]);
            }

            Assert.Contains(c.Inputs, row => row.Count(token => token != 0) == c.Timesteps);
            Assert.Contains(c.Inputs, row => row.Count(token => token != 0) == 1);
        }
    }
}
