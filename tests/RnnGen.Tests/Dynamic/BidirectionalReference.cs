using RnnGen.Dynamic;

namespace RnnGen.Tests.Dynamic;

/// <summary>
/// A plain double-precision forward pass for stacks that contain <see cref="BidirectionalLayer"/>s, written from Keras's
/// <c>Bidirectional.call</c>: both directions read the same input, the backward output is reversed in time when it is a
/// sequence, then merged. Each single layer runs through <see cref="DoubleReference"/>; parameter counts and the backward
/// copy are worked out here from the public configuration, sharing no code with RnnGen.Dynamic's bidirectional runtime.
/// </summary>
internal static class BidirectionalReference
{
    public static double[] Forward(int timesteps, int features, IReadOnlyList<Layer> layers, double[] p, double[] input)
    {
        int offset = 0, rows = timesteps, width = features;
        double[] values = input;
        foreach (Layer layer in layers)
        {
            switch (layer)
            {
                case EmbeddingLayer e:
                    values = DoubleReference.Forward(timesteps, features, [e], Slice(p, ref offset, e.InputDim * e.OutputDim), values);
                    width = e.OutputDim;
                    break;
                case DenseLayer d:
                    values = DoubleReference.Forward(rows, width, [d], Slice(p, ref offset, width * d.Units + (d.UseBias ? d.Units : 0)), values);
                    width = d.Units;
                    break;
                case BidirectionalLayer b:
                {
                    RecurrentLayer forward = b.ForwardLayer, backward = Reversed(forward);
                    int count = RecurrentCount(forward, width);
                    double[] yf = DoubleReference.Forward(timesteps, width, [forward], Slice(p, ref offset, count), values);
                    double[] yb = DoubleReference.Forward(timesteps, width, [backward], Slice(p, ref offset, count), values);
                    rows = forward.ReturnSequences ? timesteps : 1;
                    values = Merge(b.Merge, forward.Units, rows, yf, yb);
                    width = b.Merge == MergeMode.Concat ? 2 * forward.Units : forward.Units;
                    break;
                }

                case RecurrentLayer r:
                    values = DoubleReference.Forward(timesteps, width, [r], Slice(p, ref offset, RecurrentCount(r, width)), values);
                    rows = r.ReturnSequences ? timesteps : 1;
                    width = r.Units;
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(layers), layer, "Unknown layer.");
            }
        }

        if (offset != p.Length) throw new ArgumentException($"The layers use {offset} parameters, but {p.Length} were given.", nameof(p));
        return values;
    }

    /// <summary>The Keras backward layer: the same configuration with <c>go_backwards</c> flipped.</summary>
    public static RecurrentLayer Reversed(RecurrentLayer layer) => layer switch
    {
        SimpleRnnLayer s => new SimpleRnnLayer(s.Units, s.Activation, s.ReturnSequences, s.UseBias, !s.GoBackwards),
        LstmLayer l => new LstmLayer(l.Units, l.Activation, l.ReturnSequences, l.UseBias, !l.GoBackwards, l.RecurrentActivation),
        GruLayer g => new GruLayer(g.Units, g.Activation, g.ReturnSequences, g.UseBias, !g.GoBackwards, g.ResetAfter, g.RecurrentActivation),
        _ => throw new ArgumentOutOfRangeException(nameof(layer)),
    };

    /// <summary>Keras weight count: kernel <c>[in, G]</c>, recurrent kernel <c>[u, G]</c>, bias <c>[G]</c> (GRU reset_after <c>[2, G]</c>).</summary>
    public static int RecurrentCount(RecurrentLayer layer, int inputWidth)
    {
        int gates = layer switch { LstmLayer => 4, GruLayer => 3, _ => 1 };
        int g = gates * layer.Units;
        int biasRows = layer is GruLayer { ResetAfter: true } ? 2 : 1;
        return (inputWidth + layer.Units) * g + (layer.UseBias ? biasRows * g : 0);
    }

    // Keras: y = forward(x); y_rev = backward(x); if return_sequences: y_rev = reverse(y_rev, time); merge(y, y_rev).
    private static double[] Merge(MergeMode mode, int u, int rows, double[] yf, double[] yb)
    {
        int width = mode == MergeMode.Concat ? 2 * u : u;
        var y = new double[rows * width];
        for (int t = 0; t < rows; t++)
        {
            int tb = rows - 1 - t;
            for (int j = 0; j < u; j++)
            {
                double f = yf[t * u + j], b = yb[tb * u + j];
                switch (mode)
                {
                    case MergeMode.Concat:
                        y[t * width + j] = f;
                        y[t * width + u + j] = b;
                        break;
                    case MergeMode.Sum:
                        y[t * width + j] = f + b;
                        break;
                    case MergeMode.Multiply:
                        y[t * width + j] = f * b;
                        break;
                    case MergeMode.Average:
                        y[t * width + j] = (f + b) / 2;
                        break;
                }
            }
        }

        return y;
    }

    private static double[] Slice(double[] p, ref int offset, int count)
    {
        double[] slice = p.AsSpan(offset, count).ToArray();
        offset += count;
        return slice;
    }
}
