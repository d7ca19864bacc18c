using RnnGen.CompilerServices;
using RnnGen.Dynamic.Runtime;

namespace RnnGen.Dynamic;

/// <summary>
/// Recurrent states in one public layout (<see cref="StateSize"/>): every recurrent layer's state in layer order,
/// <c>h</c> for SimpleRnn and Gru, <c>h</c> then <c>c</c> for Lstm, the forward direction before the backward one in a
/// Bidirectional layer (Keras <c>initial_state</c> / <c>return_state</c> order; PyTorch <c>h_0</c>, <c>c_0</c>).
/// </summary>
public sealed partial class Sequential
{
    /// <summary>
    /// Floats of every recurrent layer's state, in layer order: <c>units</c> for a SimpleRnn or Gru, <c>2 × units</c>
    /// (<c>h</c> then <c>c</c>) for an Lstm, twice that for a Bidirectional layer (forward, then backward). 0 without a
    /// recurrent layer.
    /// </summary>
    public int StateSize { get; }

    /// <summary>
    /// Inference from a given state: Keras <c>layer(x, initial_state=[...])</c> with <c>return_state=True</c> on every
    /// recurrent layer. Each recurrent layer starts from its part of <paramref name="initialState"/> (a GoBackwards layer,
    /// or a Bidirectional layer's backward direction, at the last input step) and <paramref name="finalState"/> receives
    /// the state after its last step (with a mask: after its last kept step, or the initial one if every step is masked).
    /// Thread-safe and allocation-free after the first call per thread, as <see cref="Predict(ReadOnlySpan{float}, Span{float})"/>.
    /// </summary>
    /// <param name="input"><see cref="InputSize"/> values.</param>
    /// <param name="output">Receives <see cref="OutputSize"/> values.</param>
    /// <param name="initialState"><see cref="StateSize"/> values, layout of <see cref="StateSize"/>.</param>
    /// <param name="finalState">Receives <see cref="StateSize"/> values.</param>
    /// <remarks>
    /// PyTorch: <c>nn.LSTM(x, (h_0, c_0))</c> gives <c>h_n</c>, <c>c_n</c>. In a masked model, before the first kept step
    /// the carried output is zero while the state stays as given (Python Keras; TensorFlow.js carries the initial <c>h</c>).
    /// </remarks>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public void Predict(ReadOnlySpan<float> input, Span<float> output, ReadOnlySpan<float> initialState, Span<float> finalState)
    {
        Guard.Length(input.Length, InputSize, nameof(input));
        Guard.Length(output.Length, OutputSize, nameof(output));
        Guard.Length(initialState.Length, StateSize, nameof(initialState));
        Guard.Length(finalState.Length, StateSize, nameof(finalState));

        // An empty span means "zero state" to the layers, so a model without state passes nothing.
        Span<float> ws = AlignedBuffer.Reserve(ref t_predictWorkspace, _workspaceLength);
        RunForward(input, ws, StateSize == 0 ? default : initialState, StateSize == 0 ? default : finalState, training: false);
        LastOutput(ws).CopyTo(output);
    }

    /// <summary>
    /// Streaming: copies the state <see cref="Step"/> carries into <paramref name="state"/> (<see cref="StateSize"/> floats,
    /// the layout of <see cref="StateSize"/>). After <see cref="ResetState"/> it is all zeros.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="state"/> has not <see cref="StateSize"/> values.</exception>
    /// <exception cref="NotSupportedException">The model cannot <see cref="Step"/> (a GoBackwards or Bidirectional layer).</exception>
    public void ReadState(Span<float> state)
    {
        if (!_canStep) ThrowStepNotSupported();
        Guard.Length(state.Length, StateSize, nameof(state));
        for (int i = 0; i < _runtimes.Length; i++)
        {
            LayerRuntime r = _runtimes[i];
            if (r.StateSize > 0) r.ReadState(_state.Span.Slice(_stateOffsets[i], r.StateLength), state.Slice(_publicStateOffsets[i], r.StateSize));
        }
    }

    /// <summary>
    /// Streaming: sets the state the next <see cref="Step"/> starts from (<see cref="StateSize"/> floats, as
    /// <see cref="ReadState"/> gives them), as Keras's <c>layer.reset_states(states)</c> on a stateful layer. In a masked
    /// model the carried output starts at zero again, as at the start of a sequence from a given state.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="state"/> has not <see cref="StateSize"/> values.</exception>
    /// <exception cref="NotSupportedException">The model cannot <see cref="Step"/> (a GoBackwards or Bidirectional layer).</exception>
    public void WriteState(ReadOnlySpan<float> state)
    {
        if (!_canStep) ThrowStepNotSupported();
        Guard.Length(state.Length, StateSize, nameof(state));
        for (int i = 0; i < _runtimes.Length; i++)
        {
            LayerRuntime r = _runtimes[i];
            if (r.StateSize > 0) r.WriteState(state.Slice(_publicStateOffsets[i], r.StateSize), _state.Span.Slice(_stateOffsets[i], r.StateLength));
        }
    }

    /// <summary>Layer <paramref name="i"/>'s part of a public state span (empty when the span is, or the layer has no state).</summary>
    private Span<float> LayerState(Span<float> state, int i)
    {
        int size = _runtimes[i].StateSize;
        return state.IsEmpty || size == 0 ? default : state.Slice(_publicStateOffsets[i], size);
    }

    /// <inheritdoc cref="LayerState(Span{float}, int)"/>
    private ReadOnlySpan<float> LayerState(ReadOnlySpan<float> state, int i)
    {
        int size = _runtimes[i].StateSize;
        return state.IsEmpty || size == 0 ? default : state.Slice(_publicStateOffsets[i], size);
    }
}
