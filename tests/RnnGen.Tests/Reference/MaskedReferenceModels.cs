// Models matching every case of tests/reference/fixtures/masking_tfjs.json (TensorFlow.js 4.22, Python Keras's
// zero_output_for_mask where the two differ): Embedding MaskZero and [Masking] first layers, as the generator chooses
// and forced into loops (a masked model runs every pass in the batched tier, whatever the mode).
namespace RnnGen.Tests.Reference;

[RnnModel(6, 3)]
[Embedding(8, 3, MaskZero = true)]
[SimpleRnn(4)]
[Dense(2)]
public partial class MaskZeroSrnn;

[RnnModel(6, 3, Unroll = UnrollMode.Loops)]
[Embedding(8, 3, MaskZero = true)]
[SimpleRnn(4)]
[Dense(2)]
public partial class MaskZeroSrnnLoops;

[RnnModel(6, 3)]
[Embedding(9, 3, MaskZero = true)]
[Lstm(4, ReturnSequences = true)]
[Dense(2)]
public partial class MaskZeroLstmSeq;

[RnnModel(6, 3, Unroll = UnrollMode.Loops)]
[Embedding(9, 3, MaskZero = true)]
[Lstm(4, ReturnSequences = true)]
[Dense(2)]
public partial class MaskZeroLstmSeqLoops;

[RnnModel(6, 2)]
[Embedding(7, 2, MaskZero = true)]
[Gru(3, ResetAfter = false)]
[Dense(1, Activation = Activation.Sigmoid)]
public partial class MaskZeroGru;

[RnnModel(6, 2, Unroll = UnrollMode.Loops)]
[Embedding(7, 2, MaskZero = true)]
[Gru(3, ResetAfter = false)]
[Dense(1, Activation = Activation.Sigmoid)]
public partial class MaskZeroGruLoops;

[RnnModel(5, 3)]
[Masking(0f)]
[SimpleRnn(4)]
[Dense(2)]
public partial class MaskingSrnn;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[Masking(0f)]
[SimpleRnn(4)]
[Dense(2)]
public partial class MaskingSrnnLoops;

[RnnModel(5, 2)]
[Masking(0f)]
[SimpleRnn(3, ReturnSequences = true)]
[Dense(2)]
public partial class MaskingSrnnSeq;

[RnnModel(5, 2, Unroll = UnrollMode.Loops)]
[Masking(0f)]
[SimpleRnn(3, ReturnSequences = true)]
[Dense(2)]
public partial class MaskingSrnnSeqLoops;

[RnnModel(5, 3)]
[Masking(-1f)]
[Lstm(4)]
[Dense(2)]
public partial class MaskingLstm;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[Masking(-1f)]
[Lstm(4)]
[Dense(2)]
public partial class MaskingLstmLoops;

[RnnModel(5, 2)]
[Masking(0f)]
[Lstm(3, ReturnSequences = true)]
[Dense(1)]
public partial class MaskingLstmSeq;

[RnnModel(5, 2, Unroll = UnrollMode.Loops)]
[Masking(0f)]
[Lstm(3, ReturnSequences = true)]
[Dense(1)]
public partial class MaskingLstmSeqLoops;

[RnnModel(5, 2)]
[Masking(0.5f)]
[Gru(4, ResetAfter = false)]
[Dense(2)]
public partial class MaskingGru;

[RnnModel(5, 2, Unroll = UnrollMode.Loops)]
[Masking(0.5f)]
[Gru(4, ResetAfter = false)]
[Dense(2)]
public partial class MaskingGruLoops;

[RnnModel(5, 3)]
[Masking(0f)]
[Gru(3, ReturnSequences = true, ResetAfter = false)]
[Dense(2, Activation = Activation.Tanh)]
public partial class MaskingGruSeq;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[Masking(0f)]
[Gru(3, ReturnSequences = true, ResetAfter = false)]
[Dense(2, Activation = Activation.Tanh)]
public partial class MaskingGruSeqLoops;

[RnnModel(5, 2)]
[Masking(0f)]
[Gru(3, ReturnSequences = true, GoBackwards = true, ResetAfter = false)]
[Dense(2)]
public partial class MaskingGruBackwardsSeq;

[RnnModel(5, 2, Unroll = UnrollMode.Loops)]
[Masking(0f)]
[Gru(3, ReturnSequences = true, GoBackwards = true, ResetAfter = false)]
[Dense(2)]
public partial class MaskingGruBackwardsSeqLoops;

[RnnModel(5, 2)]
[Masking(0f)]
[Lstm(3, ReturnSequences = true)]
[Gru(3, ResetAfter = false)]
[Dense(1)]
public partial class MaskingLstmGruStacked;

[RnnModel(5, 2, Unroll = UnrollMode.Loops)]
[Masking(0f)]
[Lstm(3, ReturnSequences = true)]
[Gru(3, ResetAfter = false)]
[Dense(1)]
public partial class MaskingLstmGruStackedLoops;

[RnnModel(5, 2)]
[Masking(0f)]
[Lstm(3, ReturnSequences = true, Bidirectional = true)]
public partial class MaskingBidiLstmSeq;

[RnnModel(5, 2, Unroll = UnrollMode.Loops)]
[Masking(0f)]
[Lstm(3, ReturnSequences = true, Bidirectional = true)]
public partial class MaskingBidiLstmSeqLoops;

[RnnModel(5, 3)]
[Masking(0f)]
[Gru(3, ReturnSequences = true, ResetAfter = false, Bidirectional = true, Merge = MergeMode.Sum)]
[Dense(2)]
public partial class MaskingBidiGruSumSeqDense;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[Masking(0f)]
[Gru(3, ReturnSequences = true, ResetAfter = false, Bidirectional = true, Merge = MergeMode.Sum)]
[Dense(2)]
public partial class MaskingBidiGruSumSeqDenseLoops;

[RnnModel(5, 2)]
[Masking(0f)]
[SimpleRnn(4, Bidirectional = true)]
[Dense(2)]
public partial class MaskingBidiSrnn;

[RnnModel(5, 2, Unroll = UnrollMode.Loops)]
[Masking(0f)]
[SimpleRnn(4, Bidirectional = true)]
[Dense(2)]
public partial class MaskingBidiSrnnLoops;

public static class MaskedReferenceModels
{
    public static readonly string[] Modes = ["Auto", "Loops"];

    public static IBatchModel Create(string name, string mode) => (name, mode) switch
    {
        ("mask_zero_srnn", "Auto") => new MaskZeroSrnn(),
        ("mask_zero_srnn", "Loops") => new MaskZeroSrnnLoops(),
        ("mask_zero_lstm_seq", "Auto") => new MaskZeroLstmSeq(),
        ("mask_zero_lstm_seq", "Loops") => new MaskZeroLstmSeqLoops(),
        ("mask_zero_gru", "Auto") => new MaskZeroGru(),
        ("mask_zero_gru", "Loops") => new MaskZeroGruLoops(),
        ("masking_srnn", "Auto") => new MaskingSrnn(),
        ("masking_srnn", "Loops") => new MaskingSrnnLoops(),
        ("masking_srnn_seq", "Auto") => new MaskingSrnnSeq(),
        ("masking_srnn_seq", "Loops") => new MaskingSrnnSeqLoops(),
        ("masking_lstm", "Auto") => new MaskingLstm(),
        ("masking_lstm", "Loops") => new MaskingLstmLoops(),
        ("masking_lstm_seq", "Auto") => new MaskingLstmSeq(),
        ("masking_lstm_seq", "Loops") => new MaskingLstmSeqLoops(),
        ("masking_gru", "Auto") => new MaskingGru(),
        ("masking_gru", "Loops") => new MaskingGruLoops(),
        ("masking_gru_seq", "Auto") => new MaskingGruSeq(),
        ("masking_gru_seq", "Loops") => new MaskingGruSeqLoops(),
        ("masking_gru_backwards_seq", "Auto") => new MaskingGruBackwardsSeq(),
        ("masking_gru_backwards_seq", "Loops") => new MaskingGruBackwardsSeqLoops(),
        ("masking_lstm_gru_stacked", "Auto") => new MaskingLstmGruStacked(),
        ("masking_lstm_gru_stacked", "Loops") => new MaskingLstmGruStackedLoops(),
        ("masking_bidi_lstm_seq", "Auto") => new MaskingBidiLstmSeq(),
        ("masking_bidi_lstm_seq", "Loops") => new MaskingBidiLstmSeqLoops(),
        ("masking_bidi_gru_sum_seq_dense", "Auto") => new MaskingBidiGruSumSeqDense(),
        ("masking_bidi_gru_sum_seq_dense", "Loops") => new MaskingBidiGruSumSeqDenseLoops(),
        ("masking_bidi_srnn", "Auto") => new MaskingBidiSrnn(),
        ("masking_bidi_srnn", "Loops") => new MaskingBidiSrnnLoops(),
        _ => throw new KeyNotFoundException($"No masked reference model for '{name}' in mode {mode}."),
    };
}
