using RnnGen.CompilerServices;

namespace RnnGen.Tests.Runtime;

/// <summary>
/// A hand-written Dense model standing in for generated code: y_t = act(x_t W + b) at each of
/// <c>timesteps</c> timesteps (a Keras Dense on a sequence), Keras tensor names dense/kernel [in, u], dense/bias [u].
/// </summary>
internal sealed class DenseTestModel : IRnnModel
{
    private readonly float[] _parameters;
    private readonly float[] _gradients;
    private readonly float[] _x;
    private readonly float[] _y;
    private readonly float[] _dz;
    private readonly Activation _activation;
    private bool _haveForward;

    public DenseTestModel(int features, int units, Activation activation = Activation.Linear, int seed = 1, int timesteps = 1)
    {
        Timesteps = timesteps;
        Features = features;
        Units = units;
        _activation = activation;
        ParameterCount = features * units + units;
        _parameters = new float[ParameterCount];
        _gradients = new float[ParameterCount];
        _x = new float[InputSize];
        _y = new float[OutputSize];
        _dz = new float[units];
        Initializers.GlorotUniform(_parameters.AsSpan(0, features * units), features, units, new Random(seed));
        Layers =
        [
            new LayerInfo("dense", LayerKind.Dense, units, activation, timesteps > 1, false, true,
                timesteps > 1 ? [timesteps, features] : [features],
                timesteps > 1 ? [timesteps, units] : [units],
                0, ParameterCount,
                [
                    new TensorInfo("dense/kernel", [features, units], 0, features * units),
                    new TensorInfo("dense/bias", [units], features * units, units),
                ]),
        ];
    }

    public int Units { get; }
    public int Timesteps { get; }
    public int Features { get; }
    public int InputSize => Timesteps * Features;
    public int OutputSize => Timesteps * Units;
    public int StepOutputSize => Units;
    public int ParameterCount { get; }
    public Span<float> Parameters => _parameters;
    public Span<float> Gradients => _gradients;
    public IReadOnlyList<LayerInfo> Layers { get; }
    public string Summary => "dense (Dense)";

    public int ForwardCalls { get; private set; }

    public void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        Guard.Length(input.Length, InputSize, nameof(input));
        Guard.Length(output.Length, OutputSize, nameof(output));
        for (int t = 0; t < Timesteps; t++)
        {
            Dense(input.Slice(t * Features, Features), output.Slice(t * Units, Units));
        }
    }

    public void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        Predict(input, output);
        input.CopyTo(_x);
        output.CopyTo(_y);
        _haveForward = true;
        ForwardCalls++;
    }

    public void Backward(ReadOnlySpan<float> outputGradient) => Backward(outputGradient, Span<float>.Empty, false);

    public void Backward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
    {
        Guard.Length(inputGradient.Length, InputSize, nameof(inputGradient));
        Backward(outputGradient, inputGradient, true);
    }

    public void ResetState()
    {
    }

    public void Step(ReadOnlySpan<float> x, Span<float> y) => Dense(x, y);

    private void Dense(ReadOnlySpan<float> x, Span<float> y)
    {
        int f = Features, u = Units;
        ReadOnlySpan<float> w = _parameters.AsSpan(0, f * u), b = _parameters.AsSpan(f * u, u);
        for (int j = 0; j < u; j++)
        {
            float z = b[j];
            for (int i = 0; i < f; i++)
            {
                z += x[i] * w[i * u + j];
            }

            y[j] = z;
        }

        switch (_activation)
        {
            case Activation.Sigmoid:
                for (int j = 0; j < u; j++) y[j] = 1f / (1f + MathF.Exp(-y[j]));
                break;
            case Activation.Tanh:
                for (int j = 0; j < u; j++) y[j] = MathF.Tanh(y[j]);
                break;
            case Activation.Softmax:
                float max = float.NegativeInfinity, sum = 0;
                for (int j = 0; j < u; j++) max = MathF.Max(max, y[j]);
                for (int j = 0; j < u; j++) sum += y[j] = MathF.Exp(y[j] - max);
                for (int j = 0; j < u; j++) y[j] /= sum;
                break;
        }
    }

    // Gradients += dLoss/dW, dLoss/db; inputGradient = dLoss/dx
    private void Backward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient, bool wantInput)
    {
        Guard.Length(outputGradient.Length, OutputSize, nameof(outputGradient));
        if (!_haveForward) Guard.ThrowBackwardWithoutForward();
        int f = Features, u = Units;
        Span<float> dw = _gradients.AsSpan(0, f * u), db = _gradients.AsSpan(f * u, u), dz = _dz;
        ReadOnlySpan<float> w = _parameters.AsSpan(0, f * u);
        for (int t = 0; t < Timesteps; t++)
        {
            ReadOnlySpan<float> x = _x.AsSpan(t * f, f), y = _y.AsSpan(t * u, u), dy = outputGradient.Slice(t * u, u);
            if (_activation == Activation.Softmax)
            {
                // dz_j = y_j (dy_j - Σ_k dy_k y_k)
                float dot = 0;
                for (int k = 0; k < u; k++) dot += dy[k] * y[k];
                for (int j = 0; j < u; j++) dz[j] = y[j] * (dy[j] - dot);
            }
            else
            {
                for (int j = 0; j < u; j++)
                {
                    dz[j] = _activation switch
                    {
                        Activation.Sigmoid => dy[j] * y[j] * (1 - y[j]),
                        Activation.Tanh => dy[j] * (1 - y[j] * y[j]),
                        _ => dy[j],
                    };
                }
            }

            for (int i = 0; i < f; i++)
            {
                for (int j = 0; j < u; j++) dw[i * u + j] += x[i] * dz[j];
            }

            for (int j = 0; j < u; j++) db[j] += dz[j];
            if (wantInput)
            {
                for (int i = 0; i < f; i++)
                {
                    float s = 0;
                    for (int j = 0; j < u; j++) s += w[i * u + j] * dz[j];
                    inputGradient[t * f + i] = s;
                }
            }
        }
    }
}
