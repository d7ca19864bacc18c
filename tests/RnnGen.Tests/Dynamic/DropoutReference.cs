using RnnGen.CompilerServices;
using RnnGen.Dynamic;

namespace RnnGen.Tests.Dynamic;

/// <summary>
/// A plain double-precision training forward pass with Keras 3 dropout, written from <c>keras/src/layers/rnn/{simple_rnn,
/// lstm,gru}.py</c> and <c>Dropout.call</c>, sharing no code with RnnGen.Dynamic: the masks multiply the inputs and the
/// states, as Keras does, and come from <see cref="Dropout.Fill"/> (the generator the contract fixes), numbered as
/// <see cref="Dropout"/> documents. With them fixed the pass is a smooth function of the weights and the input, so
/// finite differences of it check Backward. Masking follows <see cref="MaskedReference"/>'s <c>backend.rnn</c> loop.
/// </summary>
/// <remarks>
/// Keras 3, per sample: <c>dropout</c> with <c>recurrent_dropout</c> (implementation 1) draws one input mask per gate,
/// <c>dropout</c> alone one for every gate; <c>recurrent_dropout</c> one state mask per gate; <c>Dropout(rate)</c> one mask
/// of its input's size. GRU: <c>z = σ((x ⊙ mx_0) K_z + (h ⊙ mh_0) R_z + b)</c>, ..., <c>h' = z h + (1 - z) hh</c> with the
/// undropped <c>h</c>.
/// </remarks>
internal static class DropoutReference
{
    public static double[] Forward(
        int timesteps, int features, IReadOnlyList<Layer> layers, double[] p, double[] input, ulong seed, long sequence, bool[]? mask = null)
    {
        int offset = 0, weighted = -1; // weighted: the index in Layers of the last layer with a kind
        double[][] seq = new double[timesteps][];
        for (int t = 0; t < timesteps; t++) seq[t] = layers[0] is EmbeddingLayer ? [input[t]] : input.AsSpan(t * features, features).ToArray();
        foreach (Layer layer in layers)
        {
            switch (layer)
            {
                case MaskingLayer:
                    for (int t = 0; t < timesteps; t++) seq[t] = mask![t] ? seq[t] : new double[seq[t].Length];
                    break;
                case DropoutLayer d:
                {
                    // y = x ⊙ m, one mask over the flattened [rows, width] input
                    int width = seq[0].Length;
                    double[] m = Mask(seq.Length * width, d.Rate, seed, sequence, Dropout.Stream(weighted, Dropout.LayerPart, 0));
                    for (int r = 0; r < seq.Length; r++) seq[r] = [.. seq[r].Select((v, f) => v * m[r * width + f])];
                    break;
                }

                case EmbeddingLayer e:
                    weighted++;
                    for (int t = 0; t < timesteps; t++) seq[t] = p.AsSpan(offset + (int)seq[t][0] * e.OutputDim, e.OutputDim).ToArray();
                    offset += e.InputDim * e.OutputDim;
                    break;
                case DenseLayer d:
                    weighted++;
                    seq = MaskedReference.Dense(d, p, ref offset, seq); // Dense, Merge and the activations are masking's reference's
                    break;
                case BidirectionalLayer b:
                {
                    weighted++;
                    bool sequences = b.ForwardLayer.ReturnSequences;
                    var draw = (seed, sequence, weighted);
                    double[][] yf = Recurrent(b.ForwardLayer, seq, p, ref offset, mask, sequences, draw, Dropout.InputPart, Dropout.RecurrentPart);
                    double[][] yb = Recurrent(b.BackwardLayer, seq, p, ref offset, mask, sequences, draw, Dropout.BackwardInputPart, Dropout.BackwardRecurrentPart);
                    seq = MaskedReference.Merge(b.Merge, yf, [.. Enumerable.Reverse(yb)]);
                    break;
                }

                case RecurrentLayer r:
                    weighted++;
                    seq = Recurrent(r, seq, p, ref offset, mask, false, (seed, sequence, weighted), Dropout.InputPart, Dropout.RecurrentPart);
                    break;
            }
        }

        if (offset != p.Length) throw new ArgumentException($"The layers use {offset} parameters, but {p.Length} were given.", nameof(p));
        return [.. seq.SelectMany(r => r)];
    }

    /// <summary>The mask <see cref="Dropout.Fill"/> draws, in double; all ones at rate 0.</summary>
    public static double[] Mask(int count, float rate, ulong seed, long sequence, int stream)
    {
        if (rate == 0f) return [.. Enumerable.Repeat(1.0, count)];
        var m = new float[count];
        Dropout.Fill(m, count, 1, rate, seed, sequence, stream);
        return [.. m.Select(v => (double)v)];
    }

    private static double[][] Recurrent(
        RecurrentLayer layer, double[][] seq, double[] p, ref int offset, bool[]? mask, bool zeroOutputForMask,
        (ulong Seed, long Sequence, int Layer) draw, int inputPart, int recurrentPart)
    {
        int n = seq[0].Length, u = layer.Units;
        int gates = layer switch { LstmLayer => 4, GruLayer => 3, _ => 1 };

        // Keras 3: recurrent_dropout forces implementation 1, one input mask per gate; else one input mask for every gate.
        var mx = new double[gates][];
        var mh = new double[gates][];
        for (int g = 0; g < gates; g++)
        {
            int inputIndex = layer.RecurrentDropout > 0 ? g : 0;
            mx[g] = Mask(n, layer.Dropout, draw.Seed, draw.Sequence, Dropout.Stream(draw.Layer, inputPart, inputIndex));
            mh[g] = Mask(u, layer.RecurrentDropout, draw.Seed, draw.Sequence, Dropout.Stream(draw.Layer, recurrentPart, g));
        }

        // the cell itself is the masked reference's, reading the dropped inputs and states
        return MaskedReference.Recurrent(layer, seq, p, ref offset, mask, state: null, zeroOutputForMask, final: [], mx, mh);
    }
}
