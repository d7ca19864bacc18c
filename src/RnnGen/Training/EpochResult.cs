using System.Globalization;
using System.Text;

namespace RnnGen;

/// <summary>What one epoch of <see cref="ModelExtensions.Fit"/> produced.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="Epochs">Epochs requested.</param>
/// <param name="Batches">Batches run in this epoch.</param>
/// <param name="TotalBatches">Batches per full epoch.</param>
/// <param name="Logs">Values by key (<c>loss</c>, metric names, <c>val_</c> keys), in report order.</param>
public sealed record EpochResult(int Epoch, int Epochs, int Batches, int TotalBatches, IReadOnlyDictionary<string, float> Logs)
{
    /// <summary>Keras-style line: <c>Epoch 7/100 - 5/5 - loss: 0.4123 - accuracy: 1.0000 - val_loss: 0.5000</c>.</summary>
    /// <returns>The progress line.</returns>
    public override string ToString()
    {
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"Epoch {Epoch}/{Epochs} - {Batches}/{TotalBatches}");
        foreach (KeyValuePair<string, float> log in Logs)
        {
            line.Append(" - ").Append(log.Key).Append(": ").Append(Format(log.Value));
        }

        return line.ToString();
    }

    /// <summary>Formats a value as Keras's progress bar does: 4 decimals, or scientific notation below 1e-3.</summary>
    internal static string Format(float value) =>
        value != 0 && Math.Abs(value) < 1e-3f
            ? value.ToString("0.0000e+00", CultureInfo.InvariantCulture)
            : value.ToString("0.0000", CultureInfo.InvariantCulture);
}
