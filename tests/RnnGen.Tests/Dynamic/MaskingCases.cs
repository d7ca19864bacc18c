using RnnGen.Dynamic;

namespace RnnGen.Tests.Dynamic;

/// <summary>Masked model shapes for the gradient, batch and streaming tests: every recurrent kind, both output forms, GoBackwards, Bidirectional, both mask sources.</summary>
internal static class MaskingCases
{
    public sealed record Case(string Name, int Timesteps, int Features, Layer[] Layers)
    {
        public Sequential Build(int seed = 7) => new(Timesteps, Features, seed, Layers);

        public bool Tokens => Layers[0] is EmbeddingLayer;

        public override string ToString() => Name;
    }

    public static readonly Case[] All =
    [
        new("masking_srnn_last", 6, 3, [new MaskingLayer(), new SimpleRnnLayer(4), new DenseLayer(2)]),
        new("masking_srnn_sequences", 6, 2, [new MaskingLayer(0.5f), new SimpleRnnLayer(3, returnSequences: true), new DenseLayer(2, Activation.Tanh)]),
        new("masking_srnn_backwards_last", 6, 2, [new MaskingLayer(), new SimpleRnnLayer(3, goBackwards: true)]),
        new("masking_lstm_last", 6, 3, [new MaskingLayer(), new LstmLayer(3), new DenseLayer(2)]),
        new("masking_lstm_sequences", 6, 2, [new MaskingLayer(-1f), new LstmLayer(3, returnSequences: true)]),
        new("masking_gru_reset_after_last", 6, 3, [new MaskingLayer(), new GruLayer(3), new DenseLayer(1, Activation.Sigmoid)]),
        new("masking_gru_reset_before_sequences", 6, 2, [new MaskingLayer(), new GruLayer(3, returnSequences: true, resetAfter: false), new DenseLayer(2)]),
        new("masking_backwards_stacked", 6, 2,
            [new MaskingLayer(), new LstmLayer(3, returnSequences: true, goBackwards: true), new GruLayer(3, returnSequences: true, goBackwards: true), new DenseLayer(2)]),
        new("masking_bidi_lstm_sequences", 6, 2, [new MaskingLayer(), new BidirectionalLayer(new LstmLayer(3, returnSequences: true)), new DenseLayer(2)]),
        new("masking_bidi_gru_multiply_last", 6, 3, [new MaskingLayer(), new BidirectionalLayer(new GruLayer(3), MergeMode.Multiply), new DenseLayer(2)]),
        new("masking_bidi_stacked", 6, 2,
        [
            new MaskingLayer(),
            new BidirectionalLayer(new SimpleRnnLayer(3, returnSequences: true, goBackwards: true), MergeMode.Average),
            new BidirectionalLayer(new LstmLayer(2), MergeMode.Sum),
            new DenseLayer(2),
        ]),
        new("masking_dense_then_rnn", 6, 3, [new MaskingLayer(), new DenseLayer(3, Activation.Tanh), new SimpleRnnLayer(2, returnSequences: true)]),
        new("mask_zero_lstm_gru", 6, 3,
            [new EmbeddingLayer(7, 3, maskZero: true), new LstmLayer(3, returnSequences: true), new GruLayer(3, resetAfter: false), new DenseLayer(3, Activation.Softmax)]),
        new("mask_zero_bidi_srnn_sequences", 6, 2, [new EmbeddingLayer(6, 2, maskZero: true), new BidirectionalLayer(new SimpleRnnLayer(3, returnSequences: true)), new DenseLayer(1)]),
    ];

    public static TheoryData<string> Names() => [.. All.Select(c => c.Name)];

    public static Case Get(string name) => Array.Find(All, c => c.Name == name) ?? throw new ArgumentException(name);

    /// <summary>Leading, inner and trailing masked steps (with GoBackwards the trailing ones are read first).</summary>
    public static readonly bool[] MixedMask = [false, true, true, false, true, false];

    /// <summary>
    /// An input whose masked steps are exactly the <paramref name="mask"/>'s: token 0 there and ids 1.. elsewhere, or
    /// every feature equal to the mask value there and uniform(-1, 1) elsewhere.
    /// </summary>
    public static float[] Input(Case c, bool[] mask, Random random)
    {
        Sequential model = c.Build();
        var input = new float[model.InputSize];
        if (c.Layers[0] is EmbeddingLayer e)
        {
            for (int t = 0; t < c.Timesteps; t++) input[t] = mask[t] ? random.Next(1, e.InputDim) : 0;
            return input;
        }

        float maskValue = ((MaskingLayer)c.Layers[0]).MaskValue;
        for (int t = 0; t < c.Timesteps; t++)
        {
            for (int f = 0; f < c.Features; f++) input[t * c.Features + f] = mask[t] ? (float)(random.NextDouble() * 2 - 1) : maskValue;
        }

        return input;
    }

    /// <summary>A random mask, each step masked with probability <paramref name="masked"/>.</summary>
    public static bool[] RandomMask(int timesteps, double masked, Random random)
    {
        var mask = new bool[timesteps];
        for (int t = 0; t < timesteps; t++) mask[t] = random.NextDouble() >= masked;
        return mask;
    }

    public static double[] ToDouble(ReadOnlySpan<float> values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = values[i];
        return result;
    }
}
