namespace RnnGen.Benchmarks;

// The benchmark models, declared as a user would. Each matches peers/models.py (SPECS) and the
// exported peers/<name>.weights.json / peers/<name>.onnx; the generator emits the rest.

/// <summary>letter: one-hot letter -> next letter (T=1, F=5), SimpleRnn(3) -> Dense(5, softmax).</summary>
[RnnModel(timesteps: 1, features: 5)]
[SimpleRnn(3)]
[Dense(5, Activation = Activation.Softmax)]
public sealed partial class LetterModel;

/// <summary>srnn32: T=50, F=8, SimpleRnn(32) -> Dense(1).</summary>
[RnnModel(timesteps: 50, features: 8)]
[SimpleRnn(32)]
[Dense(1)]
public sealed partial class Srnn32Model;

/// <summary>lstm32: T=50, F=8, Lstm(32) -> Dense(1).</summary>
[RnnModel(timesteps: 50, features: 8)]
[Lstm(32)]
[Dense(1)]
public sealed partial class Lstm32Model;

/// <summary>gru64: T=100, F=16, Gru(64) (reset_after, the PyTorch variant) -> Dense(4).</summary>
[RnnModel(timesteps: 100, features: 16)]
[Gru(64)]
[Dense(4)]
public sealed partial class Gru64Model;
