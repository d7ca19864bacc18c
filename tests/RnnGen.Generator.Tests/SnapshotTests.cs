namespace RnnGen.Generator.Tests;

/// <summary>The generated code is a product: these pin it. Review a snapshot diff like a code diff.</summary>
public class SnapshotTests
{
    private static void VerifyModel(string test, string declaration)
    {
        var (result, output) = GeneratorHarness.Run("using RnnGen;\nnamespace Samples;\n\n" + declaration);
        Assert.Empty(GeneratorHarness.CompilationErrors(output));
        Snapshot.Verify(result, test);
    }

    [Fact]
    public void Letter_model() => VerifyModel(nameof(Letter_model), """
        [RnnModel(timesteps: 1, features: 5)]
        [SimpleRnn(3)]
        [Dense(5, Activation = Activation.Softmax)]
        public partial class LetterModel;
        """);

    [Fact]
    public void Stacked_return_sequences_with_dense_per_timestep() => VerifyModel(nameof(Stacked_return_sequences_with_dense_per_timestep), """
        [RnnModel(timesteps: 3, features: 2)]
        [SimpleRnn(3, ReturnSequences = true)]
        [SimpleRnn(2, ReturnSequences = true, Activation = Activation.Relu)]
        [Dense(2, Activation = Activation.Sigmoid)]
        public partial class StackedModel;
        """);

    [Fact]
    public void Go_backwards_without_bias() => VerifyModel(nameof(Go_backwards_without_bias), """
        [RnnModel(timesteps: 3, features: 2)]
        [SimpleRnn(2, GoBackwards = true, UseBias = false)]
        [Dense(1, UseBias = false)]
        public partial class BackwardsModel;
        """);

    [Fact]
    public void Lstm_model() => VerifyModel(nameof(Lstm_model), """
        [RnnModel(timesteps: 2, features: 2)]
        [Lstm(2)]
        [Dense(1)]
        public partial class LstmModel;
        """);

    [Fact]
    public void Tfjs_default_gru_with_hard_sigmoid() => VerifyModel(nameof(Tfjs_default_gru_with_hard_sigmoid), """
        [RnnModel(timesteps: 2, features: 2)]
        [Gru(2, ResetAfter = false, RecurrentActivation = Activation.HardSigmoid)]
        [Dense(1, Activation = Activation.HardSigmoid)]
        public partial class TfjsGruModel;
        """);

    [Fact]
    public void Bidirectional_lstm_returning_sequences() => VerifyModel(nameof(Bidirectional_lstm_returning_sequences), """
        [RnnModel(timesteps: 3, features: 2)]
        [Lstm(2, Bidirectional = true, ReturnSequences = true, Merge = MergeMode.Sum)]
        [Dense(1)]
        public partial class BidirectionalModel;
        """);

    [Fact]
    public void Masked_embedding_model() => VerifyModel(nameof(Masked_embedding_model), """
        [RnnModel(timesteps: 3, features: 2)]
        [Embedding(5, 2, MaskZero = true)]
        [Gru(2)]
        [Dense(1, Activation = Activation.Sigmoid)]
        public partial class MaskedModel;
        """);

    [Fact]
    public void Dropout_model() => VerifyModel(nameof(Dropout_model), """
        [RnnModel(timesteps: 3, features: 2)]
        [Lstm(2, Dropout = 0.25f, RecurrentDropout = 0.5f, ReturnSequences = true)]
        [Dropout(0.2f)]
        [SimpleRnn(2, Dropout = 0.1f)]
        [Dense(1)]
        public partial class DropoutModel;
        """);

    [Fact]
    public void Gru_model() => VerifyModel(nameof(Gru_model), """
        [RnnModel(timesteps: 2, features: 2)]
        [Gru(2)]
        [Dense(1)]
        public partial class GruModel;
        """);

    [Fact]
    public void Embedding_model_with_loops() => VerifyModel(nameof(Embedding_model_with_loops), """
        [RnnModel(timesteps: 4, features: 3, Unroll = UnrollMode.Loops)]
        [Embedding(10, 3)]
        [Gru(4, ResetAfter = false)]
        [Dense(2, Activation = Activation.Softmax)]
        public partial class TokenModel;
        """);

    [Fact]
    public void Gru_vector_tier() => VerifyModel(nameof(Gru_vector_tier), """
        [RnnModel(timesteps: 5, features: 2, Unroll = UnrollMode.Vector)]
        [Gru(12)]
        [Dense(1)]
        public partial class VectorGruModel;
        """);

    [Fact]
    public void Gru_reset_before_vector_tier() => VerifyModel(nameof(Gru_reset_before_vector_tier), """
        [RnnModel(timesteps: 3, features: 2, Unroll = UnrollMode.Vector)]
        [Gru(4, ResetAfter = false)]
        [Dense(1)]
        public partial class VectorResetBeforeModel;
        """);

    [Fact]
    public void Dense_and_embedding_vector_tier() => VerifyModel(nameof(Dense_and_embedding_vector_tier), """
        [RnnModel(timesteps: 4, features: 6, Unroll = UnrollMode.Vector)]
        [Embedding(10, 6)]
        [SimpleRnn(8, ReturnSequences = true)]
        [Dense(5, Activation = Activation.Softmax)]
        public partial class VectorTokenModel;
        """);

    [Fact]
    public void Generation_is_deterministic()
    {
        const string source = "using RnnGen;\n[RnnModel(4, 3)]\n[Lstm(4, ReturnSequences = true)]\n[Gru(3)]\n[Dense(2)]\npublic partial class M;";
        string first = GeneratorHarness.Run(source).Result.GeneratedTrees.Single().ToString();
        string second = GeneratorHarness.Run(source).Result.GeneratedTrees.Single().ToString();
        Assert.Equal(first, second);
    }
}
