using System.Numerics.Tensors;

namespace RnnGen.Dynamic.Runtime;

/// <summary>
/// Keras <c>Bidirectional</c>: two recurrent runtimes over the same input, merged. The forward direction's weights come
/// first, then the backward direction's (<see cref="Half"/> floats each).
/// </summary>
/// <remarks>
/// Cache: <c>[y_f | cache_f | y_b | cache_b]</c>, each direction's output (in its processing order) and its own cache.
/// Scratch for Backward: <c>[dy_f | dy_b | dx_b | the directions' scratch]</c>. With return sequences, merged row <c>t</c>
/// reads forward row <c>t</c> and backward row <c>T - 1 - t</c> (Keras reverses the backward output in time).
/// </remarks>
internal sealed partial class BidirectionalRuntime : LayerRuntime
{
    private readonly LayerRuntime _forward;
    private readonly LayerRuntime _backward;
    private readonly MergeMode _merge;
    private readonly string _innerName;

    public BidirectionalRuntime(BidirectionalLayer layer, int steps, int inputWidth)
        : base(steps, inputWidth, layer.OutputWidth, layer.ReturnSequences ? steps : 1)
    {
        _forward = layer.ForwardLayer.Bind(steps, inputWidth, inputIsSequence: true);
        _backward = layer.BackwardLayer.Bind(steps, inputWidth, inputIsSequence: true);

        // Keras forces zero_output_for_mask = return_sequences on both directions.
        ((RecurrentRuntime)_forward).ZeroOutputForMask = layer.ReturnSequences;
        ((RecurrentRuntime)_backward).ZeroOutputForMask = layer.ReturnSequences;
        _merge = layer.Merge;
        _innerName = layer.ForwardLayer.KerasName;
        OutputIsSequence = layer.ReturnSequences;
        GoBackwards = layer.GoBackwards;
    }

    /// <summary>Units of each direction.</summary>
    private int DirectionUnits => _forward.Units;

    /// <summary>Weights of one direction; the backward direction's start here.</summary>
    private int Half => _forward.ParameterCount;

    /// <summary>One direction's output (processing order) and cache.</summary>
    private int HalfCache => _forward.OutputLength + _forward.CacheLength;

    public override bool CanStep => false;

    public override int ParameterCount => 2 * Half;

    public override int CacheLength => 2 * HalfCache;

    public override int StateLength => 0;

    public override int ScratchLength => 2 * _forward.OutputLength + InputLength + Math.Max(_forward.ScratchLength, _backward.ScratchLength);

    /// <summary>The weights, named as Keras does without the model's prefix: <c>forward_lstm/kernel</c>, ..., <c>backward_lstm/bias</c>.</summary>
    public override TensorSpec[] Tensors() => Tensors(_innerName);

    /// <summary><see cref="Tensors()"/> for a wrapped layer named <paramref name="innerName"/> (<c>lstm_1</c>, ...).</summary>
    public TensorSpec[] Tensors(string innerName)
    {
        TensorSpec[] forward = _forward.Tensors(), backward = _backward.Tensors();
        var specs = new TensorSpec[forward.Length + backward.Length];
        for (int k = 0; k < forward.Length; k++)
        {
            specs[k] = forward[k] with { Suffix = $"forward_{innerName}/{forward[k].Suffix}" };
        }

        for (int k = 0; k < backward.Length; k++)
        {
            specs[forward.Length + k] = backward[k] with { Suffix = $"backward_{innerName}/{backward[k].Suffix}", Offset = Half + backward[k].Offset };
        }

        return specs;
    }

    public override void Initialize(Span<float> p, Random random)
    {
        _forward.Initialize(p[..Half], random);
        _backward.Initialize(p[Half..], random);
    }

    public override void Forward(ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> cache) =>
        Forward(p, x, y, cache, default, default, default);

    /// <summary>
    /// g += dLoss/dWeights of both directions; dx = dx_f + dx_b. The output gradient is routed through the merge
    /// (<see cref="SplitGradient"/>), then each direction runs its backpropagation through time.
    /// </summary>
    public override void Backward(
        ReadOnlySpan<float> p, Span<float> g,
        ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> cache,
        ReadOnlySpan<float> dy, Span<float> dx, Span<float> scratch) =>
        Backward(p, g, x, y, cache, dy, dx, scratch, default);

    public override void Step(ReadOnlySpan<float> p, ReadOnlySpan<float> x, Span<float> y, Span<float> state, Span<float> scratch, int position) =>
        throw new NotSupportedException("A Bidirectional layer cannot Step: its backward direction needs the whole sequence.");

    /// <summary>
    /// One sample's merged output: row <c>t</c> of <paramref name="y"/> from forward row <c>t</c> and backward row
    /// <c>rows - 1 - t</c> (with one row, the two final states).
    /// </summary>
    private void Merge(ReadOnlySpan<float> yf, ReadOnlySpan<float> yb, Span<float> y)
    {
        int u = DirectionUnits, width = Units, rows = OutputRows;
        for (int t = 0; t < rows; t++)
        {
            ReadOnlySpan<float> f = yf.Slice(t * u, u), b = yb.Slice((rows - 1 - t) * u, u);
            Span<float> row = y.Slice(t * width, width);
            switch (_merge)
            {
                case MergeMode.Concat:
                    // y = [f, b]
                    f.CopyTo(row);
                    b.CopyTo(row[u..]);
                    break;
                case MergeMode.Sum:
                    TensorPrimitives.Add(f, b, row);
                    break;
                case MergeMode.Multiply:
                    TensorPrimitives.Multiply(f, b, row);
                    break;
                default:
                    // y = (f + b) / 2
                    TensorPrimitives.Add(f, b, row);
                    TensorPrimitives.Multiply(row, 0.5f, row);
                    break;
            }
        }
    }

    /// <summary>
    /// One sample's merge backward: <paramref name="dyf"/> and <paramref name="dyb"/> (each direction's output gradient, in
    /// its processing order) from <paramref name="dy"/>. Concat splits, sum copies, mul gives <c>df = dy b</c> and
    /// <c>db = dy f</c>, ave halves.
    /// </summary>
    private void SplitGradient(ReadOnlySpan<float> dy, ReadOnlySpan<float> yf, ReadOnlySpan<float> yb, Span<float> dyf, Span<float> dyb)
    {
        int u = DirectionUnits, width = Units, rows = OutputRows;
        for (int t = 0; t < rows; t++)
        {
            int r = (rows - 1 - t) * u;
            ReadOnlySpan<float> row = dy.Slice(t * width, width);
            Span<float> df = dyf.Slice(t * u, u), db = dyb.Slice(r, u);
            switch (_merge)
            {
                case MergeMode.Concat:
                    row[..u].CopyTo(df);
                    row[u..].CopyTo(db);
                    break;
                case MergeMode.Sum:
                    row.CopyTo(df);
                    row.CopyTo(db);
                    break;
                case MergeMode.Multiply:
                    TensorPrimitives.Multiply(row, yb.Slice(r, u), df);
                    TensorPrimitives.Multiply(row, yf.Slice(t * u, u), db);
                    break;
                default:
                    TensorPrimitives.Multiply(row, 0.5f, df);
                    df.CopyTo(db);
                    break;
            }
        }
    }
}
