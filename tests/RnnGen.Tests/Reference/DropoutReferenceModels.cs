// Models matching every case of tests/reference/fixtures/dropout.json (PyTorch 1.13 float64 autograd on Python Keras
// 3's training-mode formulas, and TensorFlow.js 4.22 where it has the same semantics; the _tfjs cases use the same
// model as their PyTorch twin), as the generator chooses and forced into loops. Dropout trains in the batched tier
// whatever the mode; the mode changes Predict, which must never drop.
namespace RnnGen.Tests.Reference;

[RnnModel(5, 3)]
[SimpleRnn(4, Dropout = 0.25f)]
[Dense(2)]
public partial class DropoutSrnnDropout;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[SimpleRnn(4, Dropout = 0.25f)]
[Dense(2)]
public partial class DropoutSrnnDropoutLoops;

[RnnModel(5, 2)]
[SimpleRnn(3, RecurrentDropout = 0.4f)]
[Dense(1)]
public partial class DropoutSrnnRecurrentDropout;

[RnnModel(5, 2, Unroll = UnrollMode.Loops)]
[SimpleRnn(3, RecurrentDropout = 0.4f)]
[Dense(1)]
public partial class DropoutSrnnRecurrentDropoutLoops;

[RnnModel(4, 3)]
[SimpleRnn(4, ReturnSequences = true, Dropout = 0.3f, RecurrentDropout = 0.25f)]
[Dense(2)]
public partial class DropoutSrnnBothSeq;

[RnnModel(4, 3, Unroll = UnrollMode.Loops)]
[SimpleRnn(4, ReturnSequences = true, Dropout = 0.3f, RecurrentDropout = 0.25f)]
[Dense(2)]
public partial class DropoutSrnnBothSeqLoops;

[RnnModel(5, 3)]
[Lstm(4, Dropout = 0.3f)]
[Dense(2)]
public partial class DropoutLstmDropout;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[Lstm(4, Dropout = 0.3f)]
[Dense(2)]
public partial class DropoutLstmDropoutLoops;

[RnnModel(5, 2)]
[Lstm(3, Dropout = 0.25f, RecurrentDropout = 0.3f)]
[Dense(2)]
public partial class DropoutLstmBoth;

[RnnModel(5, 2, Unroll = UnrollMode.Loops)]
[Lstm(3, Dropout = 0.25f, RecurrentDropout = 0.3f)]
[Dense(2)]
public partial class DropoutLstmBothLoops;

[RnnModel(6, 3)]
[Lstm(4, ReturnSequences = true, GoBackwards = true, Dropout = 0.2f, RecurrentDropout = 0.4f)]
[Dense(1)]
public partial class DropoutLstmBothBackwardsSeq;

[RnnModel(6, 3, Unroll = UnrollMode.Loops)]
[Lstm(4, ReturnSequences = true, GoBackwards = true, Dropout = 0.2f, RecurrentDropout = 0.4f)]
[Dense(1)]
public partial class DropoutLstmBothBackwardsSeqLoops;

[RnnModel(5, 3)]
[Gru(4, Dropout = 0.3f, RecurrentDropout = 0.25f)]
[Dense(2)]
public partial class DropoutGruBoth;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[Gru(4, Dropout = 0.3f, RecurrentDropout = 0.25f)]
[Dense(2)]
public partial class DropoutGruBothLoops;

[RnnModel(5, 2)]
[Gru(3, ResetAfter = false, Dropout = 0.25f, RecurrentDropout = 0.3f)]
[Dense(2)]
public partial class DropoutGruResetBeforeBoth;

[RnnModel(5, 2, Unroll = UnrollMode.Loops)]
[Gru(3, ResetAfter = false, Dropout = 0.25f, RecurrentDropout = 0.3f)]
[Dense(2)]
public partial class DropoutGruResetBeforeBothLoops;

[RnnModel(5, 3)]
[Gru(4, Dropout = 0.3f)]
[Dense(2)]
public partial class DropoutGruDropout;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[Gru(4, Dropout = 0.3f)]
[Dense(2)]
public partial class DropoutGruDropoutLoops;

[RnnModel(4, 3)]
[Gru(4, ResetAfter = false, Dropout = 0.25f)]
[Dense(2)]
public partial class DropoutGruResetBeforeDropout;

[RnnModel(4, 3, Unroll = UnrollMode.Loops)]
[Gru(4, ResetAfter = false, Dropout = 0.25f)]
[Dense(2)]
public partial class DropoutGruResetBeforeDropoutLoops;

[RnnModel(4, 2)]
[Lstm(3, Bidirectional = true, Dropout = 0.25f, RecurrentDropout = 0.3f)]
[Dense(2)]
public partial class DropoutBidiLstmBoth;

[RnnModel(4, 2, Unroll = UnrollMode.Loops)]
[Lstm(3, Bidirectional = true, Dropout = 0.25f, RecurrentDropout = 0.3f)]
[Dense(2)]
public partial class DropoutBidiLstmBothLoops;

[RnnModel(5, 3)]
[SimpleRnn(4, ReturnSequences = true, Dropout = 0.2f, RecurrentDropout = 0.3f)]
[Gru(3, Dropout = 0.25f, RecurrentDropout = 0.2f)]
[Dense(2)]
public partial class DropoutStackedSrnnGruBoth;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[SimpleRnn(4, ReturnSequences = true, Dropout = 0.2f, RecurrentDropout = 0.3f)]
[Gru(3, Dropout = 0.25f, RecurrentDropout = 0.2f)]
[Dense(2)]
public partial class DropoutStackedSrnnGruBothLoops;

[RnnModel(5, 3)]
[Dropout(0.2f)]
[SimpleRnn(4, ReturnSequences = true)]
[Dropout(0.3f)]
[Dense(2)]
public partial class DropoutDropoutLayersSrnnSeq;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[Dropout(0.2f)]
[SimpleRnn(4, ReturnSequences = true)]
[Dropout(0.3f)]
[Dense(2)]
public partial class DropoutDropoutLayersSrnnSeqLoops;

[RnnModel(6, 3)]
[Embedding(7, 3)]
[Dropout(0.25f)]
[Lstm(4, Dropout = 0.3f)]
[Dense(1, Activation = Activation.Sigmoid)]
public partial class DropoutEmbDropoutLstm;

[RnnModel(6, 3, Unroll = UnrollMode.Loops)]
[Embedding(7, 3)]
[Dropout(0.25f)]
[Lstm(4, Dropout = 0.3f)]
[Dense(1, Activation = Activation.Sigmoid)]
public partial class DropoutEmbDropoutLstmLoops;

[RnnModel(6, 3)]
[Embedding(8, 3, MaskZero = true)]
[SimpleRnn(4, Dropout = 0.25f, RecurrentDropout = 0.3f)]
public partial class DropoutMaskZeroSrnnDropout;

[RnnModel(6, 3, Unroll = UnrollMode.Loops)]
[Embedding(8, 3, MaskZero = true)]
[SimpleRnn(4, Dropout = 0.25f, RecurrentDropout = 0.3f)]
public partial class DropoutMaskZeroSrnnDropoutLoops;

/// <summary>The declared model of a dropout case (a _tfjs case shares its PyTorch twin's), by mode.</summary>
internal static class DropoutReferenceModels
{
    public static readonly string[] Modes = ["Auto", "Loops"];

    public static IBatchModel Create(string name, string mode) => (name.Replace("_tfjs", "", StringComparison.Ordinal), mode) switch
    {
        ("srnn_dropout", "Auto") => new DropoutSrnnDropout(),
        ("srnn_dropout", "Loops") => new DropoutSrnnDropoutLoops(),
        ("srnn_recurrent_dropout", "Auto") => new DropoutSrnnRecurrentDropout(),
        ("srnn_recurrent_dropout", "Loops") => new DropoutSrnnRecurrentDropoutLoops(),
        ("srnn_both_seq", "Auto") => new DropoutSrnnBothSeq(),
        ("srnn_both_seq", "Loops") => new DropoutSrnnBothSeqLoops(),
        ("lstm_dropout", "Auto") => new DropoutLstmDropout(),
        ("lstm_dropout", "Loops") => new DropoutLstmDropoutLoops(),
        ("lstm_both", "Auto") => new DropoutLstmBoth(),
        ("lstm_both", "Loops") => new DropoutLstmBothLoops(),
        ("lstm_both_backwards_seq", "Auto") => new DropoutLstmBothBackwardsSeq(),
        ("lstm_both_backwards_seq", "Loops") => new DropoutLstmBothBackwardsSeqLoops(),
        ("gru_both", "Auto") => new DropoutGruBoth(),
        ("gru_both", "Loops") => new DropoutGruBothLoops(),
        ("gru_reset_before_both", "Auto") => new DropoutGruResetBeforeBoth(),
        ("gru_reset_before_both", "Loops") => new DropoutGruResetBeforeBothLoops(),
        ("gru_dropout", "Auto") => new DropoutGruDropout(),
        ("gru_dropout", "Loops") => new DropoutGruDropoutLoops(),
        ("gru_reset_before_dropout", "Auto") => new DropoutGruResetBeforeDropout(),
        ("gru_reset_before_dropout", "Loops") => new DropoutGruResetBeforeDropoutLoops(),
        ("bidi_lstm_both", "Auto") => new DropoutBidiLstmBoth(),
        ("bidi_lstm_both", "Loops") => new DropoutBidiLstmBothLoops(),
        ("stacked_srnn_gru_both", "Auto") => new DropoutStackedSrnnGruBoth(),
        ("stacked_srnn_gru_both", "Loops") => new DropoutStackedSrnnGruBothLoops(),
        ("dropout_layers_srnn_seq", "Auto") => new DropoutDropoutLayersSrnnSeq(),
        ("dropout_layers_srnn_seq", "Loops") => new DropoutDropoutLayersSrnnSeqLoops(),
        ("emb_dropout_lstm", "Auto") => new DropoutEmbDropoutLstm(),
        ("emb_dropout_lstm", "Loops") => new DropoutEmbDropoutLstmLoops(),
        ("mask_zero_srnn_dropout", "Auto") => new DropoutMaskZeroSrnnDropout(),
        ("mask_zero_srnn_dropout", "Loops") => new DropoutMaskZeroSrnnDropoutLoops(),
        _ => throw new ArgumentException($"no declared model for dropout case {name} ({mode})", nameof(name)),
    };
}
