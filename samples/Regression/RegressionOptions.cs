namespace RnnGen.Samples.Regression;

/// <summary>How <see cref="RegressionSample.Run"/> trains and where it writes.</summary>
/// <param name="Epochs">Passes over the three sequences (batch 3, so one Adam step each).</param>
/// <param name="Seed">Seeds both the weight initialization and the per-epoch shuffle.</param>
/// <param name="OutputDirectory">Where <c>regression.safetensors</c> and <c>loss.png</c> go; created if missing.</param>
/// <param name="Verbose">Print one Keras-style line per epoch (every epoch, so off by default: there are many).</param>
public sealed record RegressionOptions(
    int Epochs = 2000, int Seed = RegressionSample.DefaultSeed, string OutputDirectory = "output", bool Verbose = false);
