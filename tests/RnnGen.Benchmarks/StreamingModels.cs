namespace RnnGen.Benchmarks;

// The streaming models of RTNeural's comparison (input 1 -> recurrent -> Dense(1)), one per row of the table.

/// <summary>Streaming GRU(8): input 1 -> Gru(8) -> Dense(1).</summary>
[RnnModel(timesteps: 1, features: 1)]
[Gru(8)]
[Dense(1)]
public sealed partial class StreamGru8;

/// <summary>Streaming GRU(16): input 1 -> Gru(16) -> Dense(1).</summary>
[RnnModel(timesteps: 1, features: 1)]
[Gru(16)]
[Dense(1)]
public sealed partial class StreamGru16;

/// <summary>Streaming GRU(32): input 1 -> Gru(32) -> Dense(1).</summary>
[RnnModel(timesteps: 1, features: 1)]
[Gru(32)]
[Dense(1)]
public sealed partial class StreamGru32;

/// <summary>Streaming GRU(64): input 1 -> Gru(64) -> Dense(1).</summary>
[RnnModel(timesteps: 1, features: 1)]
[Gru(64)]
[Dense(1)]
public sealed partial class StreamGru64;

/// <summary>Streaming LSTM(8): input 1 -> Lstm(8) -> Dense(1).</summary>
[RnnModel(timesteps: 1, features: 1)]
[Lstm(8)]
[Dense(1)]
public sealed partial class StreamLstm8;

/// <summary>Streaming LSTM(16): input 1 -> Lstm(16) -> Dense(1).</summary>
[RnnModel(timesteps: 1, features: 1)]
[Lstm(16)]
[Dense(1)]
public sealed partial class StreamLstm16;

/// <summary>Streaming LSTM(32): input 1 -> Lstm(32) -> Dense(1).</summary>
[RnnModel(timesteps: 1, features: 1)]
[Lstm(32)]
[Dense(1)]
public sealed partial class StreamLstm32;

/// <summary>Streaming LSTM(64): input 1 -> Lstm(64) -> Dense(1).</summary>
[RnnModel(timesteps: 1, features: 1)]
[Lstm(64)]
[Dense(1)]
public sealed partial class StreamLstm64;
