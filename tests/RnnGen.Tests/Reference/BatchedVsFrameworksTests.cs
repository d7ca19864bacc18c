using RnnGen.Tests.Helpers;

namespace RnnGen.Tests.Reference;

/// <summary>
/// The generated batched tier (PredictBatch, ForwardBatch, BackwardBatch: groups of samples in vector lanes) against the
/// same PyTorch and TensorFlow.js fixtures as the per-sample passes. A batch spans two lane groups and a partial one:
/// the fixture's input in every even slot, a second input (its timesteps reversed) in every odd slot, so each lane
/// position meets the fixture and lanes cannot leak into each other.
/// </summary>
public class BatchedVsFrameworksTests
{
    private const double OutputTolerance = 1e-5;
    private const double GradientTolerance = 2e-5;

    /// <summary>Every case in Auto (the tiers a user gets) and Loops (the per-sample fallback of a reset-before GRU meets the loops there).</summary>
    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (string file in new[] { "layers_pytorch.json", "layers_keras.json", "layers_tfjs_defaults.json", "layers_pytorch_gates.json" })
        {
            foreach (LayerCase c in Fixtures.LayerCases(file))
            {
                foreach (string mode in new[] { "Auto", "Loops" }) data.Add(file, c.Name, mode);
            }
        }

        return data;
    }

    private static int BatchSize => 2 * System.Numerics.Vector<float>.Count + 3;

    /// <summary>The fixture's input, and the same sequence with its timesteps in reverse order.</summary>
    private static (float[] Even, float[] Odd) Inputs(LayerCase c, IRnnModel model)
    {
        float[] even = Fixtures.ToSingle(c.Input);
        int step = model.InputSize / model.Timesteps;
        var odd = new float[even.Length];
        for (int t = 0; t < model.Timesteps; t++) Array.Copy(even, t * step, odd, (model.Timesteps - 1 - t) * step, step);
        return (even, odd);
    }

    private static float[] Batch(float[] even, float[] odd, int n)
    {
        var batch = new float[n * even.Length];
        for (int i = 0; i < n; i++) (i % 2 == 0 ? even : odd).CopyTo(batch, i * even.Length);
        return batch;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PredictBatch_and_ForwardBatch_match_the_framework_output(string file, string name, string mode)
    {
        LayerCase c = Fixtures.LayerCase(file, name);
        var model = (IBatchModel)GeneratedVsFrameworksTests.Load(c, mode);
        var (even, odd) = Inputs(c, model);
        int n = BatchSize, size = model.OutputSize;
        var oddOutput = new float[size];
        model.Predict(odd, oddOutput);
        float[] inputs = Batch(even, odd, n);
        var predicted = new float[n * size];
        var forward = new float[n * size];

        model.PredictBatch(inputs, predicted);
        model.ForwardBatch(inputs, forward);

        for (int i = 0; i < n; i++)
        {
            IReadOnlyList<double> expected = i % 2 == 0 ? c.Output : Array.ConvertAll(oddOutput, v => (double)v);
            GeneratedVsFrameworksTests.AssertClose(expected, predicted.AsSpan(i * size, size).ToArray(), OutputTolerance, $"PredictBatch sample {i}");
            GeneratedVsFrameworksTests.AssertClose(expected, forward.AsSpan(i * size, size).ToArray(), OutputTolerance, $"ForwardBatch sample {i}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BackwardBatch_adds_the_framework_gradient_of_every_sample(string file, string name, string mode)
    {
        LayerCase c = Fixtures.LayerCase(file, name);
        var model = (IBatchModel)GeneratedVsFrameworksTests.Load(c, mode);
        var (even, odd) = Inputs(c, model);
        int n = BatchSize, size = model.OutputSize;
        float[] dOut = Fixtures.ToSingle(c.OutputGradient);

        // the odd input's gradient from the per-sample pass (itself held to the fixtures elsewhere)
        model.Forward(odd, new float[size]);
        model.Backward(dOut);
        float[] oddGradient = model.Gradients.ToArray();
        model.Gradients.Clear();

        model.ForwardBatch(Batch(even, odd, n), new float[n * size]);
        model.BackwardBatch(Batch(dOut, dOut, n));

        int evens = (n + 1) / 2, odds = n / 2;
        var expected = new double[model.ParameterCount];
        for (int k = 0; k < expected.Length; k++) expected[k] = evens * c.ParameterGradient![k] + odds * (double)oddGradient[k];
        GeneratedVsFrameworksTests.AssertClose(expected, model.Gradients.ToArray(), GradientTolerance * n, "BackwardBatch parameter gradient");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Batched_passes_allocate_nothing_after_the_first_call(string file, string name, string mode)
    {
        LayerCase c = Fixtures.LayerCase(file, name);
        var model = (IBatchModel)GeneratedVsFrameworksTests.Load(c, mode);
        var (even, odd) = Inputs(c, model);
        int n = BatchSize;
        float[] inputs = Batch(even, odd, n);
        var outputs = new float[n * model.OutputSize];
        var dOut = new float[n * model.OutputSize];
        Array.Fill(dOut, 0.25f);
        void Run()
        {
            model.PredictBatch(inputs, outputs);
            model.ForwardBatch(inputs, outputs);
            model.BackwardBatch(dOut);
            model.ForwardBatch(inputs.AsSpan(0, 3 * model.InputSize), outputs.AsSpan(0, 3 * model.OutputSize));
            model.BackwardBatch(dOut.AsSpan(0, 3 * model.OutputSize));
        }

        Assert.Equal(0, Allocations.SteadyState(Run, calls: 1));
    }
}
