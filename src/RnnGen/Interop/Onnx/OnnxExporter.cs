using System.Runtime.InteropServices;
using Google.Protobuf;

namespace RnnGen.Interop.Onnx;

/// <summary>
/// Lowers a model to an ONNX graph. Tensors between recurrent layers stay time-major (<c>[T, 1, W]</c>, as ONNX's
/// <c>RNN</c>/<c>LSTM</c>/<c>GRU</c> take them); the graph input and a sequence output are batch-major.
/// <list type="bullet">
/// <item>Recurrent weights: <c>W = kernel.T</c>, <c>R = recurrent_kernel.T</c> per gate block, <c>B = [Wb; Rb]</c>
/// (Keras's single bias in <c>Wb</c>, <c>Rb = 0</c>; a <c>reset_after</c> GRU's two rows as <c>Wb</c>, <c>Rb</c> with
/// <c>linear_before_reset = 1</c>). LSTM gates are reordered from Keras's i, f, c, o to ONNX's i, o, f, c; GRU's z, r, h
/// is the same in both.</item>
/// <item><c>GoBackwards</c>: the input is reversed along time (<c>Slice</c> with step -1) and the layer runs forward, so
/// a returned sequence is in processing order, as Keras returns it.</item>
/// <item><c>Bidirectional</c>: one op with <c>direction = "bidirectional"</c> (forward weights, then backward), its
/// <c>Y</c> or <c>Y_h</c> split by direction and merged (<c>Concat</c>, <c>Add</c>, <c>Mul</c>, average). ONNX's reverse
/// direction reads the sequence from its end and returns <c>Y</c> time-aligned, which is Keras's backward layer after
/// its flip. With <c>GoBackwards</c> on the forward layer the input is reversed first: the forward direction then runs
/// backwards and the reverse direction forwards, as Keras's pair does.</item>
/// <item>Dense on a vector is <c>Gemm</c>; on a sequence, <c>MatMul</c> + <c>Add</c> per timestep; then the activation.</item>
/// </list>
/// </summary>
internal sealed class OnnxExporter
{
    /// <summary>The ONNX operator set the graph uses.</summary>
    public const int Opset = 21;

    /// <summary>The ONNX IR version of opset 21.</summary>
    private const int IrVersion = 10;

    private readonly GraphProto _graph = new() { Name = "rnngen" };
    private int _next;

    private enum Layout
    {
        BatchMajor, // [1, T, W]
        TimeMajor,  // [T, 1, W]
        Vector,     // [1, W]
    }

    public static byte[] Export(IRnnModel model)
    {
        var exporter = new OnnxExporter();
        var proto = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "RnnGen",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0",
            Graph = exporter.Build(model),
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return proto.ToByteArray();
    }

    private GraphProto Build(IRnnModel model)
    {
        IReadOnlyList<LayerInfo> layers = model.Layers;
        // ONNX's recurrent operators take sequence_lens (trailing padding only), not Keras's per-step mask: refuse it
        // rather than export a model that would read the padding.
        if (layers[0].MaskZero || layers[0].MaskValue is not null)
        {
            throw new NotSupportedException(layers[0].MaskZero
                ? $"Layer '{layers[0].Name}' (Embedding) masks token 0 (MaskZero), which ONNX's recurrent operators cannot express; export a model without MaskZero and the same weights."
                : $"The Masking layer in front of layer '{layers[0].Name}' (mask value {layers[0].MaskValue}) has no ONNX equivalent; export a model without [Masking] and the same weights.");
        }

        bool tokens = layers[0].Kind == LayerKind.Embedding;
        _graph.Input.Add(ValueInfo("input", tokens ? [1, model.Timesteps] : [1, model.Timesteps, model.Features]));
        string x = "input";
        Layout layout = Layout.BatchMajor;
        ReadOnlySpan<float> p = model.Parameters;
        foreach (LayerInfo layer in layers)
        {
            switch (layer.Kind)
            {
                case LayerKind.Embedding:
                    string ids = Node("Cast", [x], Int("to", (int)TensorProto.Types.DataType.Int64));
                    x = Node("Gather", [Initializer(layer.Name + "/embeddings", layer.Tensors[0].Shape, Slice(p, layer.Tensors[0])), ids], Int("axis", 0));
                    layout = Layout.BatchMajor;
                    break;
                case LayerKind.SimpleRnn:
                case LayerKind.Lstm:
                case LayerKind.Gru:
                    if (layout == Layout.BatchMajor)
                    {
                        x = Node("Transpose", [x], Ints("perm", 1, 0, 2));
                    }

                    if (layer.GoBackwards)
                    {
                        x = Node("Slice", [x, Longs("starts", -1), Longs("ends", long.MinValue), Longs("axes", 0), Longs("steps", -1)]);
                    }

                    (string y, string yh) = Recurrent(layer, x, p);
                    int width = layer.OutputShape[^1];
                    if (layer.ReturnSequences)
                    {
                        // Y is [T, directions, 1, H]; the reverse direction's Y is time-aligned, as Keras's backward
                        // output is after its flip.
                        x = layer.Bidirectional ? MergeDirections(layer, y, directionAxis: 1) : Node("Squeeze", [y, Longs("axes", 1)]); // -> [T, 1, W]
                        layout = Layout.TimeMajor;
                    }
                    else
                    {
                        // Y_h is [directions, 1, H]: each direction's final state, the outputs Keras merges.
                        x = Node("Reshape", [layer.Bidirectional ? MergeDirections(layer, yh, directionAxis: 0) : yh, Longs("shape", 1, width)]); // -> [1, W]
                        layout = Layout.Vector;
                    }

                    break;
                case LayerKind.Dense:
                    string kernel = Initializer(layer.Name + "/kernel", layer.Tensors[0].Shape, Slice(p, layer.Tensors[0]));
                    string? bias = layer.UseBias ? Initializer(layer.Name + "/bias", layer.Tensors[1].Shape, Slice(p, layer.Tensors[1])) : null;
                    if (layout == Layout.Vector)
                    {
                        x = Node("Gemm", bias is null ? [x, kernel] : [x, kernel, bias]);
                    }
                    else
                    {
                        x = Node("MatMul", [x, kernel]);
                        if (bias is not null) x = Node("Add", [x, bias]);
                    }

                    x = Activate(layer, x);
                    break;
                default:
                    throw new NotSupportedException($"Layer '{layer.Name}' ({layer.Kind}) has no ONNX lowering.");
            }
        }

        if (layout == Layout.TimeMajor)
        {
            x = Node("Transpose", [x], Ints("perm", 1, 0, 2));
        }

        LayerInfo last = layers[^1];
        _graph.Node[^1].Output[0] = "output";
        int outWidth = last.OutputShape[^1];
        _graph.Output.Add(ValueInfo("output", last.ReturnSequences ? [1, model.Timesteps, outWidth] : [1, outWidth]));
        return _graph;
    }

    /// <summary>
    /// Merges the two directions of a bidirectional op's output along <paramref name="directionAxis"/> (Y: axis 1 of
    /// <c>[T, 2, 1, H]</c>; Y_h: axis 0 of <c>[2, 1, H]</c>) as Keras does: <c>Split</c> into forward and backward, then
    /// <c>Concat</c> on the last axis, <c>Add</c>, <c>Mul</c>, or <c>Add</c> and <c>Mul</c> by 0.5; the direction axis
    /// is squeezed away.
    /// </summary>
    private string MergeDirections(LayerInfo layer, string y, int directionAxis)
    {
        string forward = Name(), backward = Name();
        var split = new NodeProto { OpType = "Split", Name = $"{layer.Name}/Split" };
        split.Input.Add(y);
        split.Output.AddRange([forward, backward]);
        split.Attribute.AddRange([Int("axis", directionAxis), Int("num_outputs", 2)]);
        _graph.Node.Add(split);
        string merged = layer.Merge switch
        {
            MergeMode.Concat => Node("Concat", [forward, backward], Int("axis", -1)),
            MergeMode.Sum => Node("Add", [forward, backward]),
            MergeMode.Multiply => Node("Mul", [forward, backward]),
            MergeMode.Average => Node("Mul", [Node("Add", [forward, backward]), Scalar(layer.Name + "/half", 0.5f)]),
            _ => throw new NotSupportedException($"Layer '{layer.Name}' ({layer.Kind}) merges its directions with {layer.Merge}, which the ONNX exporter does not lower."),
        };
        return Node("Squeeze", [merged, Longs("axes", directionAxis)]);
    }

    /// <summary>
    /// One ONNX RNN / LSTM / GRU node (<c>direction = "bidirectional"</c> for a Bidirectional layer: W, R and B stack
    /// the forward layer's weights, then the backward layer's); returns its outputs Y and Y_h.
    /// </summary>
    private (string Y, string Yh) Recurrent(LayerInfo layer, string x, ReadOnlySpan<float> p)
    {
        int units = layer.Units;
        int inWidth = layer.Tensors[0].Shape[0];
        (string op, int gates, int[] order) = layer.Kind switch
        {
            LayerKind.SimpleRnn => ("RNN", 1, new[] { 0 }),
            LayerKind.Lstm => ("LSTM", 4, new[] { 0, 3, 1, 2 }), // ONNX i, o, f, c from Keras i, f, c, o
            _ => ("GRU", 3, new[] { 0, 1, 2 }),                  // z, r, h in both
        };
        int g = gates * units;
        int directions = layer.Bidirectional ? 2 : 1;
        int perDirection = layer.Tensors.Count / directions;
        var w = new float[directions * g * inWidth];
        var r = new float[directions * g * units];
        var bb = new float[directions * 2 * g];
        for (int d = 0; d < directions; d++)
        {
            int first = d * perDirection;
            ReadOnlySpan<float> kernel = Slice(p, layer.Tensors[first]), recurrent = Slice(p, layer.Tensors[first + 1]);
            Span<float> wd = w.AsSpan(d * g * inWidth, g * inWidth), rd = r.AsSpan(d * g * units, g * units);
            for (int b = 0; b < gates; b++)
            {
                for (int j = 0; j < units; j++)
                {
                    int row = b * units + j, column = order[b] * units + j;
                    for (int i = 0; i < inWidth; i++) wd[row * inWidth + i] = kernel[i * g + column];
                    for (int k = 0; k < units; k++) rd[row * units + k] = recurrent[k * g + column];
                }
            }

            if (layer.UseBias)
            {
                ReadOnlySpan<float> kb = Slice(p, layer.Tensors[first + 2]);
                bool twoRows = kb.Length == 2 * g;
                Span<float> bd = bb.AsSpan(d * 2 * g, 2 * g);
                for (int b = 0; b < gates; b++)
                {
                    for (int j = 0; j < units; j++)
                    {
                        bd[b * units + j] = kb[order[b] * units + j];
                        if (twoRows) bd[g + b * units + j] = kb[g + order[b] * units + j];
                    }
                }
            }
        }

        string bias = layer.UseBias ? Initializer(layer.Name + "/B", [directions, 2 * g], bb) : "";

        string act = layer.Activation switch
        {
            Activation.Tanh => "Tanh",
            Activation.Sigmoid => "Sigmoid",
            Activation.Relu => "Relu",
            Activation.Linear => "Affine", // alpha * x + beta with alpha 1, beta 0
            Activation.HardSigmoid => "HardSigmoid",
            _ => throw new NotSupportedException($"Layer '{layer.Name}' ({layer.Kind}) uses activation {layer.Activation}, which ONNX's recurrent operators cannot express."),
        };
        string gate = layer.RecurrentActivation switch
        {
            Activation.Sigmoid => "Sigmoid",
            Activation.HardSigmoid => "HardSigmoid", // max(0, min(1, alpha x + beta)) with alpha 0.2, beta 0.5
            Activation.Tanh => "Tanh",
            Activation.Relu => "Relu",
            Activation.Linear => "Affine",
            _ => throw new NotSupportedException($"Layer '{layer.Name}' ({layer.Kind}) uses recurrent activation {layer.RecurrentActivation}, which ONNX's recurrent operators cannot express."),
        };
        string[] activations = layer.Kind switch
        {
            LayerKind.SimpleRnn => [act],
            LayerKind.Lstm => [gate, act, act],
            _ => [gate, act],
        };
        var attributes = new List<AttributeProto>
        {
            Int("hidden_size", units),
            Strings("activations", activations),
        };
        if (layer.Bidirectional)
        {
            // ONNX lists the forward direction's functions, then the reverse direction's: the same ones here.
            activations = [.. activations, .. activations];
            attributes[1] = Strings("activations", activations);
            attributes.Add(String("direction", "bidirectional"));
        }

        if (activations.Any(a => a is "Affine" or "HardSigmoid"))
        {
            // Alpha and beta are consumed in order by the functions that take them: one pair per Affine (1, 0: the
            // identity) and per HardSigmoid (0.2, 0.5: Keras 2's hard sigmoid).
            string[] parameterized = [.. activations.Where(a => a is "Affine" or "HardSigmoid")];
            attributes.Add(Floats("activation_alpha", [.. parameterized.Select(a => a == "Affine" ? 1f : 0.2f)]));
            attributes.Add(Floats("activation_beta", [.. parameterized.Select(a => a == "Affine" ? 0f : 0.5f)]));
        }

        if (layer.Kind == LayerKind.Gru)
        {
            attributes.Add(Int("linear_before_reset", layer.ResetAfter ? 1 : 0));
        }

        string y = Name(), yh = Name();
        var node = new NodeProto { OpType = op, Name = $"{layer.Name}/{op}" };
        node.Input.AddRange([x, Initializer(layer.Name + "/W", [directions, g, inWidth], w), Initializer(layer.Name + "/R", [directions, g, units], r), bias]);
        node.Output.AddRange([y, yh]);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return (y, yh);
    }

    private string Activate(LayerInfo layer, string x) => layer.Activation switch
    {
        Activation.Linear => x,
        Activation.Tanh => Node("Tanh", [x]),
        Activation.Sigmoid => Node("Sigmoid", [x]),
        Activation.Relu => Node("Relu", [x]),
        Activation.Softmax => Node("Softmax", [x], Int("axis", -1)),
        Activation.HardSigmoid => Node("HardSigmoid", [x], Float("alpha", 0.2f), Float("beta", 0.5f)),
        _ => throw new NotSupportedException($"Layer '{layer.Name}' uses activation {layer.Activation}, which the ONNX exporter does not lower."),
    };

    private string Node(string op, string[] inputs, params AttributeProto[] attributes)
    {
        string output = Name();
        var node = new NodeProto { OpType = op, Name = $"{op}_{_next}" };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return output;
    }

    private string Name() => $"t{_next++}";

    private string Initializer(string name, IReadOnlyList<int> shape, ReadOnlySpan<float> data)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        foreach (int d in shape) t.Dims.Add(d);
        t.RawData = LittleEndianBytes(data);
        _graph.Initializer.Add(t);
        return name;
    }

    /// <summary>A float scalar initializer.</summary>
    private string Scalar(string name, float value)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.FloatData.Add(value);
        _graph.Initializer.Add(t);
        return name;
    }

    /// <summary>An int64 constant initializer (axes, shapes, slice bounds).</summary>
    private string Longs(string what, params long[] values)
    {
        var t = new TensorProto { Name = $"{what}_{_next++}", DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.Add(values.Length);
        t.Int64Data.AddRange(values);
        _graph.Initializer.Add(t);
        return t.Name;
    }

    private static ByteString LittleEndianBytes(ReadOnlySpan<float> data)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX export writes little-endian raw data; this platform is big-endian.");
        }

        return ByteString.CopyFrom(MemoryMarshal.AsBytes(data));
    }

    private static ReadOnlySpan<float> Slice(ReadOnlySpan<float> parameters, TensorInfo t) => parameters.Slice(t.Offset, t.Length);

    private static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    private static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    private static AttributeProto Floats(string name, float[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
        a.Floats.AddRange(values);
        return a;
    }

    private static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    private static AttributeProto Strings(string name, string[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        foreach (string v in values) a.Strings.Add(ByteString.CopyFromUtf8(v));
        return a;
    }

    private static ValueInfoProto ValueInfo(string name, int[] shape)
    {
        var tensorShape = new TensorShapeProto();
        foreach (int d in shape) tensorShape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = tensorShape } },
        };
    }
}
