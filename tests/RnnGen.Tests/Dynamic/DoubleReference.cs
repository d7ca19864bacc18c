using RnnGen.Dynamic;

namespace RnnGen.Tests.Dynamic;

/// <summary>
/// A deliberately plain double-precision forward pass written straight from the Keras formulas (CONTEXT.md),
/// sharing no code with RnnGen.Dynamic. Gradient checks differentiate it numerically.
/// </summary>
internal static class DoubleReference
{
    public static double[] Forward(int timesteps, int features, IReadOnlyList<Layer> layers, double[] p, double[] input)
    {
        int offset = 0;
        double[][] seq = new double[timesteps][];
        if (layers[0] is not EmbeddingLayer)
        {
            for (int t = 0; t < timesteps; t++) seq[t] = input.AsSpan(t * features, features).ToArray();
        }

        foreach (Layer layer in layers)
        {
            switch (layer)
            {
                case EmbeddingLayer e:
                    for (int t = 0; t < timesteps; t++)
                    {
                        int id = (int)input[t];
                        seq[t] = p.AsSpan(offset + id * e.OutputDim, e.OutputDim).ToArray();
                    }

                    offset += e.InputDim * e.OutputDim;
                    break;
                case DenseLayer d:
                    seq = Dense(d, p, ref offset, seq);
                    break;
                default:
                    seq = Recurrent((RecurrentLayer)layer, seq, p, ref offset);
                    break;
            }
        }

        return seq.SelectMany(r => r).ToArray();
    }

    private static IEnumerable<double[]> Ordered(RecurrentLayer layer, double[][] seq) => layer.GoBackwards ? Enumerable.Reverse(seq) : seq;

    private static double[][] Dense(DenseLayer d, double[] p, ref int offset, double[][] seq)
    {
        int n = seq[0].Length, u = d.Units;
        var result = new double[seq.Length][];
        for (int r = 0; r < seq.Length; r++)
        {
            var z = new double[u];
            for (int j = 0; j < u; j++)
            {
                double s = d.UseBias ? p[offset + n * u + j] : 0;
                for (int i = 0; i < n; i++) s += seq[r][i] * p[offset + i * u + j];
                z[j] = s;
            }

            result[r] = Activate(d.Activation, z);
        }

        offset += n * u + (d.UseBias ? u : 0);
        return result;
    }

    private static double[][] Recurrent(RecurrentLayer layer, double[][] seq, double[] p, ref int offset)
    {
        int n = seq[0].Length, u = layer.Units;
        int gates = layer switch { LstmLayer => 4, GruLayer => 3, _ => 1 };
        int gw = gates * u;
        int k0 = offset, r0 = offset + n * gw, b0 = r0 + u * gw;
        bool resetAfter = layer is GruLayer { ResetAfter: true };
        int biasLength = layer.UseBias ? (resetAfter ? 2 * gw : gw) : 0;
        offset = b0 + biasLength;

        double K(int i, int j) => p[k0 + i * gw + j];
        double R(int i, int j) => p[r0 + i * gw + j];
        double B(int j) => layer.UseBias ? p[b0 + j] : 0;
        // Keras recurrent_activation (the gates' σ); SimpleRnn has none.
        Activation gate = layer switch { LstmLayer l => l.RecurrentActivation, GruLayer g => g.RecurrentActivation, _ => Activation.Sigmoid };
        double Gate(double x) => Act(gate, x);

        var h = new double[u];
        var c = new double[u];
        var outputs = new List<double[]>();
        foreach (double[] x in Ordered(layer, seq))
        {
            var xa = new double[gw];
            var ha = new double[gw];
            for (int j = 0; j < gw; j++)
            {
                double s = 0;
                for (int i = 0; i < n; i++) s += x[i] * K(i, j);
                xa[j] = s;
                double q = 0;
                for (int i = 0; i < u; i++) q += h[i] * R(i, j);
                ha[j] = q;
            }

            var hNew = new double[u];
            switch (layer)
            {
                case SimpleRnnLayer:
                    for (int j = 0; j < u; j++) hNew[j] = Act(layer.Activation, xa[j] + ha[j] + B(j));
                    break;
                case LstmLayer:
                    for (int j = 0; j < u; j++)
                    {
                        double ig = Gate(xa[j] + ha[j] + B(j));
                        double fg = Gate(xa[u + j] + ha[u + j] + B(u + j));
                        double gg = Act(layer.Activation, xa[2 * u + j] + ha[2 * u + j] + B(2 * u + j));
                        double og = Gate(xa[3 * u + j] + ha[3 * u + j] + B(3 * u + j));
                        c[j] = fg * c[j] + ig * gg;
                        hNew[j] = og * Act(layer.Activation, c[j]);
                    }

                    break;
                case GruLayer when resetAfter:
                    for (int j = 0; j < u; j++)
                    {
                        double z = Gate(xa[j] + B(j) + ha[j] + B(gw + j));
                        double r = Gate(xa[u + j] + B(u + j) + ha[u + j] + B(gw + u + j));
                        double hh = Act(layer.Activation, xa[2 * u + j] + B(2 * u + j) + r * (ha[2 * u + j] + B(gw + 2 * u + j)));
                        hNew[j] = z * h[j] + (1 - z) * hh;
                    }

                    break;
                case GruLayer:
                    var zs = new double[u];
                    var rh = new double[u];
                    for (int j = 0; j < u; j++)
                    {
                        zs[j] = Gate(xa[j] + ha[j] + B(j));
                        rh[j] = Gate(xa[u + j] + ha[u + j] + B(u + j)) * h[j];
                    }

                    for (int j = 0; j < u; j++)
                    {
                        double s = xa[2 * u + j] + B(2 * u + j);
                        for (int i = 0; i < u; i++) s += rh[i] * R(i, 2 * u + j);
                        double hh = Act(layer.Activation, s);
                        hNew[j] = zs[j] * h[j] + (1 - zs[j]) * hh;
                    }

                    break;
            }

            h = hNew;
            outputs.Add(h);
        }

        return layer.ReturnSequences ? outputs.ToArray() : [h];
    }

    private static double[] Activate(Activation activation, double[] z)
    {
        if (activation != Activation.Softmax) return z.Select(v => Act(activation, v)).ToArray();
        double max = z.Max();
        double[] e = z.Select(v => Math.Exp(v - max)).ToArray();
        double sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }

    private static double Act(Activation activation, double x) => activation switch
    {
        Activation.Linear => x,
        Activation.Tanh => Math.Tanh(x),
        Activation.Sigmoid => Sigmoid(x),
        Activation.Relu => Math.Max(0, x),
        Activation.HardSigmoid => Math.Clamp(0.2 * x + 0.5, 0, 1), // Keras 2 / TensorFlow.js hard_sigmoid
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
}
