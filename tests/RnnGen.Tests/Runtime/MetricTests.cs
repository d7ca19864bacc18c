namespace RnnGen.Tests.Runtime;

public class MetricTests
{
    [Fact]
    public void Accuracy_picks_binary_for_a_single_output()
    {
        Metric m = Metrics.Accuracy();
        m.Update([0.7f], [1f]);
        m.Update([0.2f], [1f]);
        Assert.Equal(0.5f, m.Result);
        Assert.Equal("accuracy", m.Name);
    }

    [Fact]
    public void Accuracy_picks_categorical_when_target_matches_output_length()
    {
        Metric m = Metrics.Accuracy();
        m.Update([0.1f, 0.8f, 0.1f], [0f, 1f, 0f]);
        m.Update([0.6f, 0.3f, 0.1f], [0f, 0f, 1f]);
        m.Update([0.1f, 0.1f, 0.8f], [0f, 0f, 1f]);
        Assert.Equal(2f / 3f, m.Result, 6);
    }

    [Fact]
    public void Accuracy_picks_sparse_for_label_targets_and_counts_timesteps()
    {
        Metric m = Metrics.Accuracy();
        m.Update([0.1f, 0.8f, 0.1f], [1f]);
        m.Update([0.9f, 0.1f, 0f, 0.2f, 0.3f, 0.5f], [0f, 1f]); // timestep 0 right, timestep 1 wrong
        Assert.Equal(2f / 3f, m.Result, 6);
        m.Reset();
        Assert.Equal(0f, m.Result);
    }

    [Fact]
    public void Categorical_accuracy_on_a_sequence_uses_the_step_size()
    {
        Metric m = Metrics.CategoricalAccuracy();
        m.Update([0.9f, 0.1f, 0.2f, 0.8f], [1f, 0f, 1f, 0f], 2);
        Assert.Equal(0.5f, m.Result);
    }

    [Fact]
    public void Binary_accuracy_uses_the_threshold()
    {
        Metric m = Metrics.BinaryAccuracy(0.8f);
        m.Update([0.7f, 0.9f], [1f, 1f]);
        Assert.Equal(0.5f, m.Result);
    }

    [Fact]
    public void Mean_absolute_error_is_the_mean_of_sample_means()
    {
        Metric m = Metrics.MeanAbsoluteError();
        m.Update([1f, 2f], [0f, 0f]);
        m.Update([0f, 0f], [0f, 1f]);
        Assert.Equal((1.5f + 0.5f) / 2, m.Result, 6);
        Assert.Equal("mae", m.Name);
    }
}
