using ScottPlot;

namespace RnnGen.Plotting;

/// <summary>Draws a training <see cref="History"/> as a PNG, like plotting Keras's <c>history.history</c> with matplotlib.</summary>
public static class HistoryPlot
{
    /// <summary>
    /// Saves a chart of <c>loss</c> and <c>val_loss</c> per epoch. If the history has <c>accuracy</c> (and
    /// <c>val_accuracy</c>), a second chart below shows them.
    /// </summary>
    /// <param name="history">The history returned by Fit.</param>
    /// <param name="path">PNG file to write.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    public static void SaveLoss(History history, string path, int width = 800, int height = 500)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (!history.ContainsKey("loss"))
        {
            throw new ArgumentException($"The history has no 'loss' key (keys: {string.Join(", ", history.Keys)}).", nameof(history));
        }

        Plot loss = Chart(history, "Loss", "loss", "val_loss");
        if (!history.ContainsKey("accuracy"))
        {
            loss.SavePng(path, width, height);
            return;
        }

        Plot accuracy = Chart(history, "Accuracy", "accuracy", "val_accuracy");
        var multiplot = new Multiplot();
        multiplot.Reset(loss); // a new Multiplot starts with one empty plot
        multiplot.AddPlot(accuracy);
        multiplot.SavePng(path, width, height);
    }

    private static Plot Chart(History history, string title, string key, string validationKey)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel(key);
        AddSeries(plot, history, key);
        if (history.ContainsKey(validationKey))
        {
            AddSeries(plot, history, validationKey);
        }

        plot.ShowLegend();
        return plot;
    }

    private static void AddSeries(Plot plot, History history, string key)
    {
        IReadOnlyList<float> values = history[key];
        var xs = new double[values.Count];
        var ys = new double[values.Count];
        for (int i = 0; i < values.Count; i++)
        {
            xs[i] = i + 1;
            ys[i] = values[i];
        }

        var scatter = plot.Add.Scatter(xs, ys);
        scatter.LegendText = key;
        scatter.MarkerSize = values.Count > 50 ? 0 : 4;
    }
}
