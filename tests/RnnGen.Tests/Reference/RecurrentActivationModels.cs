// Models matching every case of tests/reference/fixtures/layers_tfjs_defaults.json (TensorFlow.js's recurrentActivation
// 'hardSigmoid' and reset-before GRU defaults, other element-wise gate activations, hardSigmoid on SimpleRnn and Dense)
// and of layers_pytorch_gates.json (hard_sigmoid gates where tfjs has no layer: the reset-after GRU; an Embedding model).
// As in ReferenceModels.cs, each case is declared in every tier: Auto, Loops, Full (below its size limit) and Vector.
namespace RnnGen.Tests.Reference;

[RnnModel(5, 3)]
[Lstm(4, RecurrentActivation = Activation.HardSigmoid)]
[Dense(2)]
public partial class LstmTfjsDefaults;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[Lstm(4, RecurrentActivation = Activation.HardSigmoid)]
[Dense(2)]
public partial class LstmTfjsDefaultsLoops;

[RnnModel(5, 3, Unroll = UnrollMode.Full)]
[Lstm(4, RecurrentActivation = Activation.HardSigmoid)]
[Dense(2)]
public partial class LstmTfjsDefaultsFull;

[RnnModel(5, 3, Unroll = UnrollMode.Vector)]
[Lstm(4, RecurrentActivation = Activation.HardSigmoid)]
[Dense(2)]
public partial class LstmTfjsDefaultsVector;

[RnnModel(4, 2)]
[Lstm(5, ReturnSequences = true, GoBackwards = true, RecurrentActivation = Activation.HardSigmoid)]
[Lstm(3, RecurrentActivation = Activation.HardSigmoid)]
[Dense(1)]
public partial class LstmTfjsStackedBackwards;

[RnnModel(4, 2, Unroll = UnrollMode.Loops)]
[Lstm(5, ReturnSequences = true, GoBackwards = true, RecurrentActivation = Activation.HardSigmoid)]
[Lstm(3, RecurrentActivation = Activation.HardSigmoid)]
[Dense(1)]
public partial class LstmTfjsStackedBackwardsLoops;

[RnnModel(4, 2, Unroll = UnrollMode.Full)]
[Lstm(5, ReturnSequences = true, GoBackwards = true, RecurrentActivation = Activation.HardSigmoid)]
[Lstm(3, RecurrentActivation = Activation.HardSigmoid)]
[Dense(1)]
public partial class LstmTfjsStackedBackwardsFull;

[RnnModel(4, 2, Unroll = UnrollMode.Vector)]
[Lstm(5, ReturnSequences = true, GoBackwards = true, RecurrentActivation = Activation.HardSigmoid)]
[Lstm(3, RecurrentActivation = Activation.HardSigmoid)]
[Dense(1)]
public partial class LstmTfjsStackedBackwardsVector;

[RnnModel(5, 3)]
[Gru(4, ResetAfter = false, RecurrentActivation = Activation.HardSigmoid)]
[Dense(2)]
public partial class GruTfjsDefaults;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[Gru(4, ResetAfter = false, RecurrentActivation = Activation.HardSigmoid)]
[Dense(2)]
public partial class GruTfjsDefaultsLoops;

[RnnModel(5, 3, Unroll = UnrollMode.Full)]
[Gru(4, ResetAfter = false, RecurrentActivation = Activation.HardSigmoid)]
[Dense(2)]
public partial class GruTfjsDefaultsFull;

[RnnModel(5, 3, Unroll = UnrollMode.Vector)]
[Gru(4, ResetAfter = false, RecurrentActivation = Activation.HardSigmoid)]
[Dense(2)]
public partial class GruTfjsDefaultsVector;

[RnnModel(6, 2)]
[Gru(5, ReturnSequences = true, GoBackwards = true, ResetAfter = false, RecurrentActivation = Activation.HardSigmoid)]
[Dense(2, Activation = Activation.HardSigmoid)]
public partial class GruTfjsSeqBackwards;

[RnnModel(6, 2, Unroll = UnrollMode.Loops)]
[Gru(5, ReturnSequences = true, GoBackwards = true, ResetAfter = false, RecurrentActivation = Activation.HardSigmoid)]
[Dense(2, Activation = Activation.HardSigmoid)]
public partial class GruTfjsSeqBackwardsLoops;

[RnnModel(6, 2, Unroll = UnrollMode.Full)]
[Gru(5, ReturnSequences = true, GoBackwards = true, ResetAfter = false, RecurrentActivation = Activation.HardSigmoid)]
[Dense(2, Activation = Activation.HardSigmoid)]
public partial class GruTfjsSeqBackwardsFull;

[RnnModel(6, 2, Unroll = UnrollMode.Vector)]
[Gru(5, ReturnSequences = true, GoBackwards = true, ResetAfter = false, RecurrentActivation = Activation.HardSigmoid)]
[Dense(2, Activation = Activation.HardSigmoid)]
public partial class GruTfjsSeqBackwardsVector;

[RnnModel(4, 3)]
[Gru(3, UseBias = false, ResetAfter = false, RecurrentActivation = Activation.HardSigmoid)]
[Dense(1)]
public partial class GruTfjsNobias;

[RnnModel(4, 3, Unroll = UnrollMode.Loops)]
[Gru(3, UseBias = false, ResetAfter = false, RecurrentActivation = Activation.HardSigmoid)]
[Dense(1)]
public partial class GruTfjsNobiasLoops;

[RnnModel(4, 3, Unroll = UnrollMode.Full)]
[Gru(3, UseBias = false, ResetAfter = false, RecurrentActivation = Activation.HardSigmoid)]
[Dense(1)]
public partial class GruTfjsNobiasFull;

[RnnModel(4, 3, Unroll = UnrollMode.Vector)]
[Gru(3, UseBias = false, ResetAfter = false, RecurrentActivation = Activation.HardSigmoid)]
[Dense(1)]
public partial class GruTfjsNobiasVector;

[RnnModel(4, 3)]
[SimpleRnn(5, Activation = Activation.HardSigmoid, ReturnSequences = true)]
[SimpleRnn(4, Activation = Activation.HardSigmoid)]
[Dense(2, Activation = Activation.HardSigmoid)]
public partial class SrnnHardSigmoid;

[RnnModel(4, 3, Unroll = UnrollMode.Loops)]
[SimpleRnn(5, Activation = Activation.HardSigmoid, ReturnSequences = true)]
[SimpleRnn(4, Activation = Activation.HardSigmoid)]
[Dense(2, Activation = Activation.HardSigmoid)]
public partial class SrnnHardSigmoidLoops;

[RnnModel(4, 3, Unroll = UnrollMode.Full)]
[SimpleRnn(5, Activation = Activation.HardSigmoid, ReturnSequences = true)]
[SimpleRnn(4, Activation = Activation.HardSigmoid)]
[Dense(2, Activation = Activation.HardSigmoid)]
public partial class SrnnHardSigmoidFull;

[RnnModel(4, 3, Unroll = UnrollMode.Vector)]
[SimpleRnn(5, Activation = Activation.HardSigmoid, ReturnSequences = true)]
[SimpleRnn(4, Activation = Activation.HardSigmoid)]
[Dense(2, Activation = Activation.HardSigmoid)]
public partial class SrnnHardSigmoidVector;

[RnnModel(4, 3)]
[Lstm(4, RecurrentActivation = Activation.Tanh)]
[Dense(2)]
public partial class LstmTanhGates;

[RnnModel(4, 3, Unroll = UnrollMode.Loops)]
[Lstm(4, RecurrentActivation = Activation.Tanh)]
[Dense(2)]
public partial class LstmTanhGatesLoops;

[RnnModel(4, 3, Unroll = UnrollMode.Full)]
[Lstm(4, RecurrentActivation = Activation.Tanh)]
[Dense(2)]
public partial class LstmTanhGatesFull;

[RnnModel(4, 3, Unroll = UnrollMode.Vector)]
[Lstm(4, RecurrentActivation = Activation.Tanh)]
[Dense(2)]
public partial class LstmTanhGatesVector;

[RnnModel(4, 2)]
[Gru(3, ReturnSequences = true, ResetAfter = false, RecurrentActivation = Activation.Linear)]
[Dense(2)]
public partial class GruLinearGates;

[RnnModel(4, 2, Unroll = UnrollMode.Loops)]
[Gru(3, ReturnSequences = true, ResetAfter = false, RecurrentActivation = Activation.Linear)]
[Dense(2)]
public partial class GruLinearGatesLoops;

[RnnModel(4, 2, Unroll = UnrollMode.Full)]
[Gru(3, ReturnSequences = true, ResetAfter = false, RecurrentActivation = Activation.Linear)]
[Dense(2)]
public partial class GruLinearGatesFull;

[RnnModel(4, 2, Unroll = UnrollMode.Vector)]
[Gru(3, ReturnSequences = true, ResetAfter = false, RecurrentActivation = Activation.Linear)]
[Dense(2)]
public partial class GruLinearGatesVector;

[RnnModel(4, 3)]
[Lstm(20, RecurrentActivation = Activation.HardSigmoid)]
[Dense(2)]
public partial class LstmTfjsLanes20;

[RnnModel(4, 3, Unroll = UnrollMode.Loops)]
[Lstm(20, RecurrentActivation = Activation.HardSigmoid)]
[Dense(2)]
public partial class LstmTfjsLanes20Loops;

[RnnModel(4, 3, Unroll = UnrollMode.Vector)]
[Lstm(20, RecurrentActivation = Activation.HardSigmoid)]
[Dense(2)]
public partial class LstmTfjsLanes20Vector;

[RnnModel(4, 3)]
[Gru(13, ReturnSequences = true, ResetAfter = false, RecurrentActivation = Activation.HardSigmoid)]
[Gru(9, ResetAfter = false, RecurrentActivation = Activation.HardSigmoid)]
[Dense(1)]
public partial class GruTfjsLanes13Stacked;

[RnnModel(4, 3, Unroll = UnrollMode.Loops)]
[Gru(13, ReturnSequences = true, ResetAfter = false, RecurrentActivation = Activation.HardSigmoid)]
[Gru(9, ResetAfter = false, RecurrentActivation = Activation.HardSigmoid)]
[Dense(1)]
public partial class GruTfjsLanes13StackedLoops;

[RnnModel(4, 3, Unroll = UnrollMode.Vector)]
[Gru(13, ReturnSequences = true, ResetAfter = false, RecurrentActivation = Activation.HardSigmoid)]
[Gru(9, ResetAfter = false, RecurrentActivation = Activation.HardSigmoid)]
[Dense(1)]
public partial class GruTfjsLanes13StackedVector;

[RnnModel(5, 3)]
[Gru(4, RecurrentActivation = Activation.HardSigmoid)]
[Dense(2)]
public partial class GruResetAfterHardSigmoid;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[Gru(4, RecurrentActivation = Activation.HardSigmoid)]
[Dense(2)]
public partial class GruResetAfterHardSigmoidLoops;

[RnnModel(5, 3, Unroll = UnrollMode.Full)]
[Gru(4, RecurrentActivation = Activation.HardSigmoid)]
[Dense(2)]
public partial class GruResetAfterHardSigmoidFull;

[RnnModel(5, 3, Unroll = UnrollMode.Vector)]
[Gru(4, RecurrentActivation = Activation.HardSigmoid)]
[Dense(2)]
public partial class GruResetAfterHardSigmoidVector;

[RnnModel(4, 2)]
[Gru(3, ReturnSequences = true, GoBackwards = true, UseBias = false, RecurrentActivation = Activation.HardSigmoid)]
[Dense(1, Activation = Activation.HardSigmoid)]
public partial class GruResetAfterHardSigmoidNobiasBackwards;

[RnnModel(4, 2, Unroll = UnrollMode.Loops)]
[Gru(3, ReturnSequences = true, GoBackwards = true, UseBias = false, RecurrentActivation = Activation.HardSigmoid)]
[Dense(1, Activation = Activation.HardSigmoid)]
public partial class GruResetAfterHardSigmoidNobiasBackwardsLoops;

[RnnModel(4, 2, Unroll = UnrollMode.Full)]
[Gru(3, ReturnSequences = true, GoBackwards = true, UseBias = false, RecurrentActivation = Activation.HardSigmoid)]
[Dense(1, Activation = Activation.HardSigmoid)]
public partial class GruResetAfterHardSigmoidNobiasBackwardsFull;

[RnnModel(4, 2, Unroll = UnrollMode.Vector)]
[Gru(3, ReturnSequences = true, GoBackwards = true, UseBias = false, RecurrentActivation = Activation.HardSigmoid)]
[Dense(1, Activation = Activation.HardSigmoid)]
public partial class GruResetAfterHardSigmoidNobiasBackwardsVector;

[RnnModel(4, 3)]
[Gru(21, ReturnSequences = true, RecurrentActivation = Activation.HardSigmoid)]
[Dense(2)]
public partial class GruLanes21HardSigmoid;

[RnnModel(4, 3, Unroll = UnrollMode.Loops)]
[Gru(21, ReturnSequences = true, RecurrentActivation = Activation.HardSigmoid)]
[Dense(2)]
public partial class GruLanes21HardSigmoidLoops;

[RnnModel(4, 3, Unroll = UnrollMode.Vector)]
[Gru(21, ReturnSequences = true, RecurrentActivation = Activation.HardSigmoid)]
[Dense(2)]
public partial class GruLanes21HardSigmoidVector;

[RnnModel(6, 3)]
[Embedding(9, 3)]
[Lstm(5, RecurrentActivation = Activation.HardSigmoid)]
[Dense(2, Activation = Activation.Softmax)]
public partial class EmbLstmHardSigmoid;

[RnnModel(6, 3, Unroll = UnrollMode.Loops)]
[Embedding(9, 3)]
[Lstm(5, RecurrentActivation = Activation.HardSigmoid)]
[Dense(2, Activation = Activation.Softmax)]
public partial class EmbLstmHardSigmoidLoops;

[RnnModel(6, 3, Unroll = UnrollMode.Full)]
[Embedding(9, 3)]
[Lstm(5, RecurrentActivation = Activation.HardSigmoid)]
[Dense(2, Activation = Activation.Softmax)]
public partial class EmbLstmHardSigmoidFull;

[RnnModel(6, 3, Unroll = UnrollMode.Vector)]
[Embedding(9, 3)]
[Lstm(5, RecurrentActivation = Activation.HardSigmoid)]
[Dense(2, Activation = Activation.Softmax)]
public partial class EmbLstmHardSigmoidVector;
