using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RnnGen.Dynamic;

namespace RnnGen.Tests.Interop;

[RnnModel(timesteps: 5, features: 3)]
[Gru(4, ResetAfter = false, ReturnSequences = true)]
[Lstm(3)]
[Dense(2, Activation = Activation.Softmax)]
public partial class OnnxGeneratedModel;

/// <summary>
/// <see cref="ModelInterop.ExportOnnx"/>: ONNX Runtime runs the exported file to <c>Predict</c>'s output (1e-5) for
/// every layer kind and option ONNX can express.
/// </summary>
public class OnnxExportTests
{
    public static TheoryData<string> Models() => [.. Cases.Keys];

    private static readonly Dictionary<string, Func<IRnnModel>> Cases = new()
    {
        ["simple_rnn_dense_softmax"] = () => new Sequential(4, 3, 1, new SimpleRnnLayer(5), new DenseLayer(3, Activation.Softmax)),
        ["simple_rnn_relu_no_bias"] = () => new Sequential(4, 3, 1, new SimpleRnnLayer(5, Activation.Relu, useBias: false), new DenseLayer(2, useBias: false)),
        ["lstm"] = () => new Sequential(6, 2, 2, new LstmLayer(4), new DenseLayer(1, Activation.Sigmoid)),
        ["lstm_sigmoid_sequences"] = () => new Sequential(3, 2, 2, new LstmLayer(3, Activation.Sigmoid, returnSequences: true)),
        ["gru_reset_after"] = () => new Sequential(5, 3, 3, new GruLayer(4), new DenseLayer(2, Activation.Tanh)),
        ["gru_reset_before"] = () => new Sequential(5, 3, 3, new GruLayer(4, resetAfter: false), new DenseLayer(2, Activation.Relu)),
        ["stacked_backwards"] = () => new Sequential(5, 3, 4,
            new LstmLayer(4, returnSequences: true), new GruLayer(3, returnSequences: true, goBackwards: true),
            new SimpleRnnLayer(3, goBackwards: true), new DenseLayer(2)),
        ["sequence_dense_per_timestep"] = () => new Sequential(4, 2, 5, new GruLayer(3, returnSequences: true, goBackwards: true), new DenseLayer(2, Activation.Softmax)),
        ["embedding_gru"] = () => new Sequential(6, 3, 6, new EmbeddingLayer(10, 3), new GruLayer(4), new DenseLayer(2, Activation.Softmax)),
        ["linear_recurrent"] = () => new Sequential(4, 2, 8, new SimpleRnnLayer(3, Activation.Linear, returnSequences: true),
            new LstmLayer(3, Activation.Linear, returnSequences: true), new GruLayer(2, Activation.Linear)),
        ["generated_gru_lstm"] = () => new OnnxGeneratedModel(seed: 7),
        ["lstm_hard_sigmoid_tfjs_defaults"] = () => new Sequential(4, 3, 9, new LstmLayer(5, recurrentActivation: Activation.HardSigmoid), new DenseLayer(2)),
        ["gru_hard_sigmoid_tfjs_defaults"] = () => new Sequential(5, 2, 10, new GruLayer(4, returnSequences: true, resetAfter: false, recurrentActivation: Activation.HardSigmoid), new DenseLayer(2, Activation.Tanh)),
        ["gru_reset_after_hard_sigmoid"] = () => new Sequential(5, 2, 11, new GruLayer(4, recurrentActivation: Activation.HardSigmoid), new DenseLayer(2)),
        // Affine and HardSigmoid both take alpha and beta: the pairs must be listed in the activations' order.
        ["hard_sigmoid_with_linear"] = () => new Sequential(4, 2, 12, new SimpleRnnLayer(3, Activation.HardSigmoid, returnSequences: true),
            new LstmLayer(3, Activation.Linear, returnSequences: true, recurrentActivation: Activation.HardSigmoid),
            new GruLayer(2, Activation.Linear, recurrentActivation: Activation.HardSigmoid), new DenseLayer(2, Activation.HardSigmoid)),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Onnx_runtime_reproduces_Predict(string name)
    {
        IRnnModel model = Cases[name]();
        var random = new Random(11);
        Span<float> p = model.Parameters;
        // Non-zero biases too; hard-sigmoid models get weights wide enough that gates saturate past ±2.5.
        double scale = name.Contains("hard_sigmoid", StringComparison.Ordinal) ? 3 : 1;
        for (int i = 0; i < p.Length; i++) p[i] = (float)((random.NextDouble() - 0.5) * scale);

        bool tokens = model.Layers[0].Kind == LayerKind.Embedding;
        var input = new float[model.InputSize];
        for (int i = 0; i < input.Length; i++) input[i] = tokens ? random.Next(10) : (float)(random.NextDouble() * 2 - 1);
        var expected = new float[model.OutputSize];
        model.Predict(input, expected);

        string path = Path.Combine(Path.GetTempPath(), $"rnngen-{name}-{Guid.NewGuid():N}.onnx");
        try
        {
            model.ExportOnnx(path);
            using var session = new InferenceSession(path);
            int[] shape = tokens ? [1, model.Timesteps] : [1, model.Timesteps, model.Features];
            using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results =
                session.Run([NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(input, shape))]);
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
}
