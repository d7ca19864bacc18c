using System.Globalization;
using RnnGen.Plotting;

namespace RnnGen.Samples.SunspotForecast;

/// <summary>
/// Forecasts next year's sunspot number from the previous twelve years and compares the forecast with the naive
/// "same as last year" baseline on the last 20% of the record (1700–2008), which the model never trains on.
/// </summary>
public static class SunspotForecastSample
{
    /// <summary>Years of history per forecast (the model's timesteps).</summary>
    public const int Window = 12;

    /// <summary>The held-out fraction: the last 20% of the windows, as Keras's <c>validation_split=0.2</c>.</summary>
    public const double ValidationSplit = 0.2;

    /// <summary>The default seed.</summary>
    public const int DefaultSeed = 0;

    /// <summary>The first year in the data file.</summary>
    private const int FirstYear = 1700;

    /// <summary>
    /// Loads <c>SUNACTIVITY</c>, scales it by the largest value the training windows see, trains
    /// <see cref="SunspotModel"/> (MSE, Adam(0.005), batch 32) with the last 20% held out for validation, prints the
    /// validation MAE of the model and of the naive baseline, and saves the weights, a loss chart and a forecast chart.
    /// </summary>
    public static SunspotForecastResult Run(TextWriter output, SunspotForecastOptions options)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);

        string dataPath = options.DataPath ?? Path.Combine(AppContext.BaseDirectory, "data", "sunspots.csv");
        float[] sunspots = Csv.ReadColumns(dataPath, "SUNACTIVITY")[0];

        // Windows i = 0..n-Window-1: input years [i, i+Window), target year i+Window. Keras's validation split
        // keeps the first (int)(count * 0.8) windows for training, so the scale must come from those years only.
        int windowCount = sunspots.Length - Window;
        int trainCount = (int)(windowCount * (1 - ValidationSplit));
        float scale = Max(sunspots.AsSpan(0, trainCount + Window));
        var scaled = new float[sunspots.Length];
        for (int i = 0; i < scaled.Length; i++)
        {
            scaled[i] = sunspots[i] / scale;
        }

        Dataset data = TimeSeries.Windows(scaled, Window);
        (Dataset train, Dataset? validation) = data.Split(ValidationSplit);
        if (validation is null || train.Count != trainCount)
        {
            throw new InvalidOperationException($"Expected {trainCount} training windows, got {train.Count}.");
        }

        int firstValidationYear = FirstYear + trainCount + Window;
        int lastYear = FirstYear + sunspots.Length - 1;
        output.WriteLine(FormattableString.Invariant(
            $"{sunspots.Length} years ({FirstYear}-{lastYear}): {train.Count} training windows, {validation.Count} validation windows (targets {firstValidationYear}-{lastYear}); inputs and targets divided by {scale}"));
        output.WriteLine();

        var model = new SunspotModel(options.Seed);
        output.WriteLine(SunspotModel.Summary);
        History history = model.Fit(data, new TrainingOptions
        {
            Epochs = options.Epochs,
            BatchSize = 32,
            Loss = Losses.MeanSquaredError(),
            Optimizer = new Adam(0.005f),
            Metrics = [Metrics.MeanAbsoluteError()],
            ValidationSplit = ValidationSplit,
            Seed = options.Seed,
            Verbose = false,
            Progress = new EveryNthEpoch(output, Math.Max(1, options.Epochs / 10)),
        });

        // one-year-ahead forecasts on the validation years, back in sunspot units
        var actual = new double[validation.Count];
        var predicted = new double[validation.Count];
        var naive = new double[validation.Count];
        Span<float> y = stackalloc float[SunspotModel.OutputSize];
        double modelError = 0, naiveError = 0;
        for (int i = 0; i < validation.Count; i++)
        {
            ReadOnlySpan<float> window = validation.Input(i);
            model.Predict(window, y);
            actual[i] = validation.Target(i)[0] * (double)scale;
            predicted[i] = y[0] * (double)scale;
            naive[i] = window[Window - 1] * (double)scale;
            modelError += Math.Abs(predicted[i] - actual[i]);
            naiveError += Math.Abs(naive[i] - actual[i]);
        }

        double modelMae = modelError / validation.Count, naiveMae = naiveError / validation.Count;
        output.WriteLine();
        output.WriteLine(FormattableString.Invariant($"validation MAE, {firstValidationYear}-{lastYear} (sunspots):"));
        output.WriteLine(FormattableString.Invariant($"  GRU(16) forecast       {modelMae,7:0.00}"));
        output.WriteLine(FormattableString.Invariant($"  same as last year      {naiveMae,7:0.00}"));
        output.WriteLine(FormattableString.Invariant($"  improvement            {100 * (1 - modelMae / naiveMae),6:0.0}%"));

        Directory.CreateDirectory(options.OutputDirectory);
        string weightsPath = Path.Combine(options.OutputDirectory, "sunspots.safetensors");
        string lossPath = Path.Combine(options.OutputDirectory, "loss.png");
        string forecastPath = Path.Combine(options.OutputDirectory, "forecast.png");
        model.SaveWeights(weightsPath);
        HistoryPlot.SaveLoss(history, lossPath);
        LinePlot.Save(
            forecastPath,
            string.Create(CultureInfo.InvariantCulture, $"Sunspots {firstValidationYear}-{lastYear}: one year ahead (x = years since {firstValidationYear})"),
            ("actual", actual),
            ("GRU(16)", predicted),
            ("same as last year", naive));
        output.WriteLine($"saved {weightsPath}, {lossPath} and {forecastPath}");

        return new SunspotForecastResult(history.Epochs, train.Count, validation.Count, modelMae, naiveMae, forecastPath);
    }

    private static float Max(ReadOnlySpan<float> values)
    {
        float max = values[0];
        foreach (float v in values)
        {
            max = Math.Max(max, v);
        }

        return max;
    }
}
