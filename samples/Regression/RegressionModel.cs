namespace RnnGen.Samples.Regression;

/// <summary>
/// Three scalar timesteps in, one number out: Keras's <c>SimpleRNN(4, input_shape=(3, 1))</c> then <c>Dense(1)</c>.
/// </summary>
[RnnModel(timesteps: 3, features: 1)]
[SimpleRnn(4)]
[Dense(1)]
public partial class RegressionModel;
