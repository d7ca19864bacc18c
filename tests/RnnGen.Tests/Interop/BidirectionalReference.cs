namespace RnnGen.Tests.Interop;

/// <summary>
/// One layer of a bidirectional fixture (<c>interop_bidirectional*.json</c>): <see cref="Reference.LayerSpec"/>'s
/// fields plus <see cref="Bidirectional"/> and <see cref="Merge"/>.
/// </summary>
public sealed record BiLayerSpec(
    LayerKind Kind,
    int Units = 0,
    Activation Activation = Activation.Linear,
    bool ReturnSequences = false,
    bool UseBias = true,
    bool GoBackwards = false,
    bool ResetAfter = true,
    Activation RecurrentActivation = Activation.Sigmoid,
    bool Bidirectional = false,
    MergeMode Merge = MergeMode.Concat);

/// <summary>
/// A model written straight from Keras's formulas (SimpleRNN, LSTM, GRU either way, Dense; <c>Bidirectional</c> with
/// each merge mode: the forward layer, the backward layer over the same input with <c>go_backwards</c> flipped, its
/// sequence flipped back, merged), with the parameter layout and <see cref="LayerInfo"/>s of the contract. It is the
/// test oracle for bidirectional interop that does not depend on the generator: importing a framework's file into it
/// must reproduce the framework's output, and ONNX Runtime must reproduce its <see cref="Predict"/>.
/// </summary>
public sealed class BidirectionalReference : IRnnModel
{
    private readonly BiLayerSpec[] _specs;
    private readonly float[] _parameters;
    private readonly float[] _gradients;

    public BidirectionalReference(int timesteps, int features, params BiLayerSpec[] specs)
    {
        Timesteps = timesteps;
        Features = features;
        _specs = specs;
        var layers = new List<LayerInfo>();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        string Take(string b)
        {
            int n = counts.GetValueOrDefault(b);
            counts[b] = n + 1;
            return n == 0 ? b : $"{b}_{n}";
        }

        int width = features, offset = 0;
        bool sequence = true;
        foreach (BiLayerSpec s in specs)
        {
            string kind = s.Kind switch { LayerKind.SimpleRnn => "simple_rnn", LayerKind.Lstm => "lstm", LayerKind.Gru => "gru", _ => "dense" };
            int[] inputShape = sequence ? [timesteps, width] : [width];
            var tensors = new List<TensorInfo>();
            void Add(string name, int[] shape)
            {
                int length = shape.Aggregate(1, (a, b) => a * b);
                tensors.Add(new TensorInfo(name, shape, offset, length));
                offset += length;
            }

            int start = offset;
            string name;
            if (s.Kind == LayerKind.Dense)
            {
                name = Take("dense");
                Add(name + "/kernel", [width, s.Units]);
                if (s.UseBias) Add(name + "/bias", [s.Units]);
                width = s.Units;
            }
            else
            {
                int g = Gates(s.Kind) * s.Units;
                string inner = Take(kind);
                name = s.Bidirectional ? Take("bidirectional") : inner;
                string suffix = inner[kind.Length..];
                foreach (string prefix in s.Bidirectional ? new[] { $"{name}/forward_{kind}{suffix}", $"{name}/backward_{kind}{suffix}" } : [name])
                {
                    Add(prefix + "/kernel", [width, g]);
                    Add(prefix + "/recurrent_kernel", [s.Units, g]);
                    if (s.UseBias) Add(prefix + "/bias", s.Kind == LayerKind.Gru && s.ResetAfter ? [2, g] : [g]);
                }

                width = s.Bidirectional && s.Merge == MergeMode.Concat ? 2 * s.Units : s.Units;
                sequence = s.ReturnSequences;
            }

            int[] outputShape = sequence ? [timesteps, width] : [width];
            layers.Add(new LayerInfo(name, s.Kind, s.Units, s.Activation, sequence, s.GoBackwards, s.UseBias, inputShape, outputShape, start, offset - start, tensors)
            {
                ResetAfter = s.Kind != LayerKind.Gru || s.ResetAfter,
                RecurrentActivation = s.Kind is LayerKind.Lstm or LayerKind.Gru ? s.RecurrentActivation : Activation.Sigmoid,
                Bidirectional = s.Bidirectional,
                Merge = s.Merge,
            });
        }

        Layers = layers;
        OutputSize = sequence ? timesteps * width : width;
        _parameters = new float[offset];
        _gradients = new float[offset];
        var random = new Random(99);
        for (int i = 0; i < offset; i++) _parameters[i] = (float)(random.NextDouble() - 0.5);
    }

    public int Timesteps { get; }

    public int Features { get; }

    /// <summary>The layers as declared.</summary>
    public IReadOnlyList<BiLayerSpec> Specs => _specs;

    /// <summary>The same model in <see cref="RnnGen.Dynamic"/> layers (a <see cref="RnnGen.Dynamic.BidirectionalLayer"/> per bidirectional layer).</summary>
    public RnnGen.Dynamic.Sequential ToDynamic(int seed = 0) => new(Timesteps, Features, seed, [.. _specs.Select(ToDynamicLayer)]);

    private static RnnGen.Dynamic.Layer ToDynamicLayer(BiLayerSpec s)
    {
        RnnGen.Dynamic.RecurrentLayer? recurrent = s.Kind switch
        {
            LayerKind.SimpleRnn => new RnnGen.Dynamic.SimpleRnnLayer(s.Units, s.Activation, s.ReturnSequences, s.UseBias, s.GoBackwards),
            LayerKind.Lstm => new RnnGen.Dynamic.LstmLayer(s.Units, s.Activation, s.ReturnSequences, s.UseBias, s.GoBackwards, s.RecurrentActivation),
            LayerKind.Gru => new RnnGen.Dynamic.GruLayer(s.Units, s.Activation, s.ReturnSequences, s.UseBias, s.GoBackwards, s.ResetAfter, s.RecurrentActivation),
            _ => null,
        };
        if (recurrent is null) return new RnnGen.Dynamic.DenseLayer(s.Units, s.Activation, s.UseBias);
        return s.Bidirectional ? new RnnGen.Dynamic.BidirectionalLayer(recurrent, s.Merge) : recurrent;
    }

    public int InputSize => Timesteps * Features;

    public int OutputSize { get; }

    public int StepOutputSize => throw new NotSupportedException();

    public int ParameterCount => _parameters.Length;

    public Span<float> Parameters => _parameters;

    public Span<float> Gradients => _gradients;

    public IReadOnlyList<LayerInfo> Layers { get; }

    public string Summary => string.Join("\n", Layers.Select(l => $"{l.Name} {l.Kind}"));

    public void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        var x = new double[Timesteps][];
        for (int t = 0; t < Timesteps; t++)
        {
            x[t] = new double[Features];
            for (int f = 0; f < Features; f++) x[t][f] = input[t * Features + f];
        }

        double[][] current = x;
        for (int l = 0; l < _specs.Length; l++)
        {
            BiLayerSpec s = _specs[l];
            LayerInfo info = Layers[l];
            if (s.Kind == LayerKind.Dense)
            {
                current = [.. current.Select(v => Dense(s, info, v))];
                continue;
            }

            int half = info.Tensors.Count / (s.Bidirectional ? 2 : 1);
            double[][] forward = Run(s, info.Tensors.Take(half).ToArray(), current, s.GoBackwards);
            if (!s.Bidirectional)
            {
                current = s.ReturnSequences ? forward : [forward[^1]];
                continue;
            }

            double[][] backward = Run(s, info.Tensors.Skip(half).ToArray(), current, !s.GoBackwards);
            current = s.ReturnSequences
                ? [.. Enumerable.Range(0, Timesteps).Select(t => Merge(s.Merge, forward[t], backward[Timesteps - 1 - t]))]
                : [Merge(s.Merge, forward[^1], backward[^1])];
        }

        double[] flat = [.. current.SelectMany(v => v)];
        if (flat.Length != output.Length) throw new ArgumentException($"output has {output.Length} floats, expected {flat.Length}", nameof(output));
        for (int i = 0; i < flat.Length; i++) output[i] = (float)flat[i];
    }

    public void Forward(ReadOnlySpan<float> input, Span<float> output) => Predict(input, output);

    public void Backward(ReadOnlySpan<float> outputGradient) => throw new NotSupportedException();

    public void Backward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient) => throw new NotSupportedException();

    public void ResetState() => throw new NotSupportedException();

    public void Step(ReadOnlySpan<float> x, Span<float> y) => throw new NotSupportedException();

    private static int Gates(LayerKind kind) => kind switch { LayerKind.SimpleRnn => 1, LayerKind.Gru => 3, _ => 4 };

    private static double[] Merge(MergeMode mode, double[] f, double[] b) => mode switch
    {
        MergeMode.Concat => [.. f, .. b],
        MergeMode.Sum => [.. f.Select((v, i) => v + b[i])],
        MergeMode.Multiply => [.. f.Select((v, i) => v * b[i])],
        _ => [.. f.Select((v, i) => (v + b[i]) / 2)],
    };

    private double[] Dense(BiLayerSpec s, LayerInfo info, double[] x)
    {
        var y = new double[s.Units];
        for (int j = 0; j < s.Units; j++)
        {
            double a = s.UseBias ? P(info.Tensors[1], j) : 0;
            for (int i = 0; i < x.Length; i++) a += x[i] * P(info.Tensors[0], i * s.Units + j);
            y[j] = a;
        }

        if (s.Activation == Activation.Softmax)
        {
            double max = y.Max();
            double[] e = [.. y.Select(v => Math.Exp(v - max))];
            return [.. e.Select(v => v / e.Sum())];
        }

        return [.. y.Select(v => Act(s.Activation, v))];
    }

    /// <summary>One direction over the whole sequence; the outputs in processing order.</summary>
    private double[][] Run(BiLayerSpec s, TensorInfo[] t, double[][] x, bool backwards)
    {
        int u = s.Units, g = Gates(s.Kind) * u, steps = x.Length, inWidth = x[0].Length;
        var h = new double[u];
        var c = new double[u];
        var outputs = new double[steps][];
        bool twoRows = s.UseBias && t[2].Length == 2 * g;
        for (int step = 0; step < steps; step++)
        {
            double[] xt = x[backwards ? steps - 1 - step : step];
            var xz = new double[g];
            var hz = new double[g];
            for (int k = 0; k < g; k++)
            {
                double a = s.UseBias ? P(t[2], k) : 0, r = twoRows ? P(t[2], g + k) : 0;
                for (int i = 0; i < inWidth; i++) a += xt[i] * P(t[0], i * g + k);
                if (!(s.Kind == LayerKind.Gru && !s.ResetAfter && k >= 2 * u))
                {
                    for (int j = 0; j < u; j++) r += h[j] * P(t[1], j * g + k);
                }

                xz[k] = a;
                hz[k] = r;
            }

            var next = new double[u];
            for (int j = 0; j < u; j++)
            {
                switch (s.Kind)
                {
                    case LayerKind.SimpleRnn:
                        next[j] = Act(s.Activation, xz[j] + hz[j]);
                        break;
                    case LayerKind.Lstm:
                        double i = Act(s.RecurrentActivation, xz[j] + hz[j]);
                        double f = Act(s.RecurrentActivation, xz[u + j] + hz[u + j]);
                        double cc = Act(s.Activation, xz[2 * u + j] + hz[2 * u + j]);
                        double o = Act(s.RecurrentActivation, xz[3 * u + j] + hz[3 * u + j]);
                        c[j] = f * c[j] + i * cc;
                        next[j] = o * Act(s.Activation, c[j]);
                        break;
                    default:
                        double z = Act(s.RecurrentActivation, xz[j] + hz[j]);
                        double rr = Act(s.RecurrentActivation, xz[u + j] + hz[u + j]);
                        double hh;
                        if (s.ResetAfter)
                        {
                            hh = Act(s.Activation, xz[2 * u + j] + rr * hz[2 * u + j]);
                        }
                        else
                        {
                            double a = xz[2 * u + j];
                            for (int k = 0; k < u; k++)
                            {
                                double rk = Act(s.RecurrentActivation, xz[u + k] + hz[u + k]);
                                a += rk * h[k] * P(t[1], k * g + 2 * u + j);
                            }

                            hh = Act(s.Activation, a);
                        }

                        next[j] = z * h[j] + (1 - z) * hh;
                        break;
                }
            }

            h = next;
            outputs[step] = (double[])h.Clone();
        }

        return outputs;
    }

    private double P(TensorInfo t, int i) => _parameters[t.Offset + i];

    private static double Act(Activation a, double x) => a switch
    {
        Activation.Linear => x,
        Activation.Tanh => Math.Tanh(x),
        Activation.Sigmoid => 1 / (1 + Math.Exp(-x)),
        Activation.Relu => Math.Max(0, x),
        Activation.HardSigmoid => Math.Clamp(0.2 * x + 0.5, 0, 1),
        _ => throw new ArgumentOutOfRangeException(nameof(a), a, null),
    };
}
