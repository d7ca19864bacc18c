namespace RnnGen.Samples.LetterPrediction;

/// <summary>How <see cref="LetterPredictionSample.Run"/> trains and where it writes.</summary>
/// <param name="Epochs">Passes over the five training pairs (one Adam step each, since they fit in one batch).</param>
/// <param name="Seed">Seeds both the weight initialization and the per-epoch shuffle.</param>
/// <param name="OutputDirectory">Where <c>letter.safetensors</c> and <c>loss.png</c> go; created if missing.</param>
public sealed record LetterPredictionOptions(int Epochs = 100, int Seed = LetterPredictionSample.DefaultSeed, string OutputDirectory = "output");
