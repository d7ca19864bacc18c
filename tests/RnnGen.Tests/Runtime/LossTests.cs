namespace RnnGen.Tests.Runtime;

/// <summary>Loss values against hand-computed Keras formulas, and gradients against central differences in double.</summary>
public class LossTests
{
    private static float Loss(Loss loss, float[] output, float[] target, int stepSize = 0) =>
        loss.Compute(output, target, new float[output.Length], stepSize == 0 ? output.Length : stepSize);

    /// <summary>Central differences of the loss itself: the gradient must be the derivative of what Compute returns.</summary>
    private static void AssertGradientMatchesFiniteDifferences(Loss loss, float[] output, float[] target, int stepSize = 0)
    {
        var grad = new float[output.Length];
        loss.Compute(output, target, grad, stepSize == 0 ? output.Length : stepSize);
        for (int i = 0; i < output.Length; i++)
        {
            const float h = 1e-3f;
            float[] plus = (float[])output.Clone(), minus = (float[])output.Clone();
            plus[i] += h;
            minus[i] -= h;
            double numeric = ((double)Loss(loss, plus, target, stepSize) - Loss(loss, minus, target, stepSize)) / (plus[i] - minus[i]);
            Assert.True(Math.Abs(numeric - grad[i]) < 2e-3 * Math.Max(1, Math.Abs(numeric)),
                $"{loss.Name} element {i}: analytic {grad[i]}, numeric {numeric}");
        }
    }

    [Fact]
    public void MeanSquaredError_is_the_mean_over_elements()
    {
        var grad = new float[3];
        float l = Losses.MeanSquaredError().Compute([1f, 2f, 3f], [1f, 0f, 4f], grad);
        Assert.Equal(5f / 3f, l, 6);
        Assert.Equal([0f, 4f / 3f, -2f / 3f], grad);
        Assert.Equal("mean_squared_error", Losses.MeanSquaredError().Name);
    }

    [Fact]
    public void BinaryCrossentropy_matches_the_textbook_value()
    {
        float l = Loss(Losses.BinaryCrossentropy(), [0.8f, 0.3f], [1f, 0f]);
        Assert.Equal(-(Math.Log(0.8) + Math.Log(0.7)) / 2, l, 5);
    }

    [Fact]
    public void BinaryCrossentropy_from_logits_equals_the_sigmoid_version()
    {
        float[] logits = [2f, -1f, 0.3f], target = [1f, 0f, 1f];
        float[] probs = Array.ConvertAll(logits, x => 1f / (1f + MathF.Exp(-x)));
        Assert.Equal(Loss(Losses.BinaryCrossentropy(), probs, target), Loss(Losses.BinaryCrossentropy(true), logits, target), 4);
    }

    [Fact]
    public void CategoricalCrossentropy_normalizes_then_takes_minus_log()
    {
        // Keras 3: p = o / sum(o) = [0.25, 0.5, 0.25]
        float l = Loss(Losses.CategoricalCrossentropy(), [0.2f, 0.4f, 0.2f], [0f, 1f, 0f]);
        Assert.Equal(-Math.Log(0.5), l, 5);
    }

    [Fact]
    public void SparseCategoricalCrossentropy_equals_categorical_with_one_hot()
    {
        float[] o = [0.1f, 0.7f, 0.2f];
        Assert.Equal(Loss(Losses.CategoricalCrossentropy(), o, [0f, 0f, 1f]), Loss(Losses.SparseCategoricalCrossentropy(), o, [2f]), 6);
        Assert.Equal(-Math.Log(0.2), Loss(Losses.SparseCategoricalCrossentropy(), o, [2f]), 5);
    }

    [Fact]
    public void Sparse_loss_on_a_sequence_averages_over_timesteps()
    {
        // two timesteps of three classes, labels 1 and 0
        float[] o = [0.2f, 0.5f, 0.3f, 0.6f, 0.3f, 0.1f];
        Assert.Equal((-Math.Log(0.5) - Math.Log(0.6)) / 2, Loss(Losses.SparseCategoricalCrossentropy(), o, [1f, 0f]), 5);
        AssertGradientMatchesFiniteDifferences(Losses.SparseCategoricalCrossentropy(), o, [1f, 0f]);
    }

    [Fact]
    public void Categorical_loss_on_a_sequence_averages_over_timesteps_with_step_size()
    {
        float[] o = [0.2f, 0.5f, 0.3f, 0.6f, 0.3f, 0.1f], t = [0, 1, 0, 1, 0, 0];
        Assert.Equal((-Math.Log(0.5) - Math.Log(0.6)) / 2, Loss(Losses.CategoricalCrossentropy(), o, t, 3), 5);
        AssertGradientMatchesFiniteDifferences(Losses.CategoricalCrossentropy(), o, t, 3);
    }

    [Fact]
    public void Logit_losses_use_log_sum_exp()
    {
        float[] z = [1f, 2f, 0.5f];
        double lse = Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(0.5));
        Assert.Equal(lse - 2, Loss(Losses.SparseCategoricalCrossentropy(true), z, [1f]), 5);
        Assert.Equal(lse - 2, Loss(Losses.CategoricalCrossentropy(true), z, [0f, 1f, 0f]), 5);
        float big = Loss(Losses.SparseCategoricalCrossentropy(true), [1000f, -1000f], [1f]);
        Assert.Equal(2000f, big, 2);
    }

    [Theory]
    [InlineData("mse")]
    [InlineData("bce")]
    [InlineData("bce_logits")]
    [InlineData("cce")]
    [InlineData("cce_logits")]
    [InlineData("sparse")]
    [InlineData("sparse_logits")]
    public void Gradient_is_the_derivative_of_the_returned_loss(string which)
    {
        float[] o = [0.2f, 0.5f, 0.3f];
        switch (which)
        {
            case "mse": AssertGradientMatchesFiniteDifferences(Losses.MeanSquaredError(), o, [0.1f, 1f, -2f]); break;
            case "bce": AssertGradientMatchesFiniteDifferences(Losses.BinaryCrossentropy(), o, [1f, 0f, 0.5f]); break;
            case "bce_logits": AssertGradientMatchesFiniteDifferences(Losses.BinaryCrossentropy(true), [1.5f, -2f, 0f], [1f, 0f, 0.5f]); break;
            case "cce": AssertGradientMatchesFiniteDifferences(Losses.CategoricalCrossentropy(), o, [0f, 1f, 0f]); break;
            case "cce_logits": AssertGradientMatchesFiniteDifferences(Losses.CategoricalCrossentropy(true), [1.5f, -2f, 0f], [0.2f, 0.8f, 0f]); break;
            case "sparse": AssertGradientMatchesFiniteDifferences(Losses.SparseCategoricalCrossentropy(), o, [2f]); break;
            case "sparse_logits": AssertGradientMatchesFiniteDifferences(Losses.SparseCategoricalCrossentropy(true), [1.5f, -2f, 0f], [0f]); break;
        }
    }

    [Fact]
    public void Saturated_softmax_output_gives_finite_loss_and_gradient()
    {
        float[] o = [1f, 0f, 0f];
        foreach ((Loss loss, float[] t) in new (Loss, float[])[]
        {
            (Losses.CategoricalCrossentropy(), [0f, 1f, 0f]),
            (Losses.CategoricalCrossentropy(), [1f, 0f, 0f]),
            (Losses.SparseCategoricalCrossentropy(), [1f]),
            (Losses.BinaryCrossentropy(), [0f, 1f, 1f]),
        })
        {
            var grad = new float[3];
            float l = loss.Compute(o, t, grad);
            Assert.True(float.IsFinite(l), $"{loss.Name}: {l}");
            Assert.All(grad, g => Assert.True(float.IsFinite(g)));
        }

        // clipped at 1e-7: -log(1e-7)
        Assert.Equal(-Math.Log(1e-7), Loss(Losses.SparseCategoricalCrossentropy(), o, [1f]), 3);
    }

    [Fact]
    public void Clipped_probabilities_get_zero_gradient_as_autodiff_would()
    {
        var grad = new float[2];
        Losses.BinaryCrossentropy().Compute([0f, 1f], [1f, 0f], grad);
        Assert.Equal([0f, 0f], grad);
    }

    [Fact]
    public void Sparse_label_out_of_range_throws_naming_it()
    {
        var e = Assert.Throws<ArgumentException>(() => Loss(Losses.SparseCategoricalCrossentropy(), [0.5f, 0.5f], [2f]));
        Assert.Contains("[0, 2)", e.Message);
    }

    [Fact]
    public void Target_length_mismatch_throws_with_both_lengths()
    {
        var e = Assert.Throws<ArgumentException>(() => Losses.MeanSquaredError().Compute([1f, 2f], [1f], new float[2]));
        Assert.Contains("2", e.Message);
        Assert.Contains("1", e.Message);
    }
}
