namespace RnnGen.Samples.SunspotForecast;

/// <summary>
/// Twelve years of (scaled) sunspot numbers in, next year's out: Keras's <c>GRU(16, input_shape=(12, 1))</c>
/// then <c>Dense(1)</c>.
/// </summary>
[RnnModel(timesteps: SunspotForecastSample.Window, features: 1)]
[Gru(16)]
[Dense(1)]
public partial class SunspotModel;
