// Models matching every case of tests/reference/fixtures/layers_pytorch.json (and layers_keras.json); the cases of
// layers_tfjs_defaults.json and layers_pytorch_gates.json are declared in RecurrentActivationModels.cs and created here too.
// Each case is declared four times: as the generator chooses (Auto), forced into constant-bound loops, forced into
// straight-line code and forced into the vector tier, so every emission tier is checked against PyTorch and Keras.
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

[RnnModel(1, 5, Unroll = UnrollMode.Full)]
[SimpleRnn(3)]
[Dense(5, Activation = Activation.Softmax)]
public partial class SrnnLetterFull;

[RnnModel(4, 3, Unroll = UnrollMode.Full)]
[SimpleRnn(5, ReturnSequences = true)]
[SimpleRnn(4)]
[Dense(2)]
public partial class SrnnStackedFull;

[RnnModel(5, 2, Unroll = UnrollMode.Full)]
[SimpleRnn(4, ReturnSequences = true)]
[Dense(3, Activation = Activation.Sigmoid)]
public partial class SrnnSeqDenseFull;

[RnnModel(6, 3, Unroll = UnrollMode.Full)]
[SimpleRnn(4, Activation = Activation.Relu)]
[Dense(1)]
public partial class SrnnReluFull;

[RnnModel(5, 3, Unroll = UnrollMode.Full)]
[SimpleRnn(4, ReturnSequences = true, GoBackwards = true)]
[SimpleRnn(3, GoBackwards = true)]
[Dense(2, Activation = Activation.Tanh)]
public partial class SrnnBackwardsFull;

[RnnModel(3, 4, Unroll = UnrollMode.Full)]
[SimpleRnn(3, Activation = Activation.Sigmoid, UseBias = false)]
[Dense(2, Activation = Activation.Relu, UseBias = false)]
public partial class SrnnNobiasFull;

[RnnModel(40, 3, Unroll = UnrollMode.Full)]
[SimpleRnn(8)]
[Dense(1)]
public partial class SrnnLong40Full;

[RnnModel(3, 2, Unroll = UnrollMode.Full)]
[SimpleRnn(3, Activation = Activation.Linear, ReturnSequences = true)]
public partial class SrnnLinearSeqFull;

[RnnModel(5, 3, Unroll = UnrollMode.Full)]
[Lstm(4)]
[Dense(2)]
public partial class LstmBasicFull;

[RnnModel(6, 2, Unroll = UnrollMode.Full)]
[Lstm(5, ReturnSequences = true)]
[Dense(3, Activation = Activation.Softmax)]
public partial class LstmSeqFull;

[RnnModel(5, 3, Unroll = UnrollMode.Full)]
[Lstm(4, ReturnSequences = true, GoBackwards = true)]
[Lstm(3)]
[Dense(1)]
public partial class LstmStackedBackwardsFull;

[RnnModel(45, 2, Unroll = UnrollMode.Full)]
[Lstm(6)]
[Dense(1)]
public partial class LstmLong45Full;

[RnnModel(4, 3, Unroll = UnrollMode.Full)]
[Lstm(4, Activation = Activation.Relu, UseBias = false)]
[Dense(2)]
public partial class LstmReluNobiasFull;

[RnnModel(5, 3, Unroll = UnrollMode.Full)]
[Gru(4)]
[Dense(2)]
public partial class GruBasicFull;

[RnnModel(6, 2, Unroll = UnrollMode.Full)]
[Gru(5, ReturnSequences = true, GoBackwards = true)]
[Dense(2, Activation = Activation.Sigmoid)]
public partial class GruSeqBackwardsFull;

[RnnModel(42, 2, Unroll = UnrollMode.Full)]
[Gru(6)]
[Dense(1)]
public partial class GruLong42Full;

[RnnModel(5, 3, Unroll = UnrollMode.Full)]
[Gru(4, ResetAfter = false)]
[Dense(2)]
public partial class GruResetBeforeFull;

[RnnModel(4, 3, Unroll = UnrollMode.Full)]
[Gru(3, UseBias = false)]
[Dense(1)]
public partial class GruNobiasFull;

[RnnModel(7, 4, Unroll = UnrollMode.Full)]
[Embedding(11, 4)]
[Gru(5, ReturnSequences = true)]
[Lstm(3)]
[Dense(1, Activation = Activation.Sigmoid)]
public partial class EmbGruLstmFull;

[RnnModel(6, 3, Unroll = UnrollMode.Full)]
[Embedding(9, 3)]
[SimpleRnn(4)]
[Dense(2, Activation = Activation.Softmax)]
public partial class EmbSrnnFull;

[RnnModel(5, 3, Unroll = UnrollMode.Full)]
[SimpleRnn(4, ReturnSequences = true)]
[Gru(3, ReturnSequences = true)]
[Lstm(3)]
[Dense(2)]
public partial class MixedFull;

[RnnModel(6, 2, Unroll = UnrollMode.Full)]
[Gru(5, ReturnSequences = true, GoBackwards = true, ResetAfter = false)]
[Dense(2, Activation = Activation.Sigmoid)]
public partial class GruSeqBackwardsResetBeforeFull;

[RnnModel(4, 3, Unroll = UnrollMode.Full)]
[Gru(3, UseBias = false, ResetAfter = false)]
[Dense(1)]
public partial class GruNobiasResetBeforeFull;

[RnnModel(7, 4, Unroll = UnrollMode.Full)]
[Embedding(11, 4)]
[Gru(5, ReturnSequences = true, ResetAfter = false)]
[Lstm(3)]
[Dense(1, Activation = Activation.Sigmoid)]
public partial class EmbGruLstmResetBeforeFull;

[RnnModel(5, 3, Unroll = UnrollMode.Full)]
[SimpleRnn(4, ReturnSequences = true)]
[Gru(3, ReturnSequences = true, ResetAfter = false)]
[Lstm(3)]
[Dense(2)]
public partial class MixedResetBeforeFull;

[RnnModel(8, 6, Unroll = UnrollMode.Vector)]
[SimpleRnn(64)]
[Dense(4, Activation = Activation.Softmax)]
public partial class Srnn64Vector;

[RnnModel(1, 5, Unroll = UnrollMode.Vector)]
[SimpleRnn(3)]
[Dense(5, Activation = Activation.Softmax)]
public partial class SrnnLetterVector;

[RnnModel(4, 3, Unroll = UnrollMode.Vector)]
[SimpleRnn(5, ReturnSequences = true)]
[SimpleRnn(4)]
[Dense(2)]
public partial class SrnnStackedVector;

[RnnModel(5, 2, Unroll = UnrollMode.Vector)]
[SimpleRnn(4, ReturnSequences = true)]
[Dense(3, Activation = Activation.Sigmoid)]
public partial class SrnnSeqDenseVector;

[RnnModel(6, 3, Unroll = UnrollMode.Vector)]
[SimpleRnn(4, Activation = Activation.Relu)]
[Dense(1)]
public partial class SrnnReluVector;

[RnnModel(5, 3, Unroll = UnrollMode.Vector)]
[SimpleRnn(4, ReturnSequences = true, GoBackwards = true)]
[SimpleRnn(3, GoBackwards = true)]
[Dense(2, Activation = Activation.Tanh)]
public partial class SrnnBackwardsVector;

[RnnModel(3, 4, Unroll = UnrollMode.Vector)]
[SimpleRnn(3, Activation = Activation.Sigmoid, UseBias = false)]
[Dense(2, Activation = Activation.Relu, UseBias = false)]
public partial class SrnnNobiasVector;

[RnnModel(40, 3, Unroll = UnrollMode.Vector)]
[SimpleRnn(8)]
[Dense(1)]
public partial class SrnnLong40Vector;

[RnnModel(3, 2, Unroll = UnrollMode.Vector)]
[SimpleRnn(3, Activation = Activation.Linear, ReturnSequences = true)]
public partial class SrnnLinearSeqVector;

[RnnModel(5, 3, Unroll = UnrollMode.Vector)]
[Lstm(4)]
[Dense(2)]
public partial class LstmBasicVector;

[RnnModel(6, 2, Unroll = UnrollMode.Vector)]
[Lstm(5, ReturnSequences = true)]
[Dense(3, Activation = Activation.Softmax)]
public partial class LstmSeqVector;

[RnnModel(5, 3, Unroll = UnrollMode.Vector)]
[Lstm(4, ReturnSequences = true, GoBackwards = true)]
[Lstm(3)]
[Dense(1)]
public partial class LstmStackedBackwardsVector;

[RnnModel(45, 2, Unroll = UnrollMode.Vector)]
[Lstm(6)]
[Dense(1)]
public partial class LstmLong45Vector;

[RnnModel(4, 3, Unroll = UnrollMode.Vector)]
[Lstm(4, Activation = Activation.Relu, UseBias = false)]
[Dense(2)]
public partial class LstmReluNobiasVector;

[RnnModel(5, 3, Unroll = UnrollMode.Vector)]
[Gru(4)]
[Dense(2)]
public partial class GruBasicVector;

[RnnModel(6, 2, Unroll = UnrollMode.Vector)]
[Gru(5, ReturnSequences = true, GoBackwards = true)]
[Dense(2, Activation = Activation.Sigmoid)]
public partial class GruSeqBackwardsVector;

[RnnModel(42, 2, Unroll = UnrollMode.Vector)]
[Gru(6)]
[Dense(1)]
public partial class GruLong42Vector;

[RnnModel(5, 3, Unroll = UnrollMode.Vector)]
[Gru(4, ResetAfter = false)]
[Dense(2)]
public partial class GruResetBeforeVector;

[RnnModel(4, 3, Unroll = UnrollMode.Vector)]
[Gru(3, UseBias = false)]
[Dense(1)]
public partial class GruNobiasVector;

[RnnModel(7, 4, Unroll = UnrollMode.Vector)]
[Embedding(11, 4)]
[Gru(5, ReturnSequences = true)]
[Lstm(3)]
[Dense(1, Activation = Activation.Sigmoid)]
public partial class EmbGruLstmVector;

[RnnModel(6, 3, Unroll = UnrollMode.Vector)]
[Embedding(9, 3)]
[SimpleRnn(4)]
[Dense(2, Activation = Activation.Softmax)]
public partial class EmbSrnnVector;

[RnnModel(5, 3, Unroll = UnrollMode.Vector)]
[SimpleRnn(4, ReturnSequences = true)]
[Gru(3, ReturnSequences = true)]
[Lstm(3)]
[Dense(2)]
public partial class MixedVector;

[RnnModel(6, 2, Unroll = UnrollMode.Vector)]
[Gru(5, ReturnSequences = true, GoBackwards = true, ResetAfter = false)]
[Dense(2, Activation = Activation.Sigmoid)]
public partial class GruSeqBackwardsResetBeforeVector;

[RnnModel(4, 3, Unroll = UnrollMode.Vector)]
[Gru(3, UseBias = false, ResetAfter = false)]
[Dense(1)]
public partial class GruNobiasResetBeforeVector;

[RnnModel(7, 4, Unroll = UnrollMode.Vector)]
[Embedding(11, 4)]
[Gru(5, ReturnSequences = true, ResetAfter = false)]
[Lstm(3)]
[Dense(1, Activation = Activation.Sigmoid)]
public partial class EmbGruLstmResetBeforeVector;

[RnnModel(5, 3, Unroll = UnrollMode.Vector)]
[SimpleRnn(4, ReturnSequences = true)]
[Gru(3, ReturnSequences = true, ResetAfter = false)]
[Lstm(3)]
[Dense(2)]
public partial class MixedResetBeforeVector;


// Unit counts that split into every chunk width of the vector tier (16, 8, 4 and 1 lanes). Straight-line code
// would be large for these, so they are declared in the three other modes only.
[RnnModel(6, 5)]
[SimpleRnn(29)]
[Dense(3)]
public partial class SrnnLanes29;

[RnnModel(6, 5, Unroll = UnrollMode.Loops)]
[SimpleRnn(29)]
[Dense(3)]
public partial class SrnnLanes29Loops;

[RnnModel(6, 5, Unroll = UnrollMode.Vector)]
[SimpleRnn(29)]
[Dense(3)]
public partial class SrnnLanes29Vector;

[RnnModel(5, 3)]
[Lstm(20, ReturnSequences = true)]
[Lstm(13)]
[Dense(2)]
public partial class LstmLanes20x13;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[Lstm(20, ReturnSequences = true)]
[Lstm(13)]
[Dense(2)]
public partial class LstmLanes20x13Loops;

[RnnModel(5, 3, Unroll = UnrollMode.Vector)]
[Lstm(20, ReturnSequences = true)]
[Lstm(13)]
[Dense(2)]
public partial class LstmLanes20x13Vector;

[RnnModel(4, 2)]
[Lstm(32, UseBias = false, GoBackwards = true)]
[Dense(1)]
public partial class LstmLanes32Nobias;

[RnnModel(4, 2, Unroll = UnrollMode.Loops)]
[Lstm(32, UseBias = false, GoBackwards = true)]
[Dense(1)]
public partial class LstmLanes32NobiasLoops;

[RnnModel(4, 2, Unroll = UnrollMode.Vector)]
[Lstm(32, UseBias = false, GoBackwards = true)]
[Dense(1)]
public partial class LstmLanes32NobiasVector;

[RnnModel(5, 4)]
[Gru(21, GoBackwards = true, ReturnSequences = true)]
[Dense(2)]
public partial class GruLanes21Backwards;

[RnnModel(5, 4, Unroll = UnrollMode.Loops)]
[Gru(21, GoBackwards = true, ReturnSequences = true)]
[Dense(2)]
public partial class GruLanes21BackwardsLoops;

[RnnModel(5, 4, Unroll = UnrollMode.Vector)]
[Gru(21, GoBackwards = true, ReturnSequences = true)]
[Dense(2)]
public partial class GruLanes21BackwardsVector;

[RnnModel(4, 3)]
[Gru(12, ResetAfter = false, ReturnSequences = true)]
[Gru(9)]
[Dense(1)]
public partial class GruLanesResetBefore;

[RnnModel(4, 3, Unroll = UnrollMode.Loops)]
[Gru(12, ResetAfter = false, ReturnSequences = true)]
[Gru(9)]
[Dense(1)]
public partial class GruLanesResetBeforeLoops;

[RnnModel(4, 3, Unroll = UnrollMode.Vector)]
[Gru(12, ResetAfter = false, ReturnSequences = true)]
[Gru(9)]
[Dense(1)]
public partial class GruLanesResetBeforeVector;

[RnnModel(6, 8)]
[Embedding(20, 8)]
[Gru(16)]
[Dense(2, Activation = Activation.Softmax)]
public partial class EmbGruLanes16;

[RnnModel(6, 8, Unroll = UnrollMode.Loops)]
[Embedding(20, 8)]
[Gru(16)]
[Dense(2, Activation = Activation.Softmax)]
public partial class EmbGruLanes16Loops;

[RnnModel(6, 8, Unroll = UnrollMode.Vector)]
[Embedding(20, 8)]
[Gru(16)]
[Dense(2, Activation = Activation.Softmax)]
public partial class EmbGruLanes16Vector;

// Recurrent kernels above the vector tier's L1 budget (48 and 36 KB): the forward reads R's rows in alternating order.
// Also declared in the three other modes only.
[RnnModel(5, 3)]
[Gru(64)]
[Dense(2)]
public partial class GruRows64;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[Gru(64)]
[Dense(2)]
public partial class GruRows64Loops;

[RnnModel(5, 3, Unroll = UnrollMode.Vector)]
[Gru(64)]
[Dense(2)]
public partial class GruRows64Vector;

[RnnModel(4, 3)]
[Lstm(48, ReturnSequences = true)]
[Dense(1)]
public partial class LstmRows48Seq;

[RnnModel(4, 3, Unroll = UnrollMode.Loops)]
[Lstm(48, ReturnSequences = true)]
[Dense(1)]
public partial class LstmRows48SeqLoops;

[RnnModel(4, 3, Unroll = UnrollMode.Vector)]
[Lstm(48, ReturnSequences = true)]
[Dense(1)]
public partial class LstmRows48SeqVector;

/// <summary>Creates the generated model for a fixture case.</summary>
public static class ReferenceModels
{
    public static readonly string[] Modes = ["Auto", "Loops", "Full", "Vector"];

    /// <summary>
    /// Whether the case is declared in <paramref name="mode"/>: the large cases (the lane cases, the rows cases, srnn_64)
    /// have no straight-line twin, being above UnrollMode.Full's size limit (RNNG016).
    /// </summary>
    public static bool Has(string name, string mode) =>
        !((name.Contains("_lanes") || name.Contains("_rows") || name == "srnn_64") && mode == "Full");

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
        ("srnn_letter", "Full") => new SrnnLetterFull(),
        ("srnn_stacked", "Full") => new SrnnStackedFull(),
        ("srnn_seq_dense", "Full") => new SrnnSeqDenseFull(),
        ("srnn_relu", "Full") => new SrnnReluFull(),
        ("srnn_backwards", "Full") => new SrnnBackwardsFull(),
        ("srnn_nobias", "Full") => new SrnnNobiasFull(),
        ("srnn_long40", "Full") => new SrnnLong40Full(),
        ("srnn_linear_seq", "Full") => new SrnnLinearSeqFull(),
        ("lstm_basic", "Full") => new LstmBasicFull(),
        ("lstm_seq", "Full") => new LstmSeqFull(),
        ("lstm_stacked_backwards", "Full") => new LstmStackedBackwardsFull(),
        ("lstm_long45", "Full") => new LstmLong45Full(),
        ("lstm_relu_nobias", "Full") => new LstmReluNobiasFull(),
        ("gru_basic", "Full") => new GruBasicFull(),
        ("gru_seq_backwards", "Full") => new GruSeqBackwardsFull(),
        ("gru_long42", "Full") => new GruLong42Full(),
        ("gru_reset_before", "Full") => new GruResetBeforeFull(),
        ("gru_nobias", "Full") => new GruNobiasFull(),
        ("emb_gru_lstm", "Full") => new EmbGruLstmFull(),
        ("emb_srnn", "Full") => new EmbSrnnFull(),
        ("mixed", "Full") => new MixedFull(),
        ("gru_seq_backwards_reset_before", "Full") => new GruSeqBackwardsResetBeforeFull(),
        ("gru_nobias_reset_before", "Full") => new GruNobiasResetBeforeFull(),
        ("emb_gru_lstm_reset_before", "Full") => new EmbGruLstmResetBeforeFull(),
        ("mixed_reset_before", "Full") => new MixedResetBeforeFull(),
        ("srnn_64", "Vector") => new Srnn64Vector(),
        ("srnn_letter", "Vector") => new SrnnLetterVector(),
        ("srnn_stacked", "Vector") => new SrnnStackedVector(),
        ("srnn_seq_dense", "Vector") => new SrnnSeqDenseVector(),
        ("srnn_relu", "Vector") => new SrnnReluVector(),
        ("srnn_backwards", "Vector") => new SrnnBackwardsVector(),
        ("srnn_nobias", "Vector") => new SrnnNobiasVector(),
        ("srnn_long40", "Vector") => new SrnnLong40Vector(),
        ("srnn_linear_seq", "Vector") => new SrnnLinearSeqVector(),
        ("lstm_basic", "Vector") => new LstmBasicVector(),
        ("lstm_seq", "Vector") => new LstmSeqVector(),
        ("lstm_stacked_backwards", "Vector") => new LstmStackedBackwardsVector(),
        ("lstm_long45", "Vector") => new LstmLong45Vector(),
        ("lstm_relu_nobias", "Vector") => new LstmReluNobiasVector(),
        ("gru_basic", "Vector") => new GruBasicVector(),
        ("gru_seq_backwards", "Vector") => new GruSeqBackwardsVector(),
        ("gru_long42", "Vector") => new GruLong42Vector(),
        ("gru_reset_before", "Vector") => new GruResetBeforeVector(),
        ("gru_nobias", "Vector") => new GruNobiasVector(),
        ("emb_gru_lstm", "Vector") => new EmbGruLstmVector(),
        ("emb_srnn", "Vector") => new EmbSrnnVector(),
        ("mixed", "Vector") => new MixedVector(),
        ("gru_seq_backwards_reset_before", "Vector") => new GruSeqBackwardsResetBeforeVector(),
        ("gru_nobias_reset_before", "Vector") => new GruNobiasResetBeforeVector(),
        ("emb_gru_lstm_reset_before", "Vector") => new EmbGruLstmResetBeforeVector(),
        ("mixed_reset_before", "Vector") => new MixedResetBeforeVector(),
        ("srnn_lanes29", "Auto") => new SrnnLanes29(),
        ("srnn_lanes29", "Loops") => new SrnnLanes29Loops(),
        ("srnn_lanes29", "Vector") => new SrnnLanes29Vector(),
        ("lstm_lanes20_13", "Auto") => new LstmLanes20x13(),
        ("lstm_lanes20_13", "Loops") => new LstmLanes20x13Loops(),
        ("lstm_lanes20_13", "Vector") => new LstmLanes20x13Vector(),
        ("lstm_lanes32_nobias", "Auto") => new LstmLanes32Nobias(),
        ("lstm_lanes32_nobias", "Loops") => new LstmLanes32NobiasLoops(),
        ("lstm_lanes32_nobias", "Vector") => new LstmLanes32NobiasVector(),
        ("gru_lanes21_backwards", "Auto") => new GruLanes21Backwards(),
        ("gru_lanes21_backwards", "Loops") => new GruLanes21BackwardsLoops(),
        ("gru_lanes21_backwards", "Vector") => new GruLanes21BackwardsVector(),
        ("gru_lanes_reset_before", "Auto") => new GruLanesResetBefore(),
        ("gru_lanes_reset_before", "Loops") => new GruLanesResetBeforeLoops(),
        ("gru_lanes_reset_before", "Vector") => new GruLanesResetBeforeVector(),
        ("emb_gru_lanes16", "Auto") => new EmbGruLanes16(),
        ("emb_gru_lanes16", "Loops") => new EmbGruLanes16Loops(),
        ("emb_gru_lanes16", "Vector") => new EmbGruLanes16Vector(),
        ("gru_rows64", "Auto") => new GruRows64(),
        ("gru_rows64", "Loops") => new GruRows64Loops(),
        ("gru_rows64", "Vector") => new GruRows64Vector(),
        ("lstm_rows48_seq", "Auto") => new LstmRows48Seq(),
        ("lstm_rows48_seq", "Loops") => new LstmRows48SeqLoops(),
        ("lstm_rows48_seq", "Vector") => new LstmRows48SeqVector(),
        ("lstm_tfjs_defaults", "Auto") => new LstmTfjsDefaults(),
        ("lstm_tfjs_defaults", "Loops") => new LstmTfjsDefaultsLoops(),
        ("lstm_tfjs_defaults", "Full") => new LstmTfjsDefaultsFull(),
        ("lstm_tfjs_defaults", "Vector") => new LstmTfjsDefaultsVector(),
        ("lstm_tfjs_stacked_backwards", "Auto") => new LstmTfjsStackedBackwards(),
        ("lstm_tfjs_stacked_backwards", "Loops") => new LstmTfjsStackedBackwardsLoops(),
        ("lstm_tfjs_stacked_backwards", "Full") => new LstmTfjsStackedBackwardsFull(),
        ("lstm_tfjs_stacked_backwards", "Vector") => new LstmTfjsStackedBackwardsVector(),
        ("gru_tfjs_defaults", "Auto") => new GruTfjsDefaults(),
        ("gru_tfjs_defaults", "Loops") => new GruTfjsDefaultsLoops(),
        ("gru_tfjs_defaults", "Full") => new GruTfjsDefaultsFull(),
        ("gru_tfjs_defaults", "Vector") => new GruTfjsDefaultsVector(),
        ("gru_tfjs_seq_backwards", "Auto") => new GruTfjsSeqBackwards(),
        ("gru_tfjs_seq_backwards", "Loops") => new GruTfjsSeqBackwardsLoops(),
        ("gru_tfjs_seq_backwards", "Full") => new GruTfjsSeqBackwardsFull(),
        ("gru_tfjs_seq_backwards", "Vector") => new GruTfjsSeqBackwardsVector(),
        ("gru_tfjs_nobias", "Auto") => new GruTfjsNobias(),
        ("gru_tfjs_nobias", "Loops") => new GruTfjsNobiasLoops(),
        ("gru_tfjs_nobias", "Full") => new GruTfjsNobiasFull(),
        ("gru_tfjs_nobias", "Vector") => new GruTfjsNobiasVector(),
        ("srnn_hard_sigmoid", "Auto") => new SrnnHardSigmoid(),
        ("srnn_hard_sigmoid", "Loops") => new SrnnHardSigmoidLoops(),
        ("srnn_hard_sigmoid", "Full") => new SrnnHardSigmoidFull(),
        ("srnn_hard_sigmoid", "Vector") => new SrnnHardSigmoidVector(),
        ("lstm_tanh_gates", "Auto") => new LstmTanhGates(),
        ("lstm_tanh_gates", "Loops") => new LstmTanhGatesLoops(),
        ("lstm_tanh_gates", "Full") => new LstmTanhGatesFull(),
        ("lstm_tanh_gates", "Vector") => new LstmTanhGatesVector(),
        ("gru_linear_gates", "Auto") => new GruLinearGates(),
        ("gru_linear_gates", "Loops") => new GruLinearGatesLoops(),
        ("gru_linear_gates", "Full") => new GruLinearGatesFull(),
        ("gru_linear_gates", "Vector") => new GruLinearGatesVector(),
        ("lstm_tfjs_lanes20", "Auto") => new LstmTfjsLanes20(),
        ("lstm_tfjs_lanes20", "Loops") => new LstmTfjsLanes20Loops(),
        ("lstm_tfjs_lanes20", "Vector") => new LstmTfjsLanes20Vector(),
        ("gru_tfjs_lanes13_stacked", "Auto") => new GruTfjsLanes13Stacked(),
        ("gru_tfjs_lanes13_stacked", "Loops") => new GruTfjsLanes13StackedLoops(),
        ("gru_tfjs_lanes13_stacked", "Vector") => new GruTfjsLanes13StackedVector(),
        ("gru_reset_after_hard_sigmoid", "Auto") => new GruResetAfterHardSigmoid(),
        ("gru_reset_after_hard_sigmoid", "Loops") => new GruResetAfterHardSigmoidLoops(),
        ("gru_reset_after_hard_sigmoid", "Full") => new GruResetAfterHardSigmoidFull(),
        ("gru_reset_after_hard_sigmoid", "Vector") => new GruResetAfterHardSigmoidVector(),
        ("gru_reset_after_hard_sigmoid_nobias_backwards", "Auto") => new GruResetAfterHardSigmoidNobiasBackwards(),
        ("gru_reset_after_hard_sigmoid_nobias_backwards", "Loops") => new GruResetAfterHardSigmoidNobiasBackwardsLoops(),
        ("gru_reset_after_hard_sigmoid_nobias_backwards", "Full") => new GruResetAfterHardSigmoidNobiasBackwardsFull(),
        ("gru_reset_after_hard_sigmoid_nobias_backwards", "Vector") => new GruResetAfterHardSigmoidNobiasBackwardsVector(),
        ("gru_lanes21_hard_sigmoid", "Auto") => new GruLanes21HardSigmoid(),
        ("gru_lanes21_hard_sigmoid", "Loops") => new GruLanes21HardSigmoidLoops(),
        ("gru_lanes21_hard_sigmoid", "Vector") => new GruLanes21HardSigmoidVector(),
        ("emb_lstm_hard_sigmoid", "Auto") => new EmbLstmHardSigmoid(),
        ("emb_lstm_hard_sigmoid", "Loops") => new EmbLstmHardSigmoidLoops(),
        ("emb_lstm_hard_sigmoid", "Full") => new EmbLstmHardSigmoidFull(),
        ("emb_lstm_hard_sigmoid", "Vector") => new EmbLstmHardSigmoidVector(),
        _ => throw new ArgumentException($"No generated model for fixture case '{name}' in mode {mode}."),
    };
}
