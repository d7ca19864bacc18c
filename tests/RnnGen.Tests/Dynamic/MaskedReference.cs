using RnnGen.Dynamic;

namespace RnnGen.Tests.Dynamic;

/// <summary>
/// A plain double-precision forward pass under a given mask and from a given state, written from Keras's
/// <c>backend.rnn</c> (TensorFlow backend) and <c>Bidirectional.call</c>, sharing no code with RnnGen.Dynamic:
/// <code>
/// for each step (reversed with go_backwards; the mask reversed with the input):
///     output, new_states = cell(x_t, states)
///     output = where(mask_t, output, zeros if zero_output_for_mask else prev_output)   # prev_output starts at zeros
///     states = where(mask_t, new_states, states)
/// </code>
/// <c>Masking</c> outputs <c>x · mask</c>; a Bidirectional layer sets <c>zero_output_for_mask = return_sequences</c>.
/// The mask is an argument (one bool per timestep), so finite differences can hold it fixed.
/// </summary>
internal static class MaskedReference
{
    /// <summary>The model output and the final state (every recurrent layer's <c>h</c>, then <c>c</c> for an Lstm; forward, then backward).</summary>
    public static (double[] Output, double[] FinalState) Forward(
        int timesteps, int features, IReadOnlyList<Layer> layers, double[] p, double[] input, bool[]? mask, double[]? initialState = null)
    {
        int offset = 0, stateOffset = 0;
        var final = new List<double>();
        double[][] seq = new double[timesteps][];
        for (int t = 0; t < timesteps; t++) seq[t] = layers[0] is EmbeddingLayer ? [input[t]] : input.AsSpan(t * features, features).ToArray();
        foreach (Layer layer in layers)
        {
            switch (layer)
            {
                case MaskingLayer:
                    for (int t = 0; t < timesteps; t++) seq[t] = mask![t] ? seq[t] : new double[seq[t].Length];
                    break;
                case EmbeddingLayer e:
                    for (int t = 0; t < timesteps; t++) seq[t] = p.AsSpan(offset + (int)seq[t][0] * e.OutputDim, e.OutputDim).ToArray();
                    offset += e.InputDim * e.OutputDim;
                    break;
                case DenseLayer d:
                    seq = Dense(d, p, ref offset, seq);
                    break;
                case BidirectionalLayer b:
                {
                    bool sequences = b.ForwardLayer.ReturnSequences;
                    double[][] yf = Recurrent(b.ForwardLayer, seq, p, ref offset, mask, State(initialState, ref stateOffset, b.ForwardLayer), sequences, final);
                    double[][] yb = Recurrent(b.BackwardLayer, seq, p, ref offset, mask, State(initialState, ref stateOffset, b.BackwardLayer), sequences, final);
                    seq = Merge(b.Merge, yf, [.. Enumerable.Reverse(yb)]);
                    break;
                }

                case RecurrentLayer r:
                    seq = Recurrent(r, seq, p, ref offset, mask, State(initialState, ref stateOffset, r), zeroOutputForMask: false, final);
                    break;
            }
        }

        if (offset != p.Length) throw new ArgumentException($"The layers use {offset} parameters, but {p.Length} were given.", nameof(p));
        return ([.. seq.SelectMany(r => r)], [.. final]);
    }

    private static double[]? State(double[]? state, ref int offset, RecurrentLayer layer)
    {
        int size = layer is LstmLayer ? 2 * layer.Units : layer.Units;
        if (state is null) return null;
        double[] part = state.AsSpan(offset, size).ToArray();
        offset += size;
        return part;
    }

    /// <summary>
    /// One recurrent layer, Keras's masked loop. <paramref name="inputMasks"/> and <paramref name="stateMasks"/> (one per
    /// gate, null for none) are dropout's: gate g's products read <c>x ⊙ inputMasks[g]</c> and <c>h ⊙ stateMasks[g]</c>, and
    /// a reset-before GRU's candidate <c>r ⊙ (h ⊙ stateMasks[2])</c> (<see cref="DropoutReference"/>).
    /// </summary>
    internal static double[][] Recurrent(
        RecurrentLayer layer, double[][] seq, double[] p, ref int offset, bool[]? mask, double[]? state, bool zeroOutputForMask, List<double> final,
        double[][]? inputMasks = null, double[][]? stateMasks = null)
    {
        int n = seq[0].Length, u = layer.Units, steps = seq.Length;
        int gw = (layer switch { LstmLayer => 4, GruLayer => 3, _ => 1 }) * u;
        int k0 = offset, r0 = offset + n * gw, b0 = r0 + u * gw;
        bool resetAfter = layer is GruLayer { ResetAfter: true };
        offset = b0 + (layer.UseBias ? (resetAfter ? 2 * gw : gw) : 0);
        Activation gate = layer switch { LstmLayer l => l.RecurrentActivation, GruLayer g => g.RecurrentActivation, _ => Activation.Sigmoid };
        Activation act = layer.Activation;
        double B(int j) => layer.UseBias ? p[b0 + j] : 0;

        double[] h = state is null ? new double[u] : state[..u];
        double[] c = state is null || layer is not LstmLayer ? new double[u] : state[u..];
        var output = new double[u]; // Keras's prev_output starts at zeros
        var outputs = new List<double[]>();
        for (int s = 0; s < steps; s++)
        {
            int t = layer.GoBackwards ? steps - 1 - s : s;
            if (mask is not null && !mask[t])
            {
                output = zeroOutputForMask ? new double[u] : output;
                outputs.Add(output);
                continue;
            }

            double[] x = seq[t];
            var xa = new double[gw];
            var ha = new double[gw];
            for (int j = 0; j < gw; j++)
            {
                int g = j / u;
                for (int i = 0; i < n; i++) xa[j] += x[i] * (inputMasks?[g][i] ?? 1) * p[k0 + i * gw + j];
                for (int i = 0; i < u; i++) ha[j] += h[i] * (stateMasks?[g][i] ?? 1) * p[r0 + i * gw + j];
            }

            var hNew = new double[u];
            var cNew = new double[u];
            for (int j = 0; j < u; j++)
            {
                switch (layer)
                {
                    case SimpleRnnLayer:
                        hNew[j] = Act(act, xa[j] + ha[j] + B(j));
                        break;
                    case LstmLayer:
                        double ig = Act(gate, xa[j] + ha[j] + B(j)), fg = Act(gate, xa[u + j] + ha[u + j] + B(u + j));
                        double gg = Act(act, xa[2 * u + j] + ha[2 * u + j] + B(2 * u + j)), og = Act(gate, xa[3 * u + j] + ha[3 * u + j] + B(3 * u + j));
                        cNew[j] = fg * c[j] + ig * gg;
                        hNew[j] = og * Act(act, cNew[j]);
                        break;
                    case GruLayer when resetAfter:
                        double za = Act(gate, xa[j] + B(j) + ha[j] + B(gw + j)), ra = Act(gate, xa[u + j] + B(u + j) + ha[u + j] + B(gw + u + j));
                        double hha = Act(act, xa[2 * u + j] + B(2 * u + j) + ra * (ha[2 * u + j] + B(gw + 2 * u + j)));
                        hNew[j] = za * h[j] + (1 - za) * hha;
                        break;
                    default:
                        // reset before: hh = act(x K_h + (r h) R_h + b_h), with dropout (x ⊙ mx_2) and (r ⊙ (h ⊙ mh_2))
                        double z = Act(gate, xa[j] + ha[j] + B(j));
                        double sum = xa[2 * u + j] + B(2 * u + j);
                        for (int i = 0; i < u; i++) sum += Act(gate, xa[u + i] + ha[u + i] + B(u + i)) * h[i] * (stateMasks?[2][i] ?? 1) * p[r0 + i * gw + 2 * u + j];
                        hNew[j] = z * h[j] + (1 - z) * Act(act, sum);
                        break;
                }
            }

            h = hNew;
            if (layer is LstmLayer) c = cNew;
            output = h;
            outputs.Add(output);
        }

        final.AddRange(h);
        if (layer is LstmLayer) final.AddRange(c);
        return layer.ReturnSequences ? [.. outputs] : [output];
    }

    internal static double[][] Dense(DenseLayer d, double[] p, ref int offset, double[][] seq)
    {
        int n = seq[0].Length, u = d.Units;
        var result = new double[seq.Length][];
        for (int r = 0; r < seq.Length; r++)
        {
            var z = new double[u];
            for (int j = 0; j < u; j++)
            {
                z[j] = d.UseBias ? p[offset + n * u + j] : 0;
                for (int i = 0; i < n; i++) z[j] += seq[r][i] * p[offset + i * u + j];
            }

            if (d.Activation == Activation.Softmax)
            {
                double max = z.Max(), sum = z.Sum(v => Math.Exp(v - max));
                result[r] = [.. z.Select(v => Math.Exp(v - max) / sum)];
            }
            else
            {
                result[r] = [.. z.Select(v => Act(d.Activation, v))];
            }
        }

        offset += n * u + (d.UseBias ? u : 0);
        return result;
    }

    internal static double[][] Merge(MergeMode mode, double[][] f, double[][] b) =>
    [
        .. f.Zip(b, (x, y) => mode switch
        {
            MergeMode.Concat => x.Concat(y).ToArray(),
            MergeMode.Sum => x.Zip(y, (m, q) => m + q).ToArray(),
            MergeMode.Multiply => x.Zip(y, (m, q) => m * q).ToArray(),
            _ => x.Zip(y, (m, q) => (m + q) / 2).ToArray(),
        }),
    ];

    internal static double Act(Activation activation, double x) => activation switch
    {
        Activation.Linear => x,
        Activation.Tanh => Math.Tanh(x),
        Activation.Sigmoid => 1 / (1 + Math.Exp(-x)),
        Activation.Relu => Math.Max(0, x),
        Activation.HardSigmoid => Math.Clamp(0.2 * x + 0.5, 0, 1),
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };
}
