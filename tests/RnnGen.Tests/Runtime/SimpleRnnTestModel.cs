using RnnGen.CompilerServices;

namespace RnnGen.Tests.Runtime;

/// <summary>
/// Hand-written SimpleRnn(u, tanh) -> Dense(o, linear|softmax), the Keras math of DESIGN.md, so the training loop can be
/// checked against real TensorFlow.js fits before the generator lands. Layout: simple_rnn/kernel [F,u],
/// simple_rnn/recurrent_kernel [u,u], simple_rnn/bias [u], dense/kernel [u,o], dense/bias [o].
/// </summary>
internal sealed class SimpleRnnTestModel : IRnnModel
{
    private readonly int _u, _o;
    private readonly int _k, _r, _b, _w, _c; // tensor offsets
    private readonly float[] _parameters, _gradients, _x, _h, _y, _dh, _da, _dz;
    private readonly Activation _activation;

    public SimpleRnnTestModel(int timesteps, int features, int units, int outputs, Activation activation)
    {
        Timesteps = timesteps;
        Features = features;
        _u = units;
        _o = outputs;
        _activation = activation;
        _k = 0;
        _r = _k + features * units;
        _b = _r + units * units;
        _w = _b + units;
        _c = _w + units * outputs;
        ParameterCount = _c + outputs;
        _parameters = new float[ParameterCount];
        _gradients = new float[ParameterCount];
        _x = new float[timesteps * features];
        _h = new float[timesteps * units];
        _y = new float[outputs];
        _dh = new float[units];
        _da = new float[units];
        _dz = new float[outputs];
        Layers =
        [
            new LayerInfo("simple_rnn", LayerKind.SimpleRnn, units, Activation.Tanh, false, false, true, [timesteps, features], [units], 0, _w,
                [
                    new TensorInfo("simple_rnn/kernel", [features, units], _k, features * units),
                    new TensorInfo("simple_rnn/recurrent_kernel", [units, units], _r, units * units),
                    new TensorInfo("simple_rnn/bias", [units], _b, units),
                ]),
            new LayerInfo("dense", LayerKind.Dense, outputs, activation, false, false, true, [units], [outputs], _w, ParameterCount - _w,
                [
                    new TensorInfo("dense/kernel", [units, outputs], _w, units * outputs),
                    new TensorInfo("dense/bias", [outputs], _c, outputs),
                ]),
        ];
    }

    public int Timesteps { get; }
    public int Features { get; }
    public int InputSize => Timesteps * Features;
    public int OutputSize => _o;
    public int StepOutputSize => _o;
    public int ParameterCount { get; }
    public Span<float> Parameters => _parameters;
    public Span<float> Gradients => _gradients;
    public IReadOnlyList<LayerInfo> Layers { get; }
    public string Summary => "simple_rnn (SimpleRNN) -> dense (Dense)";

    public void Predict(ReadOnlySpan<float> input, Span<float> output) => Forward(input, output);

    public void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        Guard.Length(input.Length, InputSize, nameof(input));
        Guard.Length(output.Length, OutputSize, nameof(output));
        input.CopyTo(_x);
        int f = Features, u = _u;
        ReadOnlySpan<float> p = _parameters;
        for (int t = 0; t < Timesteps; t++)
        {
            // h_t = tanh(x_t K + h_{t-1} R + b)
            for (int j = 0; j < u; j++)
            {
                float a = p[_b + j];
                for (int i = 0; i < f; i++) a += _x[t * f + i] * p[_k + i * u + j];
                if (t > 0) for (int k = 0; k < u; k++) a += _h[(t - 1) * u + k] * p[_r + k * u + j];
                _h[t * u + j] = MathF.Tanh(a);
            }
        }

        ReadOnlySpan<float> last = _h.AsSpan((Timesteps - 1) * u, u);
        for (int j = 0; j < _o; j++)
        {
            float z = p[_c + j];
            for (int k = 0; k < u; k++) z += last[k] * p[_w + k * _o + j];
            _y[j] = z;
        }

        if (_activation == Activation.Softmax)
        {
            float max = float.NegativeInfinity, sum = 0;
            for (int j = 0; j < _o; j++) max = MathF.Max(max, _y[j]);
            for (int j = 0; j < _o; j++) sum += _y[j] = MathF.Exp(_y[j] - max);
            for (int j = 0; j < _o; j++) _y[j] /= sum;
        }

        _y.CopyTo(output);
    }

    public void Backward(ReadOnlySpan<float> outputGradient)
    {
        Guard.Length(outputGradient.Length, OutputSize, nameof(outputGradient));
        int f = Features, u = _u;
        ReadOnlySpan<float> p = _parameters;
        Span<float> g = _gradients;
        if (_activation == Activation.Softmax)
        {
            float dot = 0;
            for (int k = 0; k < _o; k++) dot += outputGradient[k] * _y[k];
            for (int j = 0; j < _o; j++) _dz[j] = _y[j] * (outputGradient[j] - dot);
        }
        else
        {
            outputGradient.CopyTo(_dz);
        }

        ReadOnlySpan<float> last = _h.AsSpan((Timesteps - 1) * u, u);
        for (int k = 0; k < u; k++)
        {
            float s = 0;
            for (int j = 0; j < _o; j++)
            {
                g[_w + k * _o + j] += last[k] * _dz[j];
                s += p[_w + k * _o + j] * _dz[j];
            }

            _dh[k] = s;
        }

        for (int j = 0; j < _o; j++) g[_c + j] += _dz[j];

        for (int t = Timesteps - 1; t >= 0; t--)
        {
            // da = dh * (1 - h_t^2)
            for (int j = 0; j < u; j++)
            {
                float h = _h[t * u + j];
                _da[j] = _dh[j] * (1 - h * h);
                g[_b + j] += _da[j];
            }

            for (int i = 0; i < f; i++)
                for (int j = 0; j < u; j++) g[_k + i * u + j] += _x[t * f + i] * _da[j];

            if (t > 0)
            {
                for (int k = 0; k < u; k++)
                {
                    float s = 0;
                    for (int j = 0; j < u; j++)
                    {
                        g[_r + k * u + j] += _h[(t - 1) * u + k] * _da[j];
                        s += p[_r + k * u + j] * _da[j];
                    }

                    _dh[k] = s;
                }
            }
        }
    }

    public void Backward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient) => throw new NotSupportedException();

    public void ResetState()
    {
    }

    public void Step(ReadOnlySpan<float> x, Span<float> y) => throw new NotSupportedException();
}
