// Models matching every case of tests/reference/fixtures/states.json (PyTorch 1.13 h0/c0 and h_n/c_n, TensorFlow.js 4.22
// initialState and returnState), as the generator chooses (Auto) and forced into every tier.
namespace RnnGen.Tests.Reference;

[RnnModel(5, 3)]
[SimpleRnn(4)]
[Dense(2)]
public partial class StateSrnn;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[SimpleRnn(4)]
[Dense(2)]
public partial class StateSrnnLoops;

[RnnModel(5, 3, Unroll = UnrollMode.Full)]
[SimpleRnn(4)]
[Dense(2)]
public partial class StateSrnnFull;

[RnnModel(5, 3, Unroll = UnrollMode.Vector)]
[SimpleRnn(4)]
[Dense(2)]
public partial class StateSrnnVector;

[RnnModel(4, 2)]
[SimpleRnn(3, ReturnSequences = true)]
[Dense(2)]
public partial class StateSrnnSeq;

[RnnModel(4, 2, Unroll = UnrollMode.Loops)]
[SimpleRnn(3, ReturnSequences = true)]
[Dense(2)]
public partial class StateSrnnSeqLoops;

[RnnModel(4, 2, Unroll = UnrollMode.Full)]
[SimpleRnn(3, ReturnSequences = true)]
[Dense(2)]
public partial class StateSrnnSeqFull;

[RnnModel(4, 2, Unroll = UnrollMode.Vector)]
[SimpleRnn(3, ReturnSequences = true)]
[Dense(2)]
public partial class StateSrnnSeqVector;

[RnnModel(5, 3)]
[Lstm(4)]
[Dense(2)]
public partial class StateLstm;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[Lstm(4)]
[Dense(2)]
public partial class StateLstmLoops;

[RnnModel(5, 3, Unroll = UnrollMode.Full)]
[Lstm(4)]
[Dense(2)]
public partial class StateLstmFull;

[RnnModel(5, 3, Unroll = UnrollMode.Vector)]
[Lstm(4)]
[Dense(2)]
public partial class StateLstmVector;

[RnnModel(5, 3)]
[Gru(4)]
[Dense(2)]
public partial class StateGru;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[Gru(4)]
[Dense(2)]
public partial class StateGruLoops;

[RnnModel(5, 3, Unroll = UnrollMode.Full)]
[Gru(4)]
[Dense(2)]
public partial class StateGruFull;

[RnnModel(5, 3, Unroll = UnrollMode.Vector)]
[Gru(4)]
[Dense(2)]
public partial class StateGruVector;

[RnnModel(5, 3)]
[Gru(4, ResetAfter = false)]
[Dense(2)]
public partial class StateGruResetBefore;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[Gru(4, ResetAfter = false)]
[Dense(2)]
public partial class StateGruResetBeforeLoops;

[RnnModel(5, 3, Unroll = UnrollMode.Full)]
[Gru(4, ResetAfter = false)]
[Dense(2)]
public partial class StateGruResetBeforeFull;

[RnnModel(5, 3, Unroll = UnrollMode.Vector)]
[Gru(4, ResetAfter = false)]
[Dense(2)]
public partial class StateGruResetBeforeVector;

[RnnModel(6, 2)]
[Lstm(4, ReturnSequences = true)]
[Gru(3)]
[Dense(2)]
public partial class StateLstmGruStacked;

[RnnModel(6, 2, Unroll = UnrollMode.Loops)]
[Lstm(4, ReturnSequences = true)]
[Gru(3)]
[Dense(2)]
public partial class StateLstmGruStackedLoops;

[RnnModel(6, 2, Unroll = UnrollMode.Full)]
[Lstm(4, ReturnSequences = true)]
[Gru(3)]
[Dense(2)]
public partial class StateLstmGruStackedFull;

[RnnModel(6, 2, Unroll = UnrollMode.Vector)]
[Lstm(4, ReturnSequences = true)]
[Gru(3)]
[Dense(2)]
public partial class StateLstmGruStackedVector;

[RnnModel(5, 3)]
[Lstm(3, ReturnSequences = true)]
[Gru(4, ResetAfter = false)]
[Dense(2)]
public partial class StateLstmGruResetBeforeStacked;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[Lstm(3, ReturnSequences = true)]
[Gru(4, ResetAfter = false)]
[Dense(2)]
public partial class StateLstmGruResetBeforeStackedLoops;

[RnnModel(5, 3, Unroll = UnrollMode.Full)]
[Lstm(3, ReturnSequences = true)]
[Gru(4, ResetAfter = false)]
[Dense(2)]
public partial class StateLstmGruResetBeforeStackedFull;

[RnnModel(5, 3, Unroll = UnrollMode.Vector)]
[Lstm(3, ReturnSequences = true)]
[Gru(4, ResetAfter = false)]
[Dense(2)]
public partial class StateLstmGruResetBeforeStackedVector;

[RnnModel(4, 3)]
[Lstm(3, ReturnSequences = true, GoBackwards = true)]
[Dense(1)]
public partial class StateLstmBackwardsSeq;

[RnnModel(4, 3, Unroll = UnrollMode.Loops)]
[Lstm(3, ReturnSequences = true, GoBackwards = true)]
[Dense(1)]
public partial class StateLstmBackwardsSeqLoops;

[RnnModel(4, 3, Unroll = UnrollMode.Full)]
[Lstm(3, ReturnSequences = true, GoBackwards = true)]
[Dense(1)]
public partial class StateLstmBackwardsSeqFull;

[RnnModel(4, 3, Unroll = UnrollMode.Vector)]
[Lstm(3, ReturnSequences = true, GoBackwards = true)]
[Dense(1)]
public partial class StateLstmBackwardsSeqVector;

[RnnModel(4, 2)]
[Lstm(3, Bidirectional = true)]
[Dense(2)]
public partial class StateBidiLstm;

[RnnModel(4, 2, Unroll = UnrollMode.Loops)]
[Lstm(3, Bidirectional = true)]
[Dense(2)]
public partial class StateBidiLstmLoops;

[RnnModel(4, 2, Unroll = UnrollMode.Full)]
[Lstm(3, Bidirectional = true)]
[Dense(2)]
public partial class StateBidiLstmFull;

[RnnModel(4, 2, Unroll = UnrollMode.Vector)]
[Lstm(3, Bidirectional = true)]
[Dense(2)]
public partial class StateBidiLstmVector;

[RnnModel(5, 3)]
[SimpleRnn(4)]
[Dense(2)]
public partial class StateSrnnTfjs;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[SimpleRnn(4)]
[Dense(2)]
public partial class StateSrnnTfjsLoops;

[RnnModel(5, 3, Unroll = UnrollMode.Full)]
[SimpleRnn(4)]
[Dense(2)]
public partial class StateSrnnTfjsFull;

[RnnModel(5, 3, Unroll = UnrollMode.Vector)]
[SimpleRnn(4)]
[Dense(2)]
public partial class StateSrnnTfjsVector;

[RnnModel(4, 2)]
[SimpleRnn(3, ReturnSequences = true)]
[Dense(2)]
public partial class StateSrnnSeqTfjs;

[RnnModel(4, 2, Unroll = UnrollMode.Loops)]
[SimpleRnn(3, ReturnSequences = true)]
[Dense(2)]
public partial class StateSrnnSeqTfjsLoops;

[RnnModel(4, 2, Unroll = UnrollMode.Full)]
[SimpleRnn(3, ReturnSequences = true)]
[Dense(2)]
public partial class StateSrnnSeqTfjsFull;

[RnnModel(4, 2, Unroll = UnrollMode.Vector)]
[SimpleRnn(3, ReturnSequences = true)]
[Dense(2)]
public partial class StateSrnnSeqTfjsVector;

[RnnModel(5, 3)]
[Lstm(4)]
[Dense(2)]
public partial class StateLstmTfjs;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[Lstm(4)]
[Dense(2)]
public partial class StateLstmTfjsLoops;

[RnnModel(5, 3, Unroll = UnrollMode.Full)]
[Lstm(4)]
[Dense(2)]
public partial class StateLstmTfjsFull;

[RnnModel(5, 3, Unroll = UnrollMode.Vector)]
[Lstm(4)]
[Dense(2)]
public partial class StateLstmTfjsVector;

[RnnModel(5, 3)]
[Gru(4, ResetAfter = false)]
[Dense(2)]
public partial class StateGruResetBeforeTfjs;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[Gru(4, ResetAfter = false)]
[Dense(2)]
public partial class StateGruResetBeforeTfjsLoops;

[RnnModel(5, 3, Unroll = UnrollMode.Full)]
[Gru(4, ResetAfter = false)]
[Dense(2)]
public partial class StateGruResetBeforeTfjsFull;

[RnnModel(5, 3, Unroll = UnrollMode.Vector)]
[Gru(4, ResetAfter = false)]
[Dense(2)]
public partial class StateGruResetBeforeTfjsVector;

[RnnModel(5, 3)]
[Lstm(3, ReturnSequences = true)]
[Gru(4, ResetAfter = false)]
[Dense(2)]
public partial class StateLstmGruResetBeforeStackedTfjs;

[RnnModel(5, 3, Unroll = UnrollMode.Loops)]
[Lstm(3, ReturnSequences = true)]
[Gru(4, ResetAfter = false)]
[Dense(2)]
public partial class StateLstmGruResetBeforeStackedTfjsLoops;

[RnnModel(5, 3, Unroll = UnrollMode.Full)]
[Lstm(3, ReturnSequences = true)]
[Gru(4, ResetAfter = false)]
[Dense(2)]
public partial class StateLstmGruResetBeforeStackedTfjsFull;

[RnnModel(5, 3, Unroll = UnrollMode.Vector)]
[Lstm(3, ReturnSequences = true)]
[Gru(4, ResetAfter = false)]
[Dense(2)]
public partial class StateLstmGruResetBeforeStackedTfjsVector;

[RnnModel(4, 3)]
[Lstm(3, ReturnSequences = true, GoBackwards = true)]
[Dense(1)]
public partial class StateLstmBackwardsSeqTfjs;

[RnnModel(4, 3, Unroll = UnrollMode.Loops)]
[Lstm(3, ReturnSequences = true, GoBackwards = true)]
[Dense(1)]
public partial class StateLstmBackwardsSeqTfjsLoops;

[RnnModel(4, 3, Unroll = UnrollMode.Full)]
[Lstm(3, ReturnSequences = true, GoBackwards = true)]
[Dense(1)]
public partial class StateLstmBackwardsSeqTfjsFull;

[RnnModel(4, 3, Unroll = UnrollMode.Vector)]
[Lstm(3, ReturnSequences = true, GoBackwards = true)]
[Dense(1)]
public partial class StateLstmBackwardsSeqTfjsVector;

[RnnModel(4, 2)]
[Lstm(3, Bidirectional = true)]
[Dense(2)]
public partial class StateBidiLstmTfjs;

[RnnModel(4, 2, Unroll = UnrollMode.Loops)]
[Lstm(3, Bidirectional = true)]
[Dense(2)]
public partial class StateBidiLstmTfjsLoops;

[RnnModel(4, 2, Unroll = UnrollMode.Full)]
[Lstm(3, Bidirectional = true)]
[Dense(2)]
public partial class StateBidiLstmTfjsFull;

[RnnModel(4, 2, Unroll = UnrollMode.Vector)]
[Lstm(3, Bidirectional = true)]
[Dense(2)]
public partial class StateBidiLstmTfjsVector;

public static class StateReferenceModels
{
    public static readonly string[] Modes = ["Auto", "Loops", "Full", "Vector"];

    /// <summary>The generated <c>Predict(input, output, initialState, finalState)</c> of one model.</summary>
    public delegate void PredictFromState(ReadOnlySpan<float> input, Span<float> output, ReadOnlySpan<float> initialState, Span<float> finalState);

    /// <summary>A generated model's <c>Predict</c> from a state and its <c>StateSize</c> (members no interface has).</summary>
    public static (IBatchModel Model, PredictFromState Predict, int StateSize) With(IBatchModel model) =>
        (model, model.GetType().GetMethod("Predict", [typeof(ReadOnlySpan<float>), typeof(Span<float>), typeof(ReadOnlySpan<float>), typeof(Span<float>)])!
            .CreateDelegate<PredictFromState>(model),
         (int)model.GetType().GetField("StateSize")!.GetValue(null)!);

    public static (IBatchModel Model, PredictFromState Predict, int StateSize) Create(string name, string mode) => (name, mode) switch
    {
        ("state_srnn", "Auto") => With(new StateSrnn()),
        ("state_srnn", "Loops") => With(new StateSrnnLoops()),
        ("state_srnn", "Full") => With(new StateSrnnFull()),
        ("state_srnn", "Vector") => With(new StateSrnnVector()),
        ("state_srnn_seq", "Auto") => With(new StateSrnnSeq()),
        ("state_srnn_seq", "Loops") => With(new StateSrnnSeqLoops()),
        ("state_srnn_seq", "Full") => With(new StateSrnnSeqFull()),
        ("state_srnn_seq", "Vector") => With(new StateSrnnSeqVector()),
        ("state_lstm", "Auto") => With(new StateLstm()),
        ("state_lstm", "Loops") => With(new StateLstmLoops()),
        ("state_lstm", "Full") => With(new StateLstmFull()),
        ("state_lstm", "Vector") => With(new StateLstmVector()),
        ("state_gru", "Auto") => With(new StateGru()),
        ("state_gru", "Loops") => With(new StateGruLoops()),
        ("state_gru", "Full") => With(new StateGruFull()),
        ("state_gru", "Vector") => With(new StateGruVector()),
        ("state_gru_reset_before", "Auto") => With(new StateGruResetBefore()),
        ("state_gru_reset_before", "Loops") => With(new StateGruResetBeforeLoops()),
        ("state_gru_reset_before", "Full") => With(new StateGruResetBeforeFull()),
        ("state_gru_reset_before", "Vector") => With(new StateGruResetBeforeVector()),
        ("state_lstm_gru_stacked", "Auto") => With(new StateLstmGruStacked()),
        ("state_lstm_gru_stacked", "Loops") => With(new StateLstmGruStackedLoops()),
        ("state_lstm_gru_stacked", "Full") => With(new StateLstmGruStackedFull()),
        ("state_lstm_gru_stacked", "Vector") => With(new StateLstmGruStackedVector()),
        ("state_lstm_gru_reset_before_stacked", "Auto") => With(new StateLstmGruResetBeforeStacked()),
        ("state_lstm_gru_reset_before_stacked", "Loops") => With(new StateLstmGruResetBeforeStackedLoops()),
        ("state_lstm_gru_reset_before_stacked", "Full") => With(new StateLstmGruResetBeforeStackedFull()),
        ("state_lstm_gru_reset_before_stacked", "Vector") => With(new StateLstmGruResetBeforeStackedVector()),
        ("state_lstm_backwards_seq", "Auto") => With(new StateLstmBackwardsSeq()),
        ("state_lstm_backwards_seq", "Loops") => With(new StateLstmBackwardsSeqLoops()),
        ("state_lstm_backwards_seq", "Full") => With(new StateLstmBackwardsSeqFull()),
        ("state_lstm_backwards_seq", "Vector") => With(new StateLstmBackwardsSeqVector()),
        ("state_bidi_lstm", "Auto") => With(new StateBidiLstm()),
        ("state_bidi_lstm", "Loops") => With(new StateBidiLstmLoops()),
        ("state_bidi_lstm", "Full") => With(new StateBidiLstmFull()),
        ("state_bidi_lstm", "Vector") => With(new StateBidiLstmVector()),
        ("state_srnn_tfjs", "Auto") => With(new StateSrnnTfjs()),
        ("state_srnn_tfjs", "Loops") => With(new StateSrnnTfjsLoops()),
        ("state_srnn_tfjs", "Full") => With(new StateSrnnTfjsFull()),
        ("state_srnn_tfjs", "Vector") => With(new StateSrnnTfjsVector()),
        ("state_srnn_seq_tfjs", "Auto") => With(new StateSrnnSeqTfjs()),
        ("state_srnn_seq_tfjs", "Loops") => With(new StateSrnnSeqTfjsLoops()),
        ("state_srnn_seq_tfjs", "Full") => With(new StateSrnnSeqTfjsFull()),
        ("state_srnn_seq_tfjs", "Vector") => With(new StateSrnnSeqTfjsVector()),
        ("state_lstm_tfjs", "Auto") => With(new StateLstmTfjs()),
        ("state_lstm_tfjs", "Loops") => With(new StateLstmTfjsLoops()),
        ("state_lstm_tfjs", "Full") => With(new StateLstmTfjsFull()),
        ("state_lstm_tfjs", "Vector") => With(new StateLstmTfjsVector()),
        ("state_gru_reset_before_tfjs", "Auto") => With(new StateGruResetBeforeTfjs()),
        ("state_gru_reset_before_tfjs", "Loops") => With(new StateGruResetBeforeTfjsLoops()),
        ("state_gru_reset_before_tfjs", "Full") => With(new StateGruResetBeforeTfjsFull()),
        ("state_gru_reset_before_tfjs", "Vector") => With(new StateGruResetBeforeTfjsVector()),
        ("state_lstm_gru_reset_before_stacked_tfjs", "Auto") => With(new StateLstmGruResetBeforeStackedTfjs()),
        ("state_lstm_gru_reset_before_stacked_tfjs", "Loops") => With(new StateLstmGruResetBeforeStackedTfjsLoops()),
        ("state_lstm_gru_reset_before_stacked_tfjs", "Full") => With(new StateLstmGruResetBeforeStackedTfjsFull()),
        ("state_lstm_gru_reset_before_stacked_tfjs", "Vector") => With(new StateLstmGruResetBeforeStackedTfjsVector()),
        ("state_lstm_backwards_seq_tfjs", "Auto") => With(new StateLstmBackwardsSeqTfjs()),
        ("state_lstm_backwards_seq_tfjs", "Loops") => With(new StateLstmBackwardsSeqTfjsLoops()),
        ("state_lstm_backwards_seq_tfjs", "Full") => With(new StateLstmBackwardsSeqTfjsFull()),
        ("state_lstm_backwards_seq_tfjs", "Vector") => With(new StateLstmBackwardsSeqTfjsVector()),
        ("state_bidi_lstm_tfjs", "Auto") => With(new StateBidiLstmTfjs()),
        ("state_bidi_lstm_tfjs", "Loops") => With(new StateBidiLstmTfjsLoops()),
        ("state_bidi_lstm_tfjs", "Full") => With(new StateBidiLstmTfjsFull()),
        ("state_bidi_lstm_tfjs", "Vector") => With(new StateBidiLstmTfjsVector()),
        _ => throw new KeyNotFoundException($"No state reference model for '{name}' in mode {mode}."),
    };
}
