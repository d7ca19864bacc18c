namespace RnnGen.Samples.SunspotForecast;

/// <summary>What one run of <see cref="SunspotForecastSample.Run"/> measured, in sunspot units.</summary>
/// <param name="Epochs">Epochs trained.</param>
/// <param name="TrainWindows">Training windows (the earlier 80%).</param>
/// <param name="ValidationWindows">Validation windows (the last 20%).</param>
/// <param name="ModelMae">Mean absolute error of the model's one-year-ahead forecasts on the validation years.</param>
/// <param name="NaiveMae">Mean absolute error of "same as last year" on the same years.</param>
/// <param name="ForecastPlotPath">The saved chart of actual vs predicted validation years.</param>
public sealed record SunspotForecastResult(
    int Epochs, int TrainWindows, int ValidationWindows, double ModelMae, double NaiveMae, string ForecastPlotPath);
