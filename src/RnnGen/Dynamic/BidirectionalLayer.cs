using RnnGen.Dynamic.Runtime;

namespace RnnGen.Dynamic;

/// <summary>
/// Keras <c>Bidirectional(layer, merge_mode)</c>: the wrapped recurrent layer (<see cref="ForwardLayer"/>) and a copy of it
/// reading the sequence the other way (<see cref="BackwardLayer"/>, <c>go_backwards</c> flipped, its own weights) both read
/// the same input, and their outputs are merged (<see cref="Merge"/>):
/// concat <c>[f, b]</c> on the last axis, sum <c>f + b</c>, mul <c>f * b</c>, ave <c>(f + b) / 2</c>.
/// With <see cref="ReturnSequences"/> the backward output is reversed in time first, so output row <c>t</c> merges the
/// forward output for input step <c>t</c> with the backward output for input step <c>t</c>.
/// </summary>
/// <remarks>
/// <para>
/// Weights: the forward layer's, then the backward layer's, each in its kind's layout (Keras <c>get_weights()</c> order),
/// named <c>bidirectional/forward_lstm/kernel</c>, ..., <c>bidirectional/backward_lstm/bias</c>. Each direction is
/// initialized as its layer kind is, forward first. As in Keras, the wrapped layer takes its own kind's name
/// (<c>Bidirectional(LSTM(8))</c> after an <c>LSTM</c> is <c>bidirectional</c> around <c>lstm_1</c>).
/// </para>
/// <para>
/// PyTorch: <c>nn.LSTM(..., bidirectional=True)</c> (or <c>nn.GRU</c>, <c>nn.RNN</c>) gives the concat mode; its
/// <c>*_reverse</c> weights are the backward layer's. Without <see cref="ReturnSequences"/> Keras merges the two final
/// states, which PyTorch's <c>h_n</c> holds (its <c>output[-1]</c> holds the backward layer's state after one step instead).
/// </para>
/// <para>A model with a bidirectional layer cannot <see cref="Sequential.Step"/>: the backward half needs the whole sequence.</para>
/// </remarks>
/// <example>
/// Keras <c>Bidirectional(LSTM(8, return_sequences=True), merge_mode='sum')</c>:
/// <code>new BidirectionalLayer(new LstmLayer(8, returnSequences: true), MergeMode.Sum)</code>
/// </example>
public sealed class BidirectionalLayer : Layer
{
    /// <summary>Wraps <paramref name="layer"/>, as Keras <c>Bidirectional(layer, merge_mode)</c> does.</summary>
    /// <param name="layer">The forward layer: a <see cref="SimpleRnnLayer"/>, <see cref="LstmLayer"/> or <see cref="GruLayer"/>.</param>
    /// <param name="merge">How the two directions' outputs are combined (Keras <c>merge_mode</c>, default <c>'concat'</c>).</param>
    /// <exception cref="ArgumentNullException"><paramref name="layer"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="merge"/> is not a <see cref="MergeMode"/>.</exception>
    public BidirectionalLayer(RecurrentLayer layer, MergeMode merge = MergeMode.Concat)
        : base((layer ?? throw new ArgumentNullException(nameof(layer))).Units, layer.Activation, layer.UseBias)
    {
        if (!Enum.IsDefined(merge))
        {
            throw new ArgumentOutOfRangeException(nameof(merge), merge, "Unknown merge mode.");
        }

        ForwardLayer = layer;
        BackwardLayer = layer.Reversed();
        Merge = merge;
    }

    /// <summary>The wrapped layer, run as given (Keras <c>forward_layer</c>).</summary>
    public RecurrentLayer ForwardLayer { get; }

    /// <summary>The copy of <see cref="ForwardLayer"/> with <see cref="RecurrentLayer.GoBackwards"/> flipped (Keras <c>backward_layer</c>).</summary>
    public RecurrentLayer BackwardLayer { get; }

    /// <summary>How the directions are combined (Keras <c>merge_mode</c>).</summary>
    public MergeMode Merge { get; }

    /// <summary>The wrapped layer's <c>return_sequences</c>: output <c>[T, width]</c> instead of <c>[width]</c>.</summary>
    public bool ReturnSequences => ForwardLayer.ReturnSequences;

    /// <summary>The forward layer's <c>go_backwards</c> (the backward layer has the opposite).</summary>
    public bool GoBackwards => ForwardLayer.GoBackwards;

    /// <summary>
    /// Values per output row: twice <see cref="Layer.Units"/> with <see cref="MergeMode.Concat"/>, else <see cref="Layer.Units"/>.
    /// (<see cref="Layer.Units"/> is each direction's, as in <see cref="LayerInfo.Units"/>.)
    /// </summary>
    public int OutputWidth => Merge == MergeMode.Concat ? 2 * Units : Units;

    /// <summary>The wrapped layer's kind.</summary>
    public override LayerKind Kind => ForwardLayer.Kind;

    internal override string KerasClassName => "Bidirectional";

    internal override string KerasName => "bidirectional";

    internal override LayerRuntime Bind(int steps, int inputWidth, bool inputIsSequence) => new BidirectionalRuntime(this, steps, inputWidth);
}
