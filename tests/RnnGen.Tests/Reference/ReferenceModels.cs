// Models matching every case of tests/reference/fixtures/layers_pytorch.json (and layers_keras.json).
// Each case is declared twice: as the generator chooses (Auto) and forced into constant-bound loops,
// so both emission strategies are checked against PyTorch and Keras.
namespace RnnGen.Tests.Reference;

[RnnModel(1, 5)]
[SimpleRnn(3)]
[Dense(5, Activation = Activation.Softmax)]
public partial class SrnnLetter;

[RnnModel(1, 5, Unroll = UnrollMode.Loops)]
[SimpleRnn(3)]
[Dense(5, Activation = Activation.Softmax)]
public partial class SrnnLetterLoops;

[RnnModel(4, 3)]
[SimpleRnn(5, ReturnSequences = true)]
[SimpleRnn(4)]
[Dense(2)]
public partial class SrnnStacked;

[RnnModel(4, 3, Unroll = UnrollMode.Loops)]
[SimpleRnn(5, ReturnSequences = true)]
[SimpleRnn(4)]
[Dense(2)]
public partial class SrnnStackedLoops;

[RnnModel(5, 2)]
[SimpleRnn(4, ReturnSequences = true)]
[Dense(3, Activation = Activation.Sigmoid)]
public partial class SrnnSeqDense;

[RnnModel(5, 2, Unroll = UnrollMode.Loops)]
[SimpleRnn(4, ReturnSequences = true)]
[Dense(3, Activation = Activation.Sigmoid)]
public partial class SrnnSeqDenseLoops;

[RnnModel(6, 3)]
[SimpleRnn(4, Activation = Activation.Relu)]
[Dense(1)]
public partial class SrnnRelu;

[RnnModel(6, 3, Unroll = UnrollMode.Loops)]
[SimpleRnn(4, Activation = Activation.Relu)]
[Dense(1)]
public partial class SrnnReluLoops;

[RnnModel(5, 3)]
[SimpleRnn(4, ReturnSequences = true, GoBackwards = true)]
[SimpleRnn(3, GoBackwards = true)]
[Dense(2, Activation = Activation.Tanh)]
public partial class SrnnBackwards;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[SimpleRnn(4, ReturnSequences = true, GoBackwards = true)]
[SimpleRnn(3, GoBackwards = true)]
[Dense(2, Activation = Activation.Tanh)]
public partial class SrnnBackwardsLoops;

[RnnModel(3, 4)]
[SimpleRnn(3, Activation = Activation.Sigmoid, UseBias = false)]
[Dense(2, Activation = Activation.Relu, UseBias = false)]
public partial class SrnnNobias;

[RnnModel(3, 4, Unroll = UnrollMode.Loops)]
[SimpleRnn(3, Activation = Activation.Sigmoid, UseBias = false)]
[Dense(2, Activation = Activation.Relu, UseBias = false)]
public partial class SrnnNobiasLoops;

[RnnModel(8, 6)]
[SimpleRnn(64)]
[Dense(4, Activation = Activation.Softmax)]
public partial class Srnn64;

[RnnModel(8, 6, Unroll = UnrollMode.Loops)]
[SimpleRnn(64)]
[Dense(4, Activation = Activation.Softmax)]
public partial class Srnn64Loops;

[RnnModel(8, 6, Unroll = UnrollMode.Full)]
[SimpleRnn(64)]
[Dense(4, Activation = Activation.Softmax)]
public partial class Srnn64Full;

[RnnModel(40, 3)]
[SimpleRnn(8)]
[Dense(1)]
public partial class SrnnLong40;

[RnnModel(40, 3, Unroll = UnrollMode.Loops)]
[SimpleRnn(8)]
[Dense(1)]
public partial class SrnnLong40Loops;

[RnnModel(3, 2)]
[SimpleRnn(3, Activation = Activation.Linear, ReturnSequences = true)]
public partial class SrnnLinearSeq;

[RnnModel(3, 2, Unroll = UnrollMode.Loops)]
[SimpleRnn(3, Activation = Activation.Linear, ReturnSequences = true)]
public partial class SrnnLinearSeqLoops;

[RnnModel(5, 3)]
[Lstm(4)]
[Dense(2)]
public partial class LstmBasic;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[Lstm(4)]
[Dense(2)]
public partial class LstmBasicLoops;

[RnnModel(6, 2)]
[Lstm(5, ReturnSequences = true)]
[Dense(3, Activation = Activation.Softmax)]
public partial class LstmSeq;

[RnnModel(6, 2, Unroll = UnrollMode.Loops)]
[Lstm(5, ReturnSequences = true)]
[Dense(3, Activation = Activation.Softmax)]
public partial class LstmSeqLoops;

[RnnModel(5, 3)]
[Lstm(4, ReturnSequences = true, GoBackwards = true)]
[Lstm(3)]
[Dense(1)]
public partial class LstmStackedBackwards;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[Lstm(4, ReturnSequences = true, GoBackwards = true)]
[Lstm(3)]
[Dense(1)]
public partial class LstmStackedBackwardsLoops;

[RnnModel(45, 2)]
[Lstm(6)]
[Dense(1)]
public partial class LstmLong45;

[RnnModel(45, 2, Unroll = UnrollMode.Loops)]
[Lstm(6)]
[Dense(1)]
public partial class LstmLong45Loops;

[RnnModel(4, 3)]
[Lstm(4, Activation = Activation.Relu, UseBias = false)]
[Dense(2)]
public partial class LstmReluNobias;

[RnnModel(4, 3, Unroll = UnrollMode.Loops)]
[Lstm(4, Activation = Activation.Relu, UseBias = false)]
[Dense(2)]
public partial class LstmReluNobiasLoops;

[RnnModel(5, 3)]
[Gru(4)]
[Dense(2)]
public partial class GruBasic;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[Gru(4)]
[Dense(2)]
public partial class GruBasicLoops;

[RnnModel(6, 2)]
[Gru(5, ReturnSequences = true, GoBackwards = true)]
[Dense(2, Activation = Activation.Sigmoid)]
public partial class GruSeqBackwards;

[RnnModel(6, 2, Unroll = UnrollMode.Loops)]
[Gru(5, ReturnSequences = true, GoBackwards = true)]
[Dense(2, Activation = Activation.Sigmoid)]
public partial class GruSeqBackwardsLoops;

[RnnModel(42, 2)]
[Gru(6)]
[Dense(1)]
public partial class GruLong42;

[RnnModel(42, 2, Unroll = UnrollMode.Loops)]
[Gru(6)]
[Dense(1)]
public partial class GruLong42Loops;

[RnnModel(5, 3)]
[Gru(4, ResetAfter = false)]
[Dense(2)]
public partial class GruResetBefore;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[Gru(4, ResetAfter = false)]
[Dense(2)]
public partial class GruResetBeforeLoops;

[RnnModel(4, 3)]
[Gru(3, UseBias = false)]
[Dense(1)]
public partial class GruNobias;

[RnnModel(4, 3, Unroll = UnrollMode.Loops)]
[Gru(3, UseBias = false)]
[Dense(1)]
public partial class GruNobiasLoops;

[RnnModel(7, 4)]
[Embedding(11, 4)]
[Gru(5, ReturnSequences = true)]
[Lstm(3)]
[Dense(1, Activation = Activation.Sigmoid)]
public partial class EmbGruLstm;

[RnnModel(7, 4, Unroll = UnrollMode.Loops)]
[Embedding(11, 4)]
[Gru(5, ReturnSequences = true)]
[Lstm(3)]
[Dense(1, Activation = Activation.Sigmoid)]
public partial class EmbGruLstmLoops;

[RnnModel(6, 3)]
[Embedding(9, 3)]
[SimpleRnn(4)]
[Dense(2, Activation = Activation.Softmax)]
public partial class EmbSrnn;

[RnnModel(6, 3, Unroll = UnrollMode.Loops)]
[Embedding(9, 3)]
[SimpleRnn(4)]
[Dense(2, Activation = Activation.Softmax)]
public partial class EmbSrnnLoops;

[RnnModel(5, 3)]
[SimpleRnn(4, ReturnSequences = true)]
[Gru(3, ReturnSequences = true)]
[Lstm(3)]
[Dense(2)]
public partial class Mixed;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[SimpleRnn(4, ReturnSequences = true)]
[Gru(3, ReturnSequences = true)]
[Lstm(3)]
[Dense(2)]
public partial class MixedLoops;

[RnnModel(6, 2)]
[Gru(5, ReturnSequences = true, GoBackwards = true, ResetAfter = false)]
[Dense(2, Activation = Activation.Sigmoid)]
public partial class GruSeqBackwardsResetBefore;

[RnnModel(6, 2, Unroll = UnrollMode.Loops)]
[Gru(5, ReturnSequences = true, GoBackwards = true, ResetAfter = false)]
[Dense(2, Activation = Activation.Sigmoid)]
public partial class GruSeqBackwardsResetBeforeLoops;

[RnnModel(4, 3)]
[Gru(3, UseBias = false, ResetAfter = false)]
[Dense(1)]
public partial class GruNobiasResetBefore;

[RnnModel(4, 3, Unroll = UnrollMode.Loops)]
[Gru(3, UseBias = false, ResetAfter = false)]
[Dense(1)]
public partial class GruNobiasResetBeforeLoops;

[RnnModel(7, 4)]
[Embedding(11, 4)]
[Gru(5, ReturnSequences = true, ResetAfter = false)]
[Lstm(3)]
[Dense(1, Activation = Activation.Sigmoid)]
public partial class EmbGruLstmResetBefore;

[RnnModel(7, 4, Unroll = UnrollMode.Loops)]
[Embedding(11, 4)]
[Gru(5, ReturnSequences = true, ResetAfter = false)]
[Lstm(3)]
[Dense(1, Activation = Activation.Sigmoid)]
public partial class EmbGruLstmResetBeforeLoops;

[RnnModel(5, 3)]
[SimpleRnn(4, ReturnSequences = true)]
[Gru(3, ReturnSequences = true, ResetAfter = false)]
[Lstm(3)]
[Dense(2)]
public partial class MixedResetBefore;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[SimpleRnn(4, ReturnSequences = true)]
[Gru(3, ReturnSequences = true, ResetAfter = false)]
[Lstm(3)]
[Dense(2)]
public partial class MixedResetBeforeLoops;

/// <summary>Creates the generated model for a fixture case.</summary>
public static class ReferenceModels
{
    public static readonly string[] Modes = ["Auto", "Loops"];

    public static IRnnModel Create(string name, string mode) => (name, mode) switch
    {
        ("srnn_letter", "Auto") => new SrnnLetter(),
        ("srnn_letter", "Loops") => new SrnnLetterLoops(),
        ("srnn_stacked", "Auto") => new SrnnStacked(),
        ("srnn_stacked", "Loops") => new SrnnStackedLoops(),
        ("srnn_seq_dense", "Auto") => new SrnnSeqDense(),
        ("srnn_seq_dense", "Loops") => new SrnnSeqDenseLoops(),
        ("srnn_relu", "Auto") => new SrnnRelu(),
        ("srnn_relu", "Loops") => new SrnnReluLoops(),
        ("srnn_backwards", "Auto") => new SrnnBackwards(),
        ("srnn_backwards", "Loops") => new SrnnBackwardsLoops(),
        ("srnn_nobias", "Auto") => new SrnnNobias(),
        ("srnn_nobias", "Loops") => new SrnnNobiasLoops(),
        ("srnn_64", "Auto") => new Srnn64(),
        ("srnn_64", "Loops") => new Srnn64Loops(),
        ("srnn_64", "Full") => new Srnn64Full(),
        ("srnn_long40", "Auto") => new SrnnLong40(),
        ("srnn_long40", "Loops") => new SrnnLong40Loops(),
        ("srnn_linear_seq", "Auto") => new SrnnLinearSeq(),
        ("srnn_linear_seq", "Loops") => new SrnnLinearSeqLoops(),
        ("lstm_basic", "Auto") => new LstmBasic(),
        ("lstm_basic", "Loops") => new LstmBasicLoops(),
        ("lstm_seq", "Auto") => new LstmSeq(),
        ("lstm_seq", "Loops") => new LstmSeqLoops(),
        ("lstm_stacked_backwards", "Auto") => new LstmStackedBackwards(),
        ("lstm_stacked_backwards", "Loops") => new LstmStackedBackwardsLoops(),
        ("lstm_long45", "Auto") => new LstmLong45(),
        ("lstm_long45", "Loops") => new LstmLong45Loops(),
        ("lstm_relu_nobias", "Auto") => new LstmReluNobias(),
        ("lstm_relu_nobias", "Loops") => new LstmReluNobiasLoops(),
        ("gru_basic", "Auto") => new GruBasic(),
        ("gru_basic", "Loops") => new GruBasicLoops(),
        ("gru_seq_backwards", "Auto") => new GruSeqBackwards(),
        ("gru_seq_backwards", "Loops") => new GruSeqBackwardsLoops(),
        ("gru_long42", "Auto") => new GruLong42(),
        ("gru_long42", "Loops") => new GruLong42Loops(),
        ("gru_reset_before", "Auto") => new GruResetBefore(),
        ("gru_reset_before", "Loops") => new GruResetBeforeLoops(),
        ("gru_nobias", "Auto") => new GruNobias(),
        ("gru_nobias", "Loops") => new GruNobiasLoops(),
        ("emb_gru_lstm", "Auto") => new EmbGruLstm(),
        ("emb_gru_lstm", "Loops") => new EmbGruLstmLoops(),
        ("emb_srnn", "Auto") => new EmbSrnn(),
        ("emb_srnn", "Loops") => new EmbSrnnLoops(),
        ("mixed", "Auto") => new Mixed(),
        ("mixed", "Loops") => new MixedLoops(),
        ("gru_seq_backwards_reset_before", "Auto") => new GruSeqBackwardsResetBefore(),
        ("gru_seq_backwards_reset_before", "Loops") => new GruSeqBackwardsResetBeforeLoops(),
        ("gru_nobias_reset_before", "Auto") => new GruNobiasResetBefore(),
        ("gru_nobias_reset_before", "Loops") => new GruNobiasResetBeforeLoops(),
        ("emb_gru_lstm_reset_before", "Auto") => new EmbGruLstmResetBefore(),
        ("emb_gru_lstm_reset_before", "Loops") => new EmbGruLstmResetBeforeLoops(),
        ("mixed_reset_before", "Auto") => new MixedResetBefore(),
        ("mixed_reset_before", "Loops") => new MixedResetBeforeLoops(),
        _ => throw new ArgumentException($"No generated model for fixture case '{name}' in mode {mode}."),
    };
}
