namespace RnnGen.Interop;

/// <summary>
/// Collects a whole model's weights in Keras layout before any of them reaches <see cref="IRnnModel.Parameters"/>:
/// every tensor must be filled exactly once, then <see cref="CommitTo"/> copies everything in one go. A file that fails
/// anywhere therefore never leaves the model partly loaded.
/// </summary>
internal sealed class ParameterBuffer
{
    private readonly IRnnModel _model;
    private readonly float[] _values;
    private readonly HashSet<string> _filled = new(StringComparer.Ordinal);
    private readonly string _source;

    public ParameterBuffer(IRnnModel model, string source)
    {
        _model = model;
        _source = source;
        _values = new float[model.ParameterCount];
    }

    /// <summary>Where messages say the problem is (the file name).</summary>
    public string Source => _source;

    /// <summary>Fills one model tensor with Keras-layout data; the shape must equal the model's.</summary>
    /// <param name="tensor">The model tensor.</param>
    /// <param name="shape">The Keras shape of <paramref name="data"/>.</param>
    /// <param name="data">The values, row-major Keras layout.</param>
    /// <param name="from">The file tensor(s) it came from, for messages.</param>
    public void Fill(TensorInfo tensor, IReadOnlyList<int> shape, ReadOnlySpan<float> data, string from)
    {
        if (!InteropText.SameShape(shape, tensor.Shape))
        {
            throw Fail($"{from} has shape {InteropText.Shape(shape)} in Keras layout, but '{tensor.Name}' in {InteropText.ModelName(_model)} expects {InteropText.Shape(tensor.Shape)}.");
        }

        if (!_filled.Add(tensor.Name))
        {
            throw Fail($"'{tensor.Name}' is filled twice (second time from {from}).");
        }

        data.CopyTo(_values.AsSpan(tensor.Offset, tensor.Length));
    }

    /// <summary>Checks that every tensor of the model was filled, then copies all weights into the model.</summary>
    public void CommitTo()
    {
        foreach (LayerInfo layer in _model.Layers)
        {
            foreach (TensorInfo t in layer.Tensors)
            {
                if (!_filled.Contains(t.Name))
                {
                    throw Fail($"the file has no weights for '{t.Name}' {InteropText.Shape(t.Shape)}; nothing was loaded.");
                }
            }
        }

        _values.CopyTo(_model.Parameters);
    }

    public WeightFileException Fail(string message, Exception? inner = null) => new($"{_source}: {message}", inner);
}
