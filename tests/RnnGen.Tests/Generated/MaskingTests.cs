using RnnGen.Dynamic;
using RnnGen.Tests.Dynamic;

namespace RnnGen.Tests.Generated;

// Masked models against finite differences in double. A masked step carries the state, so a sample with its masked
// steps removed is the reference: the layers in double over the unmasked steps alone (DoubleReference).

[RnnModel(6, 2)]
[Masking(0f)]
[SimpleRnn(3)]
[Dense(2)]
public partial class MaskedSrnnFd;

[RnnModel(6, 2, Unroll = UnrollMode.Vector)]
[Masking(-1f)]
[Lstm(4, GoBackwards = true)]
[Dense(1, Activation = Activation.Tanh)]
public partial class MaskedLstmBackwardsFd;

[RnnModel(5, 3)]
[Masking(0f)]
[Gru(4)]
[Dense(2)]
public partial class MaskedGruFd;

[RnnModel(5, 3, Unroll = UnrollMode.Full)]
[Masking(0f)]
[Gru(3, ResetAfter = false)]
[Dense(2)]
public partial class MaskedGruResetBeforeFd;

public class MaskingTests
{
    public sealed record Case(string Name, Func<IBatchModel> Create, float MaskValue, Layer[] Layers, int[] Masked)
    {
        public override string ToString() => Name;
    }

    public static readonly Case[] Cases =
    [
        new("srnn, leading and middle", () => new MaskedSrnnFd(1), 0f, [new SimpleRnnLayer(3), new DenseLayer(2)], [0, 3]),
        new("lstm backwards, trailing", () => new MaskedLstmBackwardsFd(2), -1f, [new LstmLayer(4, goBackwards: true), new DenseLayer(1, Activation.Tanh)], [4, 5]),
        new("gru, middle", () => new MaskedGruFd(3), 0f, [new GruLayer(4), new DenseLayer(2)], [1, 2]),
        new("gru reset before, leading", () => new MaskedGruResetBeforeFd(4), 0f, [new GruLayer(3, resetAfter: false), new DenseLayer(2)], [0]),
    ];

    public static TheoryData<Case> AllCases() => new(Cases);

    [Theory]
    [MemberData(nameof(AllCases))]
    public void Backward_matches_finite_differences_over_the_unmasked_steps(Case c)
    {
        IBatchModel model = c.Create();
        int t = model.Timesteps, f = model.Features;
        var random = new Random(c.Name.Length);
        float[] input = Enumerable.Range(0, t * f).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        foreach (int step in c.Masked) input.AsSpan(step * f, f).Fill(c.MaskValue);
        int[] kept = Enumerable.Range(0, t).Where(s => !c.Masked.Contains(s)).ToArray();
        float[] dOut = Enumerable.Range(0, model.OutputSize).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var output = new float[model.OutputSize];
        var inputGradient = new float[model.InputSize];
        model.Forward(input, output);
        model.Backward(dOut, inputGradient);

        double Loss(double[] p, double[] x)
        {
            double[] compact = kept.SelectMany(s => x.AsSpan(s * f, f).ToArray()).ToArray();
            double[] y = DoubleReference.Forward(kept.Length, f, c.Layers, p, compact);
            double loss = 0;
            for (int i = 0; i < y.Length; i++) loss += y[i] * dOut[i];
            return loss;
        }

        double[] p0 = model.Parameters.ToArray().Select(v => (double)v).ToArray(), x0 = input.Select(v => (double)v).ToArray();
        double[] expectedOutput = DoubleReference.Forward(kept.Length, f, c.Layers, p0, kept.SelectMany(s => x0.AsSpan(s * f, f).ToArray()).ToArray());
        for (int i = 0; i < output.Length; i++) Assert.True(Math.Abs(output[i] - expectedOutput[i]) <= 1e-5, $"output {i}: {output[i]} vs {expectedOutput[i]}");

        const double h = 1e-6;
        for (int i = 0; i < p0.Length; i++)
        {
            double[] plus = (double[])p0.Clone(), minus = (double[])p0.Clone();
            plus[i] += h;
            minus[i] -= h;
            double expected = (Loss(plus, x0) - Loss(minus, x0)) / (2 * h);
            Assert.True(Math.Abs(model.Gradients[i] - expected) <= 1e-4 * Math.Max(1, Math.Abs(expected)), $"dL/dp[{i}] = {model.Gradients[i]}, finite difference {expected}");
        }

        for (int s = 0; s < t; s++)
        {
            for (int k = 0; k < f; k++)
            {
                int i = s * f + k;
                double expected = 0; // a masked step's input has no gradient
                if (kept.Contains(s))
                {
                    double[] plus = (double[])x0.Clone(), minus = (double[])x0.Clone();
                    plus[i] += h;
                    minus[i] -= h;
                    expected = (Loss(p0, plus) - Loss(p0, minus)) / (2 * h);
                }

                Assert.True(Math.Abs(inputGradient[i] - expected) <= 1e-4 * Math.Max(1, Math.Abs(expected)), $"dL/dx[{i}] = {inputGradient[i]}, finite difference {expected}");
            }
        }
    }

    [Fact]
    public void The_summary_lists_the_masking_layer_as_Keras_does()
    {
        Assert.Contains(" masking (Masking)           (None, 6, 2)              0", MaskedSrnnFd.Summary, StringComparison.Ordinal);
        Assert.Equal(2, MaskedSrnnFd.Layers.Count); // Masking has no weights and no LayerKind: it is not one of Layers
    }
}
