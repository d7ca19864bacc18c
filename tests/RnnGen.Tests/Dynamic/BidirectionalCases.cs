using RnnGen.Dynamic;

namespace RnnGen.Tests.Dynamic;

/// <summary>Named models with <see cref="BidirectionalLayer"/>s: every recurrent kind × merge mode × return_sequences, and stacks.</summary>
internal static class BidirectionalCases
{
    public static readonly ModelCases.Case[] All = Build();

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (ModelCases.Case c in All) data.Add(c.Name);
        return data;
    }

    public static ModelCases.Case Get(string name) => Array.Find(All, c => c.Name == name) ?? throw new ArgumentException(name);

    private static ModelCases.Case[] Build()
    {
        var cases = new List<ModelCases.Case>();
        (string Name, Func<bool, RecurrentLayer> Create)[] kinds =
        [
            ("simple_rnn", rs => new SimpleRnnLayer(3, returnSequences: rs)),
            ("lstm", rs => new LstmLayer(3, returnSequences: rs)),
            ("gru_reset_after", rs => new GruLayer(3, returnSequences: rs)),
            ("gru_reset_before", rs => new GruLayer(3, returnSequences: rs, resetAfter: false)),
        ];
        foreach ((string kind, Func<bool, RecurrentLayer> create) in kinds)
        {
            foreach (MergeMode merge in Enum.GetValues<MergeMode>())
            {
                foreach (bool rs in new[] { false, true })
                {
                    string name = $"bidi_{kind}_{merge.ToString().ToLowerInvariant()}_{(rs ? "sequences" : "last")}";
                    cases.Add(new(name, 4, 3, [new BidirectionalLayer(create(rs), merge)]));
                }
            }
        }

        cases.AddRange(
        [
            new("bidi_lstm_go_backwards_concat_sequences", 4, 2, [new BidirectionalLayer(new LstmLayer(3, returnSequences: true, goBackwards: true))]),
            new("bidi_gru_go_backwards_mul_last", 4, 2, [new BidirectionalLayer(new GruLayer(2, goBackwards: true), MergeMode.Multiply)]),
            new("bidi_simple_rnn_relu_no_bias_ave_sequences", 3, 3,
                [new BidirectionalLayer(new SimpleRnnLayer(3, Activation.Relu, returnSequences: true, useBias: false), MergeMode.Average)]),
            new("bidi_lstm_hard_sigmoid_sum_last", 4, 3,
                [new BidirectionalLayer(new LstmLayer(3, recurrentActivation: Activation.HardSigmoid), MergeMode.Sum)]),
            new("bidi_stacked_lstm_gru_dense", 5, 3,
            [
                new BidirectionalLayer(new LstmLayer(3, returnSequences: true)),
                new BidirectionalLayer(new GruLayer(2), MergeMode.Sum),
                new DenseLayer(2, Activation.Softmax),
            ]),
            new("bidi_stacked_mul_ave_sequences_dense", 4, 2,
            [
                new BidirectionalLayer(new GruLayer(3, returnSequences: true, resetAfter: false), MergeMode.Multiply),
                new BidirectionalLayer(new SimpleRnnLayer(2, returnSequences: true), MergeMode.Average),
                new DenseLayer(2, Activation.Tanh),
            ]),
            new("rnn_then_bidi_lstm_concat_dense", 4, 2,
            [
                new SimpleRnnLayer(3, returnSequences: true),
                new BidirectionalLayer(new LstmLayer(2)),
                new DenseLayer(1),
            ]),
            new("embedding_bidi_gru_concat", 5, 3, [new EmbeddingLayer(6, 3), new BidirectionalLayer(new GruLayer(2, returnSequences: true))]),
            new("bidi_lstm_wide_vectorized_sum", 3, 9, [new BidirectionalLayer(new LstmLayer(17, returnSequences: true), MergeMode.Sum), new DenseLayer(2)]),
        ]);
        return cases.ToArray();
    }
}
