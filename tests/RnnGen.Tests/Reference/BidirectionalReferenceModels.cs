// Models matching every case of tests/reference/fixtures/layers_bidirectional.json (TensorFlow.js 4.22) and
// bidirectional_pytorch.json (PyTorch 1.13), each declared as the generator chooses (Auto) and forced into every tier
// (constant-bound loops, straight-line code, the vector tier), so each tier's bidirectional layers meet the frameworks.
namespace RnnGen.Tests.Reference;

[RnnModel(5, 3)]
[SimpleRnn(4, Bidirectional = true)]
[Dense(2)]
public partial class BidiSrnnConcat;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[SimpleRnn(4, Bidirectional = true)]
[Dense(2)]
public partial class BidiSrnnConcatLoops;

[RnnModel(5, 3, Unroll = UnrollMode.Full)]
[SimpleRnn(4, Bidirectional = true)]
[Dense(2)]
public partial class BidiSrnnConcatFull;

[RnnModel(5, 3, Unroll = UnrollMode.Vector)]
[SimpleRnn(4, Bidirectional = true)]
[Dense(2)]
public partial class BidiSrnnConcatVector;

[RnnModel(4, 2)]
[SimpleRnn(3, ReturnSequences = true, Bidirectional = true, Merge = MergeMode.Sum)]
[Dense(2)]
public partial class BidiSrnnSumSeq;

[RnnModel(4, 2, Unroll = UnrollMode.Loops)]
[SimpleRnn(3, ReturnSequences = true, Bidirectional = true, Merge = MergeMode.Sum)]
[Dense(2)]
public partial class BidiSrnnSumSeqLoops;

[RnnModel(4, 2, Unroll = UnrollMode.Full)]
[SimpleRnn(3, ReturnSequences = true, Bidirectional = true, Merge = MergeMode.Sum)]
[Dense(2)]
public partial class BidiSrnnSumSeqFull;

[RnnModel(4, 2, Unroll = UnrollMode.Vector)]
[SimpleRnn(3, ReturnSequences = true, Bidirectional = true, Merge = MergeMode.Sum)]
[Dense(2)]
public partial class BidiSrnnSumSeqVector;

[RnnModel(6, 2)]
[SimpleRnn(5, Bidirectional = true, Merge = MergeMode.Multiply)]
[Dense(1)]
public partial class BidiSrnnMul;

[RnnModel(6, 2, Unroll = UnrollMode.Loops)]
[SimpleRnn(5, Bidirectional = true, Merge = MergeMode.Multiply)]
[Dense(1)]
public partial class BidiSrnnMulLoops;

[RnnModel(6, 2, Unroll = UnrollMode.Full)]
[SimpleRnn(5, Bidirectional = true, Merge = MergeMode.Multiply)]
[Dense(1)]
public partial class BidiSrnnMulFull;

[RnnModel(6, 2, Unroll = UnrollMode.Vector)]
[SimpleRnn(5, Bidirectional = true, Merge = MergeMode.Multiply)]
[Dense(1)]
public partial class BidiSrnnMulVector;

[RnnModel(5, 3)]
[SimpleRnn(3, ReturnSequences = true, Bidirectional = true, Merge = MergeMode.Average)]
[Dense(2, Activation = Activation.Tanh)]
public partial class BidiSrnnAveSeq;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[SimpleRnn(3, ReturnSequences = true, Bidirectional = true, Merge = MergeMode.Average)]
[Dense(2, Activation = Activation.Tanh)]
public partial class BidiSrnnAveSeqLoops;

[RnnModel(5, 3, Unroll = UnrollMode.Full)]
[SimpleRnn(3, ReturnSequences = true, Bidirectional = true, Merge = MergeMode.Average)]
[Dense(2, Activation = Activation.Tanh)]
public partial class BidiSrnnAveSeqFull;

[RnnModel(5, 3, Unroll = UnrollMode.Vector)]
[SimpleRnn(3, ReturnSequences = true, Bidirectional = true, Merge = MergeMode.Average)]
[Dense(2, Activation = Activation.Tanh)]
public partial class BidiSrnnAveSeqVector;

[RnnModel(5, 2)]
[Lstm(3, ReturnSequences = true, Bidirectional = true)]
[Dense(2)]
public partial class BidiLstmConcatSeq;

[RnnModel(5, 2, Unroll = UnrollMode.Loops)]
[Lstm(3, ReturnSequences = true, Bidirectional = true)]
[Dense(2)]
public partial class BidiLstmConcatSeqLoops;

[RnnModel(5, 2, Unroll = UnrollMode.Full)]
[Lstm(3, ReturnSequences = true, Bidirectional = true)]
[Dense(2)]
public partial class BidiLstmConcatSeqFull;

[RnnModel(5, 2, Unroll = UnrollMode.Vector)]
[Lstm(3, ReturnSequences = true, Bidirectional = true)]
[Dense(2)]
public partial class BidiLstmConcatSeqVector;

[RnnModel(4, 3)]
[Lstm(4, Bidirectional = true, Merge = MergeMode.Sum)]
[Dense(2)]
public partial class BidiLstmSum;

[RnnModel(4, 3, Unroll = UnrollMode.Loops)]
[Lstm(4, Bidirectional = true, Merge = MergeMode.Sum)]
[Dense(2)]
public partial class BidiLstmSumLoops;

[RnnModel(4, 3, Unroll = UnrollMode.Full)]
[Lstm(4, Bidirectional = true, Merge = MergeMode.Sum)]
[Dense(2)]
public partial class BidiLstmSumFull;

[RnnModel(4, 3, Unroll = UnrollMode.Vector)]
[Lstm(4, Bidirectional = true, Merge = MergeMode.Sum)]
[Dense(2)]
public partial class BidiLstmSumVector;

[RnnModel(4, 2)]
[Lstm(3, ReturnSequences = true, Bidirectional = true, Merge = MergeMode.Multiply)]
[Dense(1)]
public partial class BidiLstmMulSeq;

[RnnModel(4, 2, Unroll = UnrollMode.Loops)]
[Lstm(3, ReturnSequences = true, Bidirectional = true, Merge = MergeMode.Multiply)]
[Dense(1)]
public partial class BidiLstmMulSeqLoops;

[RnnModel(4, 2, Unroll = UnrollMode.Full)]
[Lstm(3, ReturnSequences = true, Bidirectional = true, Merge = MergeMode.Multiply)]
[Dense(1)]
public partial class BidiLstmMulSeqFull;

[RnnModel(4, 2, Unroll = UnrollMode.Vector)]
[Lstm(3, ReturnSequences = true, Bidirectional = true, Merge = MergeMode.Multiply)]
[Dense(1)]
public partial class BidiLstmMulSeqVector;

[RnnModel(6, 3)]
[Lstm(5, Bidirectional = true, Merge = MergeMode.Average)]
[Dense(2, Activation = Activation.Sigmoid)]
public partial class BidiLstmAve;

[RnnModel(6, 3, Unroll = UnrollMode.Loops)]
[Lstm(5, Bidirectional = true, Merge = MergeMode.Average)]
[Dense(2, Activation = Activation.Sigmoid)]
public partial class BidiLstmAveLoops;

[RnnModel(6, 3, Unroll = UnrollMode.Full)]
[Lstm(5, Bidirectional = true, Merge = MergeMode.Average)]
[Dense(2, Activation = Activation.Sigmoid)]
public partial class BidiLstmAveFull;

[RnnModel(6, 3, Unroll = UnrollMode.Vector)]
[Lstm(5, Bidirectional = true, Merge = MergeMode.Average)]
[Dense(2, Activation = Activation.Sigmoid)]
public partial class BidiLstmAveVector;

[RnnModel(5, 3)]
[Lstm(4, RecurrentActivation = Activation.HardSigmoid, Bidirectional = true)]
[Dense(2)]
public partial class BidiLstmHardSigmoid;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[Lstm(4, RecurrentActivation = Activation.HardSigmoid, Bidirectional = true)]
[Dense(2)]
public partial class BidiLstmHardSigmoidLoops;

[RnnModel(5, 3, Unroll = UnrollMode.Full)]
[Lstm(4, RecurrentActivation = Activation.HardSigmoid, Bidirectional = true)]
[Dense(2)]
public partial class BidiLstmHardSigmoidFull;

[RnnModel(5, 3, Unroll = UnrollMode.Vector)]
[Lstm(4, RecurrentActivation = Activation.HardSigmoid, Bidirectional = true)]
[Dense(2)]
public partial class BidiLstmHardSigmoidVector;

[RnnModel(4, 2)]
[Lstm(3, RecurrentActivation = Activation.HardSigmoid, ReturnSequences = true, Bidirectional = true, Merge = MergeMode.Sum)]
[Dense(2)]
public partial class BidiLstmHardSigmoidWide;

[RnnModel(4, 2, Unroll = UnrollMode.Loops)]
[Lstm(3, RecurrentActivation = Activation.HardSigmoid, ReturnSequences = true, Bidirectional = true, Merge = MergeMode.Sum)]
[Dense(2)]
public partial class BidiLstmHardSigmoidWideLoops;

[RnnModel(4, 2, Unroll = UnrollMode.Full)]
[Lstm(3, RecurrentActivation = Activation.HardSigmoid, ReturnSequences = true, Bidirectional = true, Merge = MergeMode.Sum)]
[Dense(2)]
public partial class BidiLstmHardSigmoidWideFull;

[RnnModel(4, 2, Unroll = UnrollMode.Vector)]
[Lstm(3, RecurrentActivation = Activation.HardSigmoid, ReturnSequences = true, Bidirectional = true, Merge = MergeMode.Sum)]
[Dense(2)]
public partial class BidiLstmHardSigmoidWideVector;

[RnnModel(5, 3)]
[Gru(4, ResetAfter = false, Bidirectional = true)]
[Dense(2)]
public partial class BidiGruConcat;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[Gru(4, ResetAfter = false, Bidirectional = true)]
[Dense(2)]
public partial class BidiGruConcatLoops;

[RnnModel(5, 3, Unroll = UnrollMode.Full)]
[Gru(4, ResetAfter = false, Bidirectional = true)]
[Dense(2)]
public partial class BidiGruConcatFull;

[RnnModel(5, 3, Unroll = UnrollMode.Vector)]
[Gru(4, ResetAfter = false, Bidirectional = true)]
[Dense(2)]
public partial class BidiGruConcatVector;

[RnnModel(6, 2)]
[Gru(3, ReturnSequences = true, ResetAfter = false, Bidirectional = true, Merge = MergeMode.Sum)]
[Dense(2)]
public partial class BidiGruSumSeq;

[RnnModel(6, 2, Unroll = UnrollMode.Loops)]
[Gru(3, ReturnSequences = true, ResetAfter = false, Bidirectional = true, Merge = MergeMode.Sum)]
[Dense(2)]
public partial class BidiGruSumSeqLoops;

[RnnModel(6, 2, Unroll = UnrollMode.Full)]
[Gru(3, ReturnSequences = true, ResetAfter = false, Bidirectional = true, Merge = MergeMode.Sum)]
[Dense(2)]
public partial class BidiGruSumSeqFull;

[RnnModel(6, 2, Unroll = UnrollMode.Vector)]
[Gru(3, ReturnSequences = true, ResetAfter = false, Bidirectional = true, Merge = MergeMode.Sum)]
[Dense(2)]
public partial class BidiGruSumSeqVector;

[RnnModel(4, 2)]
[Gru(5, ResetAfter = false, Bidirectional = true, Merge = MergeMode.Multiply)]
[Dense(1)]
public partial class BidiGruMul;

[RnnModel(4, 2, Unroll = UnrollMode.Loops)]
[Gru(5, ResetAfter = false, Bidirectional = true, Merge = MergeMode.Multiply)]
[Dense(1)]
public partial class BidiGruMulLoops;

[RnnModel(4, 2, Unroll = UnrollMode.Full)]
[Gru(5, ResetAfter = false, Bidirectional = true, Merge = MergeMode.Multiply)]
[Dense(1)]
public partial class BidiGruMulFull;

[RnnModel(4, 2, Unroll = UnrollMode.Vector)]
[Gru(5, ResetAfter = false, Bidirectional = true, Merge = MergeMode.Multiply)]
[Dense(1)]
public partial class BidiGruMulVector;

[RnnModel(5, 3)]
[Gru(4, ReturnSequences = true, ResetAfter = false, Bidirectional = true, Merge = MergeMode.Average)]
[Dense(3, Activation = Activation.Softmax)]
public partial class BidiGruAveSeq;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[Gru(4, ReturnSequences = true, ResetAfter = false, Bidirectional = true, Merge = MergeMode.Average)]
[Dense(3, Activation = Activation.Softmax)]
public partial class BidiGruAveSeqLoops;

[RnnModel(5, 3, Unroll = UnrollMode.Full)]
[Gru(4, ReturnSequences = true, ResetAfter = false, Bidirectional = true, Merge = MergeMode.Average)]
[Dense(3, Activation = Activation.Softmax)]
public partial class BidiGruAveSeqFull;

[RnnModel(5, 3, Unroll = UnrollMode.Vector)]
[Gru(4, ReturnSequences = true, ResetAfter = false, Bidirectional = true, Merge = MergeMode.Average)]
[Dense(3, Activation = Activation.Softmax)]
public partial class BidiGruAveSeqVector;

[RnnModel(5, 3)]
[Lstm(4, ReturnSequences = true, Bidirectional = true)]
[Gru(3, ResetAfter = false, Bidirectional = true, Merge = MergeMode.Sum)]
[Dense(2)]
public partial class BidiStackedLstmGru;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[Lstm(4, ReturnSequences = true, Bidirectional = true)]
[Gru(3, ResetAfter = false, Bidirectional = true, Merge = MergeMode.Sum)]
[Dense(2)]
public partial class BidiStackedLstmGruLoops;

[RnnModel(5, 3, Unroll = UnrollMode.Full)]
[Lstm(4, ReturnSequences = true, Bidirectional = true)]
[Gru(3, ResetAfter = false, Bidirectional = true, Merge = MergeMode.Sum)]
[Dense(2)]
public partial class BidiStackedLstmGruFull;

[RnnModel(5, 3, Unroll = UnrollMode.Vector)]
[Lstm(4, ReturnSequences = true, Bidirectional = true)]
[Gru(3, ResetAfter = false, Bidirectional = true, Merge = MergeMode.Sum)]
[Dense(2)]
public partial class BidiStackedLstmGruVector;

[RnnModel(4, 2)]
[SimpleRnn(3, ReturnSequences = true, Bidirectional = true, Merge = MergeMode.Average)]
[Lstm(3, ReturnSequences = true, Bidirectional = true)]
[Dense(1)]
public partial class BidiStackedSrnnSeq;

[RnnModel(4, 2, Unroll = UnrollMode.Loops)]
[SimpleRnn(3, ReturnSequences = true, Bidirectional = true, Merge = MergeMode.Average)]
[Lstm(3, ReturnSequences = true, Bidirectional = true)]
[Dense(1)]
public partial class BidiStackedSrnnSeqLoops;

[RnnModel(4, 2, Unroll = UnrollMode.Full)]
[SimpleRnn(3, ReturnSequences = true, Bidirectional = true, Merge = MergeMode.Average)]
[Lstm(3, ReturnSequences = true, Bidirectional = true)]
[Dense(1)]
public partial class BidiStackedSrnnSeqFull;

[RnnModel(4, 2, Unroll = UnrollMode.Vector)]
[SimpleRnn(3, ReturnSequences = true, Bidirectional = true, Merge = MergeMode.Average)]
[Lstm(3, ReturnSequences = true, Bidirectional = true)]
[Dense(1)]
public partial class BidiStackedSrnnSeqVector;

[RnnModel(5, 3)]
[SimpleRnn(4, Bidirectional = true)]
[Dense(2)]
public partial class BidiTorchSrnn;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[SimpleRnn(4, Bidirectional = true)]
[Dense(2)]
public partial class BidiTorchSrnnLoops;

[RnnModel(5, 3, Unroll = UnrollMode.Full)]
[SimpleRnn(4, Bidirectional = true)]
[Dense(2)]
public partial class BidiTorchSrnnFull;

[RnnModel(5, 3, Unroll = UnrollMode.Vector)]
[SimpleRnn(4, Bidirectional = true)]
[Dense(2)]
public partial class BidiTorchSrnnVector;

[RnnModel(4, 2)]
[SimpleRnn(3, ReturnSequences = true, Bidirectional = true)]
[Dense(2)]
public partial class BidiTorchSrnnSeq;

[RnnModel(4, 2, Unroll = UnrollMode.Loops)]
[SimpleRnn(3, ReturnSequences = true, Bidirectional = true)]
[Dense(2)]
public partial class BidiTorchSrnnSeqLoops;

[RnnModel(4, 2, Unroll = UnrollMode.Full)]
[SimpleRnn(3, ReturnSequences = true, Bidirectional = true)]
[Dense(2)]
public partial class BidiTorchSrnnSeqFull;

[RnnModel(4, 2, Unroll = UnrollMode.Vector)]
[SimpleRnn(3, ReturnSequences = true, Bidirectional = true)]
[Dense(2)]
public partial class BidiTorchSrnnSeqVector;

[RnnModel(5, 3)]
[Lstm(4, Bidirectional = true)]
[Dense(2)]
public partial class BidiTorchLstm;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[Lstm(4, Bidirectional = true)]
[Dense(2)]
public partial class BidiTorchLstmLoops;

[RnnModel(5, 3, Unroll = UnrollMode.Full)]
[Lstm(4, Bidirectional = true)]
[Dense(2)]
public partial class BidiTorchLstmFull;

[RnnModel(5, 3, Unroll = UnrollMode.Vector)]
[Lstm(4, Bidirectional = true)]
[Dense(2)]
public partial class BidiTorchLstmVector;

[RnnModel(5, 2)]
[Lstm(3, ReturnSequences = true, Bidirectional = true)]
[Dense(2, Activation = Activation.Tanh)]
public partial class BidiTorchLstmSeq;

[RnnModel(5, 2, Unroll = UnrollMode.Loops)]
[Lstm(3, ReturnSequences = true, Bidirectional = true)]
[Dense(2, Activation = Activation.Tanh)]
public partial class BidiTorchLstmSeqLoops;

[RnnModel(5, 2, Unroll = UnrollMode.Full)]
[Lstm(3, ReturnSequences = true, Bidirectional = true)]
[Dense(2, Activation = Activation.Tanh)]
public partial class BidiTorchLstmSeqFull;

[RnnModel(5, 2, Unroll = UnrollMode.Vector)]
[Lstm(3, ReturnSequences = true, Bidirectional = true)]
[Dense(2, Activation = Activation.Tanh)]
public partial class BidiTorchLstmSeqVector;

[RnnModel(6, 3)]
[Gru(4, Bidirectional = true)]
[Dense(2)]
public partial class BidiTorchGru;

[RnnModel(6, 3, Unroll = UnrollMode.Loops)]
[Gru(4, Bidirectional = true)]
[Dense(2)]
public partial class BidiTorchGruLoops;

[RnnModel(6, 3, Unroll = UnrollMode.Full)]
[Gru(4, Bidirectional = true)]
[Dense(2)]
public partial class BidiTorchGruFull;

[RnnModel(6, 3, Unroll = UnrollMode.Vector)]
[Gru(4, Bidirectional = true)]
[Dense(2)]
public partial class BidiTorchGruVector;

[RnnModel(4, 2)]
[Gru(3, ReturnSequences = true, Bidirectional = true)]
[Dense(1)]
public partial class BidiTorchGruSeq;

[RnnModel(4, 2, Unroll = UnrollMode.Loops)]
[Gru(3, ReturnSequences = true, Bidirectional = true)]
[Dense(1)]
public partial class BidiTorchGruSeqLoops;

[RnnModel(4, 2, Unroll = UnrollMode.Full)]
[Gru(3, ReturnSequences = true, Bidirectional = true)]
[Dense(1)]
public partial class BidiTorchGruSeqFull;

[RnnModel(4, 2, Unroll = UnrollMode.Vector)]
[Gru(3, ReturnSequences = true, Bidirectional = true)]
[Dense(1)]
public partial class BidiTorchGruSeqVector;

[RnnModel(5, 3)]
[Lstm(3, ReturnSequences = true, Bidirectional = true, Merge = MergeMode.Sum)]
[Dense(2)]
public partial class BidiTorchLstmSumSeq;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[Lstm(3, ReturnSequences = true, Bidirectional = true, Merge = MergeMode.Sum)]
[Dense(2)]
public partial class BidiTorchLstmSumSeqLoops;

[RnnModel(5, 3, Unroll = UnrollMode.Full)]
[Lstm(3, ReturnSequences = true, Bidirectional = true, Merge = MergeMode.Sum)]
[Dense(2)]
public partial class BidiTorchLstmSumSeqFull;

[RnnModel(5, 3, Unroll = UnrollMode.Vector)]
[Lstm(3, ReturnSequences = true, Bidirectional = true, Merge = MergeMode.Sum)]
[Dense(2)]
public partial class BidiTorchLstmSumSeqVector;

[RnnModel(5, 2)]
[Gru(4, Bidirectional = true, Merge = MergeMode.Sum)]
[Dense(2)]
public partial class BidiTorchGruSum;

[RnnModel(5, 2, Unroll = UnrollMode.Loops)]
[Gru(4, Bidirectional = true, Merge = MergeMode.Sum)]
[Dense(2)]
public partial class BidiTorchGruSumLoops;

[RnnModel(5, 2, Unroll = UnrollMode.Full)]
[Gru(4, Bidirectional = true, Merge = MergeMode.Sum)]
[Dense(2)]
public partial class BidiTorchGruSumFull;

[RnnModel(5, 2, Unroll = UnrollMode.Vector)]
[Gru(4, Bidirectional = true, Merge = MergeMode.Sum)]
[Dense(2)]
public partial class BidiTorchGruSumVector;

[RnnModel(5, 3)]
[Lstm(4, ReturnSequences = true, Bidirectional = true)]
[Gru(3, Bidirectional = true)]
[Dense(2)]
public partial class BidiTorchStacked;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[Lstm(4, ReturnSequences = true, Bidirectional = true)]
[Gru(3, Bidirectional = true)]
[Dense(2)]
public partial class BidiTorchStackedLoops;

[RnnModel(5, 3, Unroll = UnrollMode.Full)]
[Lstm(4, ReturnSequences = true, Bidirectional = true)]
[Gru(3, Bidirectional = true)]
[Dense(2)]
public partial class BidiTorchStackedFull;

[RnnModel(5, 3, Unroll = UnrollMode.Vector)]
[Lstm(4, ReturnSequences = true, Bidirectional = true)]
[Gru(3, Bidirectional = true)]
[Dense(2)]
public partial class BidiTorchStackedVector;

public static class BidirectionalReferenceModels
{
    public static readonly string[] Modes = ["Auto", "Loops", "Full", "Vector"];

    public static IBatchModel Create(string name, string mode) => (name, mode) switch
    {
        ("bidi_srnn_concat", "Auto") => new BidiSrnnConcat(),
        ("bidi_srnn_concat", "Loops") => new BidiSrnnConcatLoops(),
        ("bidi_srnn_concat", "Full") => new BidiSrnnConcatFull(),
        ("bidi_srnn_concat", "Vector") => new BidiSrnnConcatVector(),
        ("bidi_srnn_sum_seq", "Auto") => new BidiSrnnSumSeq(),
        ("bidi_srnn_sum_seq", "Loops") => new BidiSrnnSumSeqLoops(),
        ("bidi_srnn_sum_seq", "Full") => new BidiSrnnSumSeqFull(),
        ("bidi_srnn_sum_seq", "Vector") => new BidiSrnnSumSeqVector(),
        ("bidi_srnn_mul", "Auto") => new BidiSrnnMul(),
        ("bidi_srnn_mul", "Loops") => new BidiSrnnMulLoops(),
        ("bidi_srnn_mul", "Full") => new BidiSrnnMulFull(),
        ("bidi_srnn_mul", "Vector") => new BidiSrnnMulVector(),
        ("bidi_srnn_ave_seq", "Auto") => new BidiSrnnAveSeq(),
        ("bidi_srnn_ave_seq", "Loops") => new BidiSrnnAveSeqLoops(),
        ("bidi_srnn_ave_seq", "Full") => new BidiSrnnAveSeqFull(),
        ("bidi_srnn_ave_seq", "Vector") => new BidiSrnnAveSeqVector(),
        ("bidi_lstm_concat_seq", "Auto") => new BidiLstmConcatSeq(),
        ("bidi_lstm_concat_seq", "Loops") => new BidiLstmConcatSeqLoops(),
        ("bidi_lstm_concat_seq", "Full") => new BidiLstmConcatSeqFull(),
        ("bidi_lstm_concat_seq", "Vector") => new BidiLstmConcatSeqVector(),
        ("bidi_lstm_sum", "Auto") => new BidiLstmSum(),
        ("bidi_lstm_sum", "Loops") => new BidiLstmSumLoops(),
        ("bidi_lstm_sum", "Full") => new BidiLstmSumFull(),
        ("bidi_lstm_sum", "Vector") => new BidiLstmSumVector(),
        ("bidi_lstm_mul_seq", "Auto") => new BidiLstmMulSeq(),
        ("bidi_lstm_mul_seq", "Loops") => new BidiLstmMulSeqLoops(),
        ("bidi_lstm_mul_seq", "Full") => new BidiLstmMulSeqFull(),
        ("bidi_lstm_mul_seq", "Vector") => new BidiLstmMulSeqVector(),
        ("bidi_lstm_ave", "Auto") => new BidiLstmAve(),
        ("bidi_lstm_ave", "Loops") => new BidiLstmAveLoops(),
        ("bidi_lstm_ave", "Full") => new BidiLstmAveFull(),
        ("bidi_lstm_ave", "Vector") => new BidiLstmAveVector(),
        ("bidi_lstm_hard_sigmoid", "Auto") => new BidiLstmHardSigmoid(),
        ("bidi_lstm_hard_sigmoid", "Loops") => new BidiLstmHardSigmoidLoops(),
        ("bidi_lstm_hard_sigmoid", "Full") => new BidiLstmHardSigmoidFull(),
        ("bidi_lstm_hard_sigmoid", "Vector") => new BidiLstmHardSigmoidVector(),
        ("bidi_lstm_hard_sigmoid_wide", "Auto") => new BidiLstmHardSigmoidWide(),
        ("bidi_lstm_hard_sigmoid_wide", "Loops") => new BidiLstmHardSigmoidWideLoops(),
        ("bidi_lstm_hard_sigmoid_wide", "Full") => new BidiLstmHardSigmoidWideFull(),
        ("bidi_lstm_hard_sigmoid_wide", "Vector") => new BidiLstmHardSigmoidWideVector(),
        ("bidi_gru_concat", "Auto") => new BidiGruConcat(),
        ("bidi_gru_concat", "Loops") => new BidiGruConcatLoops(),
        ("bidi_gru_concat", "Full") => new BidiGruConcatFull(),
        ("bidi_gru_concat", "Vector") => new BidiGruConcatVector(),
        ("bidi_gru_sum_seq", "Auto") => new BidiGruSumSeq(),
        ("bidi_gru_sum_seq", "Loops") => new BidiGruSumSeqLoops(),
        ("bidi_gru_sum_seq", "Full") => new BidiGruSumSeqFull(),
        ("bidi_gru_sum_seq", "Vector") => new BidiGruSumSeqVector(),
        ("bidi_gru_mul", "Auto") => new BidiGruMul(),
        ("bidi_gru_mul", "Loops") => new BidiGruMulLoops(),
        ("bidi_gru_mul", "Full") => new BidiGruMulFull(),
        ("bidi_gru_mul", "Vector") => new BidiGruMulVector(),
        ("bidi_gru_ave_seq", "Auto") => new BidiGruAveSeq(),
        ("bidi_gru_ave_seq", "Loops") => new BidiGruAveSeqLoops(),
        ("bidi_gru_ave_seq", "Full") => new BidiGruAveSeqFull(),
        ("bidi_gru_ave_seq", "Vector") => new BidiGruAveSeqVector(),
        ("bidi_stacked_lstm_gru", "Auto") => new BidiStackedLstmGru(),
        ("bidi_stacked_lstm_gru", "Loops") => new BidiStackedLstmGruLoops(),
        ("bidi_stacked_lstm_gru", "Full") => new BidiStackedLstmGruFull(),
        ("bidi_stacked_lstm_gru", "Vector") => new BidiStackedLstmGruVector(),
        ("bidi_stacked_srnn_seq", "Auto") => new BidiStackedSrnnSeq(),
        ("bidi_stacked_srnn_seq", "Loops") => new BidiStackedSrnnSeqLoops(),
        ("bidi_stacked_srnn_seq", "Full") => new BidiStackedSrnnSeqFull(),
        ("bidi_stacked_srnn_seq", "Vector") => new BidiStackedSrnnSeqVector(),
        ("bidi_torch_srnn", "Auto") => new BidiTorchSrnn(),
        ("bidi_torch_srnn", "Loops") => new BidiTorchSrnnLoops(),
        ("bidi_torch_srnn", "Full") => new BidiTorchSrnnFull(),
        ("bidi_torch_srnn", "Vector") => new BidiTorchSrnnVector(),
        ("bidi_torch_srnn_seq", "Auto") => new BidiTorchSrnnSeq(),
        ("bidi_torch_srnn_seq", "Loops") => new BidiTorchSrnnSeqLoops(),
        ("bidi_torch_srnn_seq", "Full") => new BidiTorchSrnnSeqFull(),
        ("bidi_torch_srnn_seq", "Vector") => new BidiTorchSrnnSeqVector(),
        ("bidi_torch_lstm", "Auto") => new BidiTorchLstm(),
        ("bidi_torch_lstm", "Loops") => new BidiTorchLstmLoops(),
        ("bidi_torch_lstm", "Full") => new BidiTorchLstmFull(),
        ("bidi_torch_lstm", "Vector") => new BidiTorchLstmVector(),
        ("bidi_torch_lstm_seq", "Auto") => new BidiTorchLstmSeq(),
        ("bidi_torch_lstm_seq", "Loops") => new BidiTorchLstmSeqLoops(),
        ("bidi_torch_lstm_seq", "Full") => new BidiTorchLstmSeqFull(),
        ("bidi_torch_lstm_seq", "Vector") => new BidiTorchLstmSeqVector(),
        ("bidi_torch_gru", "Auto") => new BidiTorchGru(),
        ("bidi_torch_gru", "Loops") => new BidiTorchGruLoops(),
        ("bidi_torch_gru", "Full") => new BidiTorchGruFull(),
        ("bidi_torch_gru", "Vector") => new BidiTorchGruVector(),
        ("bidi_torch_gru_seq", "Auto") => new BidiTorchGruSeq(),
        ("bidi_torch_gru_seq", "Loops") => new BidiTorchGruSeqLoops(),
        ("bidi_torch_gru_seq", "Full") => new BidiTorchGruSeqFull(),
        ("bidi_torch_gru_seq", "Vector") => new BidiTorchGruSeqVector(),
        ("bidi_torch_lstm_sum_seq", "Auto") => new BidiTorchLstmSumSeq(),
        ("bidi_torch_lstm_sum_seq", "Loops") => new BidiTorchLstmSumSeqLoops(),
        ("bidi_torch_lstm_sum_seq", "Full") => new BidiTorchLstmSumSeqFull(),
        ("bidi_torch_lstm_sum_seq", "Vector") => new BidiTorchLstmSumSeqVector(),
        ("bidi_torch_gru_sum", "Auto") => new BidiTorchGruSum(),
        ("bidi_torch_gru_sum", "Loops") => new BidiTorchGruSumLoops(),
        ("bidi_torch_gru_sum", "Full") => new BidiTorchGruSumFull(),
        ("bidi_torch_gru_sum", "Vector") => new BidiTorchGruSumVector(),
        ("bidi_torch_stacked", "Auto") => new BidiTorchStacked(),
        ("bidi_torch_stacked", "Loops") => new BidiTorchStackedLoops(),
        ("bidi_torch_stacked", "Full") => new BidiTorchStackedFull(),
        ("bidi_torch_stacked", "Vector") => new BidiTorchStackedVector(),
        _ => throw new KeyNotFoundException($"No bidirectional reference model for '{name}' in mode {mode}."),
    };
}
