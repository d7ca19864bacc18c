namespace RnnGen.Tests.Reference;

/// <summary>
/// The second-wave fixtures (Bidirectional, states, masking, the masked fit) load through their typed records and
/// are internally consistent: every length follows from the declared layers. No model is run here.
/// </summary>
public class NewFixturesLoadTests
{
    private static readonly MergeMode[] AllMerges = [MergeMode.Concat, MergeMode.Sum, MergeMode.Multiply, MergeMode.Average];

    /// <summary>Keras get_weights() floats of the layers, for an input of <paramref name="features"/> per step.</summary>
    private static int ParameterCount(IReadOnlyList<LayerSpec> layers, int features)
    {
        int width = features, n = 0;
        foreach (LayerSpec l in layers)
        {
            switch (l.Kind)
            {
                case LayerKind.Embedding:
                    n += l.InputDim * l.OutputDim;
                    width = l.OutputDim;
                    continue;
                case LayerKind.Dense:
                    n += width * l.Units + (l.UseBias ? l.Units : 0);
                    width = l.Units;
                    continue;
            }

            int gates = l.Kind switch { LayerKind.SimpleRnn => 1, LayerKind.Lstm => 4, _ => 3 };
            int u = l.Units, g = gates * u;
            int bias = !l.UseBias ? 0 : l.Kind == LayerKind.Gru && l.ResetAfter ? 2 * g : g;
            int one = width * g + u * g + bias;
            n += l.Bidirectional ? 2 * one : one;
            width = l.Bidirectional && l.Merge == MergeMode.Concat ? 2 * u : u;
        }

        return n;
    }

    /// <summary>Output floats per sample: the last layer's width, times T when the last recurrent layer returns sequences.</summary>
    private static int OutputLength(IReadOnlyList<LayerSpec> layers, int timesteps)
    {
        LayerSpec last = layers[^1];
        LayerSpec lastRecurrent = layers.Last(l => l.Kind is LayerKind.SimpleRnn or LayerKind.Lstm or LayerKind.Gru);
        int width = last.Kind == LayerKind.Dense || !last.Bidirectional || last.Merge != MergeMode.Concat ? last.Units : 2 * last.Units;
        return lastRecurrent.ReturnSequences ? timesteps * width : width;
    }

    private static int StateSize(IReadOnlyList<LayerSpec> layers) =>
        layers.Where(l => l.Kind is LayerKind.SimpleRnn or LayerKind.Lstm or LayerKind.Gru)
            .Sum(l => l.Units * (l.Kind == LayerKind.Lstm ? 2 : 1) * (l.Bidirectional ? 2 : 1));

    private static bool IsRecurrent(LayerSpec l) => l.Kind is LayerKind.SimpleRnn or LayerKind.Lstm or LayerKind.Gru;

    [Theory]
    [InlineData("layers_bidirectional.json")]
    [InlineData("bidirectional_pytorch.json")]
    public void Bidirectional_files_load_with_consistent_lengths(string file)
    {
        IReadOnlyList<LayerCase> cases = Fixtures.LayerCases(file);
        Assert.NotEmpty(cases);
        Assert.Equal(cases.Count, cases.Select(c => c.Name).Distinct().Count());
        foreach (LayerCase c in cases)
        {
            Assert.All(c.Layers.Where(IsRecurrent), l => Assert.True(l.Bidirectional, c.Name));
            Assert.Equal(ParameterCount(c.Layers, c.Features), c.Parameters.Length);
            Assert.Equal(c.Timesteps * c.Features, c.Input.Length);
            Assert.Equal(OutputLength(c.Layers, c.Timesteps), c.Output.Length);
            Assert.Equal(c.Output.Length, c.OutputGradient.Length);
            Assert.Equal(c.Parameters.Length, c.ParameterGradient!.Length);
            Assert.Equal(c.Input.Length, c.InputGradient!.Length);
        }
    }

    [Fact]
    public void Tfjs_bidirectional_file_covers_every_merge_mode_per_kind()
    {
        IReadOnlyList<LayerCase> cases = Fixtures.LayerCases("layers_bidirectional.json");
        foreach (LayerKind kind in new[] { LayerKind.SimpleRnn, LayerKind.Lstm, LayerKind.Gru })
        {
            var layers = cases.SelectMany(c => c.Layers).Where(l => l.Kind == kind).ToList();
            Assert.All(AllMerges, m => Assert.Contains(layers, l => l.Merge == m));
            Assert.Contains(layers, l => l.ReturnSequences);
            Assert.Contains(layers, l => !l.ReturnSequences);
        }

        Assert.Contains(cases, c => c.Layers.Count(IsRecurrent) == 2);
        Assert.Contains(cases.SelectMany(c => c.Layers), l => l.Kind == LayerKind.Lstm && l.RecurrentActivation == Activation.HardSigmoid);
        Assert.All(cases.SelectMany(c => c.Layers).Where(l => l.Kind == LayerKind.Gru), l => Assert.False(l.ResetAfter));
    }

    [Fact]
    public void States_file_loads_with_consistent_lengths()
    {
        IReadOnlyList<StateCase> cases = Fixtures.StateCases();
        Assert.Contains(cases, c => c.Source == "torch");
        Assert.Contains(cases, c => c.Source == "tfjs" && c.Layers.Any(l => l.Kind == LayerKind.Lstm));
        Assert.Contains(cases, c => c.Source == "tfjs" && c.Layers.Any(l => l.Kind == LayerKind.Gru && !l.ResetAfter));
        foreach (StateCase c in cases)
        {
            int size = StateSize(c.Layers);
            Assert.True(size > 0, c.Name);
            Assert.Equal(size, c.InitialState.Length);
            Assert.Equal(size, c.FinalState.Length);
            Assert.Equal(ParameterCount(c.Layers, c.Features), c.Parameters.Length);
            Assert.Equal(c.Timesteps * c.Features, c.Input.Length);
            Assert.Equal(OutputLength(c.Layers, c.Timesteps), c.Output.Length);
            if (c.Source == "tfjs")
            {
                StateCase twin = cases.Single(t => t.Name + "_tfjs" == c.Name);
                Assert.Equal(twin.InitialState, c.InitialState);
                Assert.True(c.MaxRelDiffFromTorch < 1e-5, c.Name);
            }
            else
            {
                Assert.Equal("torch", c.Source);
            }
        }
    }

    [Fact]
    public void Masking_file_loads_with_consistent_lengths()
    {
        IReadOnlyList<MaskCase> cases = Fixtures.MaskCases();
        Assert.Contains(cases, c => c.Mask.Kind == MaskKind.MaskZero);
        Assert.Contains(cases, c => c.Mask.Kind == MaskKind.Masking);
        Assert.Contains(cases, c => c.ZeroOutputForMask);
        foreach (MaskCase c in cases)
        {
            int n = c.Inputs.Count;
            Assert.True(n >= 4, c.Name);
            bool tokens = c.Mask.Kind == MaskKind.MaskZero;
            Assert.Equal(tokens, c.Layers[0].Kind == LayerKind.Embedding);
            if (tokens) Assert.True(c.Layers[0].MaskZero, c.Name);
            int parameters = ParameterCount(c.Layers, c.Features);
            int outputs = OutputLength(c.Layers, c.Timesteps);
            Assert.Equal(parameters, c.Parameters.Length);
            Assert.Equal(parameters, c.ParameterGradientSum.Length);
            Assert.All(new[] { c.Masks, c.Outputs, c.OutputGradients, c.ParameterGradients }, list => Assert.Equal(n, list.Count));
            Assert.Equal(c.ZeroOutputForMask, c.TfjsOutputs is not null);
            Assert.Equal(tokens, c.InputGradients is null);
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(tokens ? c.Timesteps : c.Timesteps * c.Features, c.Inputs[i].Length);
                Assert.Equal(c.Timesteps, c.Masks[i].Length);
                Assert.Equal(outputs, c.Outputs[i].Length);
                Assert.Equal(outputs, c.OutputGradients[i].Length);
                Assert.Equal(parameters, c.ParameterGradients[i].Length);
                if (c.TfjsOutputs is not null) Assert.Equal(outputs, c.TfjsOutputs[i].Length);
                if (c.InputGradients is not null) Assert.Equal(c.Inputs[i].Length, c.InputGradients[i].Length);
                for (int t = 0; t < c.Timesteps; t++)
                {
                    // the recorded mask is what the input says: token 0, or every feature equal to the mask value
                    int width = tokens ? 1 : c.Features;
                    bool masked = Enumerable.Range(0, width).All(f => c.Inputs[i][t * width + f] == (float)c.Mask.Value);
                    Assert.Equal(masked ? 0.0 : 1.0, c.Masks[i][t]);
                }
            }

            // the per-sample gradients add up to the batch gradient (float32 rounding)
            for (int j = 0; j < parameters; j++)
            {
                double sum = c.ParameterGradients.Sum(g => g[j]);
                Assert.True(Math.Abs(sum - c.ParameterGradientSum[j]) <= 1e-5 * Math.Max(1, Math.Abs(sum)), $"{c.Name} [{j}]");
            }
        }
    }

    [Fact]
    public void Dropout_file_loads_with_consistent_lengths()
    {
        IReadOnlyList<DropoutCase> cases = Fixtures.DropoutCases();
        Assert.Equal(["pytorch", "tfjs"], cases.Select(c => c.Framework).Distinct().Order());
        foreach (DropoutCase c in cases)
        {
            int n = c.Inputs.Count;
            Assert.InRange(n, 3, 4);
            bool tokens = c.Layers[0].Kind == LayerKind.Embedding;
            int parameters = ParameterCount(c.Layers, c.Features);
            int outputs = OutputLength(c.Layers, c.Timesteps);
            Assert.Equal(parameters, c.Parameters.Length);
            Assert.Equal(parameters, c.ParameterGradientSum.Length);
            Assert.All(new[] { c.Outputs, c.InferenceOutputs, c.OutputGradients }, list => Assert.Equal(n, list.Count));
            Assert.Equal(tokens, c.InputGradients is null);
            Assert.True(c.Layers.Any(l => l.Dropout > 0 || l.RecurrentDropout > 0) || c.DropoutLayers.Count > 0, c.Name);
            Assert.All(c.DropoutLayers, d => Assert.InRange(d.After, -1, c.Layers.Count - 1));
            Assert.Equal(c.Framework == "tfjs", c.Name.EndsWith("_tfjs", StringComparison.Ordinal));
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(tokens ? c.Timesteps : c.Timesteps * c.Features, c.Inputs[i].Length);
                Assert.Equal(outputs, c.Outputs[i].Length);
                Assert.Equal(outputs, c.InferenceOutputs[i].Length);
                Assert.Equal(outputs, c.OutputGradients[i].Length);
                if (c.InputGradients is not null) Assert.Equal(c.Inputs[i].Length, c.InputGradients[i].Length);
            }

            if (c.Framework == "tfjs")
            {
                // a tfjs case is its pytorch twin (same inputs) run by tfjs
                DropoutCase twin = cases.Single(t => t.Name + "_tfjs" == c.Name);
                Assert.Equal(twin.Parameters, c.Parameters);
                Assert.Equal(twin.Seed, c.Seed);
                Assert.Equal(twin.Sequence, c.Sequence);
                Assert.True(c.MaxRelDiffFromPytorch <= 2e-5, c.Name);
            }
        }
    }

    [Fact]
    public void Masked_fit_loads_with_consistent_lengths()
    {
        FitCase fit = Fixtures.Fit("fit_masked_tfjs");
        Assert.Equal(new MaskSpec(MaskKind.MaskZero, 0), fit.Mask);
        Assert.Equal(LayerKind.Embedding, fit.Model.Layers[0].Kind);
        Assert.True(fit.Model.Layers[0].MaskZero);
        int parameters = ParameterCount(fit.Model.Layers, fit.Model.Features);
        Assert.Equal(parameters, fit.InitialParameters.Length);
        Assert.Equal(parameters, fit.FinalParameters.Length);
        Assert.Equal(parameters, fit.KerasAdam.FinalParameters.Length);
        Assert.Equal(fit.Inputs.Count, fit.Targets.Count);
        Assert.All(fit.Inputs, x => Assert.Equal(fit.Model.Timesteps, x.Length));
        Assert.Equal(fit.Options.Epochs, fit.History["loss"].Length);
        Assert.Equal(fit.Options.Epochs, fit.KerasAdam.History["loss"].Length);
        Assert.False(fit.Options.Shuffle);
        Assert.Equal(2, (fit.Inputs.Count + fit.Options.BatchSize - 1) / fit.Options.BatchSize);
        Assert.Null(Fixtures.Fit("fit_mse").Mask);
    }
}
