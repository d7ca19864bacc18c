using RnnGen.Dynamic;

namespace RnnGen.Tests.Dynamic;

/// <summary>
/// Model shapes with dropout: every recurrent kind (both GRU reset modes) with <c>dropout</c>, <c>recurrentDropout</c> and
/// both, bidirectional layers, <see cref="DropoutLayer"/>s in front, between and at the end, and masked models.
/// </summary>
internal static class DropoutCases
{
    public sealed record Case(string Name, int Timesteps, int Features, Layer[] Layers, bool[]? Mask = null)
    {
        public Sequential Build(int seed = 7) => new(Timesteps, Features, seed, Layers);

        public override string ToString() => Name;
    }

    public static readonly Case[] All =
    [
        new("srnn_dropout", 4, 3, [new SimpleRnnLayer(4, dropout: 0.3f)]),
        new("srnn_recurrent_sequences", 4, 3, [new SimpleRnnLayer(4, returnSequences: true, recurrentDropout: 0.4f), new DenseLayer(2)]),
        new("srnn_both_backwards", 4, 3, [new SimpleRnnLayer(3, goBackwards: true, dropout: 0.3f, recurrentDropout: 0.4f)]),
        new("lstm_dropout", 4, 3, [new LstmLayer(3, dropout: 0.3f)]),
        new("lstm_recurrent", 4, 3, [new LstmLayer(3, recurrentDropout: 0.4f), new DenseLayer(2)]),
        new("lstm_both_sequences", 4, 3, [new LstmLayer(3, returnSequences: true, dropout: 0.3f, recurrentDropout: 0.4f)]),
        new("gru_after_dropout", 4, 3, [new GruLayer(3, dropout: 0.3f)]),
        new("gru_after_recurrent", 4, 3, [new GruLayer(3, returnSequences: true, recurrentDropout: 0.4f)]),
        new("gru_after_both", 4, 3, [new GruLayer(3, dropout: 0.3f, recurrentDropout: 0.4f), new DenseLayer(2)]),
        new("gru_before_dropout", 4, 3, [new GruLayer(3, resetAfter: false, dropout: 0.3f)]),
        new("gru_before_recurrent", 4, 3, [new GruLayer(3, resetAfter: false, returnSequences: true, recurrentDropout: 0.4f)]),
        new("gru_before_both_no_bias", 4, 3, [new GruLayer(3, useBias: false, resetAfter: false, dropout: 0.3f, recurrentDropout: 0.4f)]),
        new("bidi_lstm_both_sequences", 4, 3, [new BidirectionalLayer(new LstmLayer(3, returnSequences: true, dropout: 0.3f, recurrentDropout: 0.3f)), new DenseLayer(2)]),
        new("bidi_gru_before_recurrent_sum", 4, 2, [new BidirectionalLayer(new GruLayer(3, resetAfter: false, recurrentDropout: 0.4f), MergeMode.Sum)]),
        new("bidi_srnn_dropout_multiply", 4, 3, [new BidirectionalLayer(new SimpleRnnLayer(3, returnSequences: true, dropout: 0.4f), MergeMode.Multiply)]),
        new("dropout_layer_first", 4, 3, [new DropoutLayer(0.3f), new LstmLayer(3), new DenseLayer(2)]),
        new("dropout_layers_everywhere", 5, 3,
        [
            new DropoutLayer(0.2f),
            new LstmLayer(3, returnSequences: true, dropout: 0.3f),
            new DropoutLayer(0.4f),
            new GruLayer(3, recurrentDropout: 0.3f),
            new DenseLayer(2),
            new DropoutLayer(0.5f),
        ]),
        new("dropout_layer_after_dense_vector", 4, 3, [new SimpleRnnLayer(3), new DenseLayer(4, Activation.Tanh), new DropoutLayer(0.5f), new DenseLayer(2)]),
        new("embedding_dropout_lstm", 5, 3, [new EmbeddingLayer(7, 3), new DropoutLayer(0.3f), new LstmLayer(3, dropout: 0.2f, recurrentDropout: 0.2f)]),
        new("masking_lstm_both_dropout_layer", 6, 3,
            [new MaskingLayer(), new LstmLayer(3, returnSequences: true, dropout: 0.3f, recurrentDropout: 0.3f), new DropoutLayer(0.3f), new DenseLayer(2)],
            MaskingCases.MixedMask),
        new("masking_dropout_bidi_gru_last", 6, 2,
            [new MaskingLayer(), new DropoutLayer(0.25f), new BidirectionalLayer(new GruLayer(3, dropout: 0.3f, recurrentDropout: 0.3f)), new DenseLayer(2)],
            MaskingCases.MixedMask),
        new("mask_zero_gru_before_both_backwards", 6, 3,
            [new EmbeddingLayer(7, 3, maskZero: true), new GruLayer(3, returnSequences: true, goBackwards: true, resetAfter: false, dropout: 0.3f, recurrentDropout: 0.3f), new DenseLayer(2)],
            MaskingCases.MixedMask),
    ];

    public static TheoryData<string> Names() => [.. All.Select(c => c.Name)];

    public static Case Get(string name) => Array.Find(All, c => c.Name == name) ?? throw new ArgumentException(name);

    /// <summary>A valid input: for a masked case its masked steps are the case's mask; token ids for an Embedding model.</summary>
    public static float[] Input(Case c, Random random)
    {
        var input = new float[c.Build().InputSize];
        for (int t = 0; t < c.Timesteps; t++)
        {
            bool kept = c.Mask is null || c.Mask[t];
            if (c.Layers[0] is EmbeddingLayer e)
            {
                input[t] = kept ? random.Next(c.Mask is null ? 0 : 1, e.InputDim) : 0;
                continue;
            }

            float maskValue = c.Layers[0] is MaskingLayer m ? m.MaskValue : 0f;
            for (int f = 0; f < c.Features; f++) input[t * c.Features + f] = kept ? (float)(random.NextDouble() * 2 - 1) : maskValue;
        }

        return input;
    }

    /// <summary>The same stack with every dropout rate 0 and no Dropout layers: what inference computes.</summary>
    public static Layer[] WithoutDropout(Layer[] layers) =>
    [
        .. layers.Where(l => l is not DropoutLayer).Select(l => l switch
        {
            BidirectionalLayer b => new BidirectionalLayer((RecurrentLayer)WithoutDropout([b.ForwardLayer])[0], b.Merge),
            SimpleRnnLayer s => new SimpleRnnLayer(s.Units, s.Activation, s.ReturnSequences, s.UseBias, s.GoBackwards),
            LstmLayer m => new LstmLayer(m.Units, m.Activation, m.ReturnSequences, m.UseBias, m.GoBackwards, m.RecurrentActivation),
            GruLayer g => new GruLayer(g.Units, g.Activation, g.ReturnSequences, g.UseBias, g.GoBackwards, g.ResetAfter, g.RecurrentActivation),
            _ => l,
        }),
    ];
}
