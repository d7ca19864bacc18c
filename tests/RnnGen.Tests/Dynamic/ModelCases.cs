using RnnGen.Dynamic;

namespace RnnGen.Tests.Dynamic;

/// <summary>Named model shapes used by the gradient checks and the streaming tests.</summary>
internal static class ModelCases
{
    public sealed record Case(string Name, int Timesteps, int Features, Layer[] Layers)
    {
        public Sequential Build(int seed = 7) => new(Timesteps, Features, seed, Layers);

        public override string ToString() => Name;
    }

    public static readonly Case[] All =
    [
        new("simple_rnn_tanh_last", 4, 3, [new SimpleRnnLayer(5)]),
        new("simple_rnn_relu_sequences", 4, 3, [new SimpleRnnLayer(4, Activation.Relu, returnSequences: true)]),
        new("simple_rnn_sigmoid_backwards_sequences", 5, 2, [new SimpleRnnLayer(3, Activation.Sigmoid, returnSequences: true, goBackwards: true)]),
        new("simple_rnn_linear_no_bias_backwards", 4, 3, [new SimpleRnnLayer(3, Activation.Linear, useBias: false, goBackwards: true)]),
        new("simple_rnn_wide_vectorized", 3, 11, [new SimpleRnnLayer(37, returnSequences: true), new DenseLayer(2)]),
        new("lstm_tanh_last", 4, 3, [new LstmLayer(4)]),
        new("lstm_sequences_backwards", 4, 3, [new LstmLayer(3, returnSequences: true, goBackwards: true)]),
        new("lstm_relu_no_bias", 3, 2, [new LstmLayer(3, Activation.Relu, useBias: false)]),
        new("lstm_linear_sigmoid_dense", 3, 2, [new LstmLayer(3, Activation.Linear, returnSequences: true), new DenseLayer(2, Activation.Sigmoid)]),
        new("gru_reset_after", 4, 3, [new GruLayer(4)]),
        new("gru_reset_before", 4, 3, [new GruLayer(4, resetAfter: false)]),
        new("gru_reset_after_no_bias_backwards_sequences", 4, 2, [new GruLayer(3, returnSequences: true, useBias: false, goBackwards: true)]),
        new("gru_reset_before_backwards_sequences", 4, 2, [new GruLayer(3, returnSequences: true, goBackwards: true, resetAfter: false)]),
        new("gru_reset_before_no_bias_relu", 3, 3, [new GruLayer(3, Activation.Relu, useBias: false, resetAfter: false)]),
        new("gru_sigmoid_wide", 3, 9, [new GruLayer(10, Activation.Sigmoid, resetAfter: false), new DenseLayer(3, Activation.Softmax)]),
        new("dense_only_per_timestep", 3, 4, [new DenseLayer(5, Activation.Tanh), new DenseLayer(3, Activation.Softmax, useBias: false)]),
        new("simple_rnn_dense_softmax", 1, 5, [new SimpleRnnLayer(3), new DenseLayer(5, Activation.Softmax)]),
        new("dense_relu_no_bias_after_rnn", 3, 2, [new SimpleRnnLayer(4), new DenseLayer(3, Activation.Relu, useBias: false), new DenseLayer(1)]),
        new("embedding_lstm_dense", 5, 4, [new EmbeddingLayer(7, 4), new LstmLayer(3), new DenseLayer(7, Activation.Softmax)]),
        new("embedding_dense_per_timestep", 4, 3, [new EmbeddingLayer(5, 3), new DenseLayer(2, Activation.Sigmoid)]),
        new("stacked_simple_lstm_gru", 5, 3,
        [
            new SimpleRnnLayer(4, returnSequences: true),
            new LstmLayer(3, returnSequences: true, goBackwards: true),
            new GruLayer(3),
            new DenseLayer(4, Activation.Tanh),
            new DenseLayer(2, Activation.Softmax),
        ]),
        new("mixed_gru_dense_rnn", 4, 2,
        [
            new GruLayer(3, returnSequences: true, resetAfter: false),
            new DenseLayer(4, Activation.Relu),
            new SimpleRnnLayer(3, returnSequences: true, goBackwards: true),
            new LstmLayer(2, returnSequences: true),
            new DenseLayer(2),
        ]),
        new("lstm_40_steps", 40, 2, [new LstmLayer(5), new DenseLayer(1)]),
        new("gru_40_steps_sequences", 40, 2, [new GruLayer(4, returnSequences: true), new DenseLayer(1)]),
        new("simple_rnn_40_steps", 40, 1, [new SimpleRnnLayer(6), new DenseLayer(1)]),
        new("lstm_hard_sigmoid_gates", 4, 3, [new LstmLayer(4, recurrentActivation: Activation.HardSigmoid)]),
        new("lstm_tanh_gates_relu_sequences", 3, 2, [new LstmLayer(3, Activation.Relu, returnSequences: true, recurrentActivation: Activation.Tanh)]),
        new("gru_hard_sigmoid_reset_before_sequences", 4, 2, [new GruLayer(3, returnSequences: true, resetAfter: false, recurrentActivation: Activation.HardSigmoid)]),
        new("gru_hard_sigmoid_reset_after_backwards", 4, 3, [new GruLayer(4, goBackwards: true, recurrentActivation: Activation.HardSigmoid)]),
        new("gru_linear_gates_no_bias", 3, 2, [new GruLayer(3, useBias: false, recurrentActivation: Activation.Linear)]),
        new("simple_rnn_and_dense_hard_sigmoid", 4, 3, [new SimpleRnnLayer(4, Activation.HardSigmoid, returnSequences: true), new DenseLayer(2, Activation.HardSigmoid)]),
    ];

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (Case c in All) data.Add(c.Name);
        return data;
    }

    public static Case Get(string name) => Array.Find(All, c => c.Name == name) ?? throw new ArgumentException(name);

    /// <summary>A valid input for the case: token ids for an Embedding model, uniform(-1, 1) values otherwise.</summary>
    public static float[] Input(Sequential model, Random random)
    {
        var input = new float[model.InputSize];
        if (model.Layers[0].Kind == LayerKind.Embedding)
        {
            int vocabulary = model.Layers[0].Tensors[0].Shape[0];
            for (int i = 0; i < input.Length; i++) input[i] = random.Next(vocabulary);
        }
        else
        {
            for (int i = 0; i < input.Length; i++) input[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return input;
    }

    public static float[] Uniform(int length, double limit, Random random)
    {
        var values = new float[length];
        for (int i = 0; i < values.Length; i++) values[i] = (float)((random.NextDouble() * 2 - 1) * limit);
        return values;
    }
}
