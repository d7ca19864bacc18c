namespace RnnGen.Benchmarks;

/// <summary>
/// Stand-in for the runtime's <c>Adam</c> until it lands: Keras's update,
/// <c>m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + eps)</c>.
/// </summary>
public sealed class InlineAdam(int parameterCount, float learningRate = 0.001f)
{
    private const float Beta1 = 0.9f, Beta2 = 0.999f, Epsilon = 1e-7f;
    private readonly float[] _m = new float[parameterCount];
    private readonly float[] _v = new float[parameterCount];
    private int _t;

    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        _t++;
        float lr = learningRate * MathF.Sqrt(1 - MathF.Pow(Beta2, _t)) / (1 - MathF.Pow(Beta1, _t));
        Span<float> m = _m, v = _v;
        for (int i = 0; i < parameters.Length; i++)
        {
            float g = gradients[i];
            m[i] = Beta1 * m[i] + (1 - Beta1) * g;
            v[i] = Beta2 * v[i] + (1 - Beta2) * g * g;
            parameters[i] -= lr * m[i] / (MathF.Sqrt(v[i]) + Epsilon);
        }
    }
}
