using ScottPlot;

namespace RnnGen.Plotting;

/// <summary>Line charts of arbitrary series, for example predicted against actual values of a time series.</summary>
public static class LinePlot
{
    /// <summary>Saves one line per series (x = 0, 1, 2, ...) to a PNG of 800 x 500 pixels.</summary>
    /// <param name="path">PNG file to write.</param>
    /// <param name="title">Chart title.</param>
    /// <param name="series">Named series, for example <c>("actual", ys), ("predicted", ps)</c>.</param>
    public static void Save(string path, string title, params (string Label, double[] Ys)[] series) =>
        Save(path, title, 800, 500, series);

    /// <summary>Saves one line per series (x = 0, 1, 2, ...) to a PNG of the given size.</summary>
    /// <param name="path">PNG file to write.</param>
    /// <param name="title">Chart title.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    /// <param name="series">Named series.</param>
    public static void Save(string path, string title, int width, int height, params (string Label, double[] Ys)[] series)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(series);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var plot = new Plot();
        plot.Title(title ?? "");
        foreach ((string label, double[] ys) in series)
        {
            ArgumentNullException.ThrowIfNull(ys, nameof(series));
            var line = plot.Add.Signal(ys);
            line.LegendText = label;
        }

        if (series.Length > 1)
        {
            plot.ShowLegend();
        }

        plot.SavePng(path, width, height);
    }
}
