namespace RnnGen.Samples.SpamFilter;

/// <summary>How <see cref="SpamFilterSample.Run"/> trains and where it writes.</summary>
/// <param name="Epochs">Passes over the training messages.</param>
/// <param name="Lstm">Use <see cref="SpamLstmModel"/> instead of <see cref="SpamRnnModel"/> (<c>--lstm</c>).</param>
/// <param name="Bidirectional">The <c>--bidirectional</c> variant: the recurrent layer wrapped in Keras's <c>Bidirectional</c>.</param>
/// <param name="Dropout">
/// Dropout and recurrent dropout of the recurrent layer (<c>--dropout</c>): 0, or <see cref="SpamFilterSample.DropoutRate"/>,
/// the rate the dropout variants are compiled with.
/// </param>
/// <param name="Messages">Use only the first this many messages of the corpus file; 0 means all 6,046.</param>
/// <param name="Seed">Seeds the weights and the shuffle.</param>
/// <param name="OutputDirectory">Where <c>spam.safetensors</c> and <c>loss.png</c> go; created if missing.</param>
/// <param name="DataPath">The corpus; null means <c>data/spam.tsv</c> next to the executable.</param>
public sealed record SpamFilterOptions(
    int Epochs = 10,
    bool Lstm = false,
    bool Bidirectional = false,
    float Dropout = 0f,
    int Messages = 0,
    int Seed = 0,
    string OutputDirectory = "output",
    string? DataPath = null);
