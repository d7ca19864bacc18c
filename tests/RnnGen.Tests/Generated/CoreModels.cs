namespace RnnGen.Tests.Generated;

// The letter model of the README: one-hot a..e in, softmax over a..e out.
[RnnModel(timesteps: 1, features: 5)]
[SimpleRnn(3)]
[Dense(5, Activation = Activation.Softmax)]
public partial class LetterModel;

// The seed example: SimpleRNN(3, activation=None, return_sequences=True) on (3, 2).
[RnnModel(timesteps: 3, features: 2)]
[SimpleRnn(3, Activation = Activation.Linear, ReturnSequences = true)]
public partial class SeedExampleModel;

[RnnModel(timesteps: 3, features: 2)]
[SimpleRnn(3)]
[Dense(1)]
public partial class Count22Model;

[RnnModel(timesteps: 3, features: 2)]
[SimpleRnn(4)]
[Dense(1)]
public partial class Count33Model;
