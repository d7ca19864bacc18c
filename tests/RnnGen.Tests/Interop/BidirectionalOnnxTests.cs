using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace RnnGen.Tests.Interop;

[RnnModel(timesteps: 5, features: 3)]
[Lstm(4, Bidirectional = true, ReturnSequences = true)]
public partial class OnnxBiLstmSequenceModel;

[RnnModel(timesteps: 6, features: 2)]
[Gru(3, Bidirectional = true, Merge = MergeMode.Sum)]
[Dense(2)]
public partial class OnnxBiGruSumModel;

[RnnModel(timesteps: 5, features: 3)]
[Gru(3, ResetAfter = false, Bidirectional = true, ReturnSequences = true, Merge = MergeMode.Average)]
[Dense(2, Activation = Activation.Softmax)]
public partial class OnnxBiGruResetBeforeAverageModel;

[RnnModel(timesteps: 4, features: 2)]
[SimpleRnn(3, Bidirectional = true, Merge = MergeMode.Multiply)]
public partial class OnnxBiSrnnMultiplyModel;

[RnnModel(timesteps: 5, features: 3)]
[Lstm(3, Bidirectional = true, ReturnSequences = true)]
[Gru(2, Bidirectional = true, Merge = MergeMode.Average)]
[Dense(2)]
public partial class OnnxBiStackedModel;

// Affine and HardSigmoid take alpha/beta pairs, listed for the forward direction's functions, then the reverse's.
[RnnModel(timesteps: 4, features: 2)]
[Lstm(3, Activation = Activation.Linear, RecurrentActivation = Activation.HardSigmoid, Bidirectional = true, ReturnSequences = true, Merge = MergeMode.Sum)]
[SimpleRnn(2, Activation = Activation.Linear, Bidirectional = true)]
public partial class OnnxBiHardSigmoidModel;

[RnnModel(timesteps: 5, features: 3)]
[Lstm(4, ReturnSequences = true)]
[Gru(3, Bidirectional = true, Merge = MergeMode.Multiply)]
[Dense(2, Activation = Activation.Sigmoid)]
public partial class OnnxBiAfterPlainModel;

// GoBackwards on the forward layer: Keras 2's and tfjs's Bidirectional then run the backward copy forwards.
[RnnModel(timesteps: 5, features: 3)]
[Lstm(3, Bidirectional = true, ReturnSequences = true, GoBackwards = true)]
[Dense(2)]
public partial class OnnxBiGoBackwardsSequenceModel;

[RnnModel(timesteps: 5, features: 3)]
[Gru(3, Bidirectional = true, Merge = MergeMode.Sum, GoBackwards = true)]
public partial class OnnxBiGoBackwardsFinalModel;

/// <summary>
/// <see cref="ModelInterop.ExportOnnx"/> of Bidirectional layers (ONNX <c>direction = "bidirectional"</c>, then the
/// merge): ONNX Runtime reproduces <c>Predict</c> (1e-5) for each layer kind, each merge mode, returned sequences and
/// final states, on generated models, on their <see cref="BidirectionalReference"/> twins and on the same
/// models in <see cref="RnnGen.Dynamic"/> layers.
/// </summary>
public class BidirectionalOnnxTests
{
    private static BiLayerSpec Bi(LayerKind kind, int units, MergeMode merge = MergeMode.Concat, bool sequences = false, Activation activation = Activation.Tanh,
        bool resetAfter = true, bool goBackwards = false, Activation recurrent = Activation.Sigmoid) =>
        new(kind, units, activation, sequences, true, goBackwards, resetAfter, recurrent, Bidirectional: true, Merge: merge);

    private static BiLayerSpec Dense(int units, Activation activation = Activation.Linear) => new(LayerKind.Dense, units, activation);

    private static readonly Dictionary<string, (Func<IRnnModel>? Generated, Func<IRnnModel> Reference)> Cases = new()
    {
        ["lstm_concat_sequences"] = (() => new OnnxBiLstmSequenceModel(seed: 1), () => new BidirectionalReference(5, 3, Bi(LayerKind.Lstm, 4, sequences: true))),
        ["gru_sum"] = (() => new OnnxBiGruSumModel(seed: 2), () => new BidirectionalReference(6, 2, Bi(LayerKind.Gru, 3, MergeMode.Sum), Dense(2))),
        ["gru_reset_before_average_sequences"] = (() => new OnnxBiGruResetBeforeAverageModel(seed: 3), () => new BidirectionalReference(5, 3,
            Bi(LayerKind.Gru, 3, MergeMode.Average, sequences: true, resetAfter: false), Dense(2, Activation.Softmax))),
        ["simple_rnn_multiply"] = (() => new OnnxBiSrnnMultiplyModel(seed: 4), () => new BidirectionalReference(4, 2, Bi(LayerKind.SimpleRnn, 3, MergeMode.Multiply))),
        ["stacked_lstm_gru"] = (() => new OnnxBiStackedModel(seed: 5), () => new BidirectionalReference(5, 3,
            Bi(LayerKind.Lstm, 3, sequences: true), Bi(LayerKind.Gru, 2, MergeMode.Average), Dense(2))),
        ["hard_sigmoid_and_linear"] = (() => new OnnxBiHardSigmoidModel(seed: 6), () => new BidirectionalReference(4, 2,
            Bi(LayerKind.Lstm, 3, MergeMode.Sum, sequences: true, activation: Activation.Linear, recurrent: Activation.HardSigmoid),
            Bi(LayerKind.SimpleRnn, 2, activation: Activation.Linear))),
        ["after_a_plain_layer"] = (() => new OnnxBiAfterPlainModel(seed: 7), () => new BidirectionalReference(5, 3,
            new BiLayerSpec(LayerKind.Lstm, 4, Activation.Tanh, ReturnSequences: true), Bi(LayerKind.Gru, 3, MergeMode.Multiply), Dense(2, Activation.Sigmoid))),
        // GoBackwards on the forward layer (see OnnxBiGoBackwardsSequenceModel).
        ["go_backwards_sequences"] = (() => new OnnxBiGoBackwardsSequenceModel(seed: 8), () => new BidirectionalReference(5, 3, Bi(LayerKind.Lstm, 3, sequences: true, goBackwards: true), Dense(2))),
        ["go_backwards_final_states"] = (() => new OnnxBiGoBackwardsFinalModel(seed: 9), () => new BidirectionalReference(5, 3, Bi(LayerKind.Gru, 3, MergeMode.Sum, goBackwards: true))),
    };

    public static TheoryData<string, string> Models()
    {
        var data = new TheoryData<string, string>();
        foreach ((string name, (Func<IRnnModel>? generated, _)) in Cases)
        {
            data.Add(name, "reference");
            data.Add(name, "dynamic");
            if (generated is not null) data.Add(name, "generated");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Onnx_runtime_reproduces_Predict_of_a_bidirectional_model(string name, string variant)
    {
        IRnnModel model = variant switch
        {
            "generated" => Cases[name].Generated!(),
            "dynamic" => ((BidirectionalReference)Cases[name].Reference()).ToDynamic(seed: 3),
            _ => Cases[name].Reference(),
        };
        var random = new Random(21);
        Span<float> p = model.Parameters;
        double scale = name.Contains("hard_sigmoid", StringComparison.Ordinal) ? 3 : 1;
        for (int i = 0; i < p.Length; i++) p[i] = (float)((random.NextDouble() - 0.5) * scale);

        var input = new float[model.InputSize];
        for (int i = 0; i < input.Length; i++) input[i] = (float)(random.NextDouble() * 2 - 1);
        var expected = new float[model.OutputSize];
        model.Predict(input, expected);

        string path = Path.Combine(Path.GetTempPath(), $"rnngen-bi-{name}-{Guid.NewGuid():N}.onnx");
        try
        {
            model.ExportOnnx(path);
            using var session = new InferenceSession(path);
            using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results =
                session.Run([NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(input, [1, model.Timesteps, model.Features]))]);
            float[] actual = results.Single(r => r.Name == "output").AsEnumerable<float>().ToArray();
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5, $"{name}: output[{i}] is {actual[i]} in ONNX Runtime, {expected[i]} in Predict");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Exported_graph_declares_the_merged_output_shape()
    {
        var model = new BidirectionalReference(5, 3, Bi(LayerKind.Lstm, 4, sequences: true));
        string path = Path.Combine(Path.GetTempPath(), $"rnngen-bi-shape-{Guid.NewGuid():N}.onnx");
        try
        {
            model.ExportOnnx(path);
            using var session = new InferenceSession(path);
            Assert.Equal([1, 5, 8], session.OutputMetadata["output"].Dimensions);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
