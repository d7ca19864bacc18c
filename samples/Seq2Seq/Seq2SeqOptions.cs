namespace RnnGen.Samples.Seq2Seq;

/// <summary>What <see cref="Seq2SeqSample.Run"/> shows and where it writes.</summary>
/// <param name="Examples">Held-out pairs printed (chosen at random with <paramref name="Seed"/>), besides every mistake.</param>
/// <param name="Seed">Chooses the printed examples.</param>
/// <param name="Inputs">Extra sources to reverse, e.g. <c>"31415926"</c> (from the command line); each 1 to 8 digits.</param>
/// <param name="OutputDirectory">Where the weights are saved as safetensors (<c>SaveWeights</c>) and read back; created if missing.</param>
/// <param name="WeightsDirectory">Where <c>encoder.pt</c>, <c>decoder.pt</c> and <c>heldout.json</c> are; null means <c>weights/</c> next to the executable.</param>
public sealed record Seq2SeqOptions(
    int Examples = 6,
    int Seed = 0,
    IReadOnlyList<string>? Inputs = null,
    string OutputDirectory = "output",
    string? WeightsDirectory = null);
