namespace RnnGen;

/// <summary>Per-epoch values recorded by <see cref="ModelExtensions.Fit"/> (Keras <c>History.history</c>).</summary>
public sealed class History
{
    private readonly Dictionary<string, List<float>> _values = new(StringComparer.Ordinal);
    private readonly List<string> _keys = [];

    /// <summary>The values of <paramref name="key"/>, one per epoch: <c>history["loss"]</c>, <c>history["val_accuracy"]</c>.</summary>
    /// <param name="key">A key from <see cref="Keys"/>.</param>
    /// <exception cref="KeyNotFoundException">No such key; the message lists the keys there are.</exception>
    public IReadOnlyList<float> this[string key] =>
        _values.TryGetValue(key, out List<float>? values)
            ? values
            : throw new KeyNotFoundException($"History has no '{key}'. Keys: {string.Join(", ", _keys)}.");

    /// <summary>Recorded keys, in report order (<c>loss</c>, metrics, then <c>val_</c> keys).</summary>
    public IReadOnlyList<string> Keys => _keys;

    /// <summary>Number of epochs recorded.</summary>
    public int Epochs { get; private set; }

    /// <summary>Why training stopped before the requested epochs (early stopping, invalid loss), or <c>null</c>.</summary>
    public string? StopReason { get; internal set; }

    /// <summary>Whether <paramref name="key"/> was recorded.</summary>
    /// <param name="key">A key.</param>
    /// <returns>True if present.</returns>
    public bool ContainsKey(string key) => _values.ContainsKey(key);

    internal void Add(IReadOnlyDictionary<string, float> logs)
    {
        foreach (KeyValuePair<string, float> log in logs)
        {
            if (!_values.TryGetValue(log.Key, out List<float>? values))
            {
                values = [];
                _values.Add(log.Key, values);
                _keys.Add(log.Key);
            }

            values.Add(log.Value);
        }

        Epochs++;
    }
}
