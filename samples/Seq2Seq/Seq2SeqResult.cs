namespace RnnGen.Samples.Seq2Seq;

/// <summary>What one run of <see cref="Seq2SeqSample.Run"/> measured on the held-out pairs.</summary>
/// <param name="HeldOut">Held-out sources decoded.</param>
/// <param name="Correct">Decodes that are the exact reversal.</param>
/// <param name="AgreeWithPyTorch">Decodes identical to PyTorch's greedy decode of the same source.</param>
/// <param name="PyTorchAccuracy">PyTorch's own sequence accuracy on the same sources (from <c>heldout.json</c>).</param>
/// <param name="TeacherForcedTokenAccuracy">Share of target tokens (digits and <c>&lt;/s&gt;</c>) that are the argmax under teacher forcing.</param>
/// <param name="MaxStateError">Largest |RnnGen − PyTorch| over the encoder's final (h, c) of the detailed pairs.</param>
/// <param name="MaxTeacherForcedError">Largest |RnnGen − PyTorch| over the teacher-forced softmax of the detailed pairs.</param>
/// <param name="MicrosecondsPerDecode">Mean wall-clock time of one greedy decode (encoder and decoder).</param>
/// <param name="ReloadedAgree">Decodes of the models saved with <c>SaveWeights</c> and read back with <c>LoadWeights</c> that equal the first ones.</param>
/// <param name="Examples">Printed examples: source, RnnGen's decode, PyTorch's decode (null for a source from <see cref="Seq2SeqOptions.Inputs"/>).</param>
public sealed record Seq2SeqResult(
    int HeldOut,
    int Correct,
    int AgreeWithPyTorch,
    double PyTorchAccuracy,
    double TeacherForcedTokenAccuracy,
    float MaxStateError,
    float MaxTeacherForcedError,
    double MicrosecondsPerDecode,
    int ReloadedAgree,
    IReadOnlyList<(string Source, string Decoded, string? PyTorch)> Examples)
{
    /// <summary>Sequence accuracy: <see cref="Correct"/> / <see cref="HeldOut"/>.</summary>
    public double Accuracy => (double)Correct / HeldOut;

    /// <summary>Agreement with PyTorch: <see cref="AgreeWithPyTorch"/> / <see cref="HeldOut"/>.</summary>
    public double Agreement => (double)AgreeWithPyTorch / HeldOut;
}
