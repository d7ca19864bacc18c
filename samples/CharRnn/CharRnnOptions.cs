namespace RnnGen.Samples.CharRnn;

/// <summary>How <see cref="CharRnnSample.Run"/> trains, samples and where it writes.</summary>
/// <param name="Epochs">At most this many passes over the training windows.</param>
/// <param name="Seconds">Training time budget: training stops at the first batch that ends past it.</param>
/// <param name="TextLength">Characters of the normalized text to use (the first ones); 0 means all of it.</param>
/// <param name="Seed">Seeds the weights, the shuffle and the sampling.</param>
/// <param name="SampleLength">Characters generated per temperature.</param>
/// <param name="OutputDirectory">Where <c>charrnn.safetensors</c> and <c>loss.png</c> go; created if missing.</param>
/// <param name="TextPath">The training text; null means <c>data/gpl-3.0.txt</c> next to the executable.</param>
public sealed record CharRnnOptions(
    int Epochs = 10,
    double Seconds = 90,
    int TextLength = 0,
    int Seed = 0,
    int SampleLength = 240,
    string OutputDirectory = "output",
    string? TextPath = null);
