namespace RnnGen.Tests.Runtime;

/// <summary>
/// <see cref="ReduceLROnPlateau"/> driven by a scripted sequence of monitored values; the expected rates follow Keras's
/// <c>ReduceLROnPlateau.on_epoch_end</c> step by step (keras/src/callbacks/reduce_lr_on_plateau.py).
/// </summary>
public class LearningRateCallbackTests
{
    [Fact]
    public void Keras_defaults_are_kept()
    {
        var callback = new ReduceLROnPlateau();
        Assert.Equal("val_loss", callback.Monitor);
        Assert.Equal(0.1f, callback.Factor);
        Assert.Equal(10, callback.Patience);
        Assert.Equal("auto", callback.Mode);
        Assert.Equal(1e-4f, callback.MinDelta);
        Assert.Equal(0, callback.Cooldown);
        Assert.Equal(0f, callback.MinLr);
    }

    [Fact]
    public void Rate_drops_after_patience_epochs_without_improvement_then_cools_down()
    {
        // patience 2, cooldown 1, factor 0.5, minLr 0.2, start at 1.0
        float[] losses = [1.0f, 0.9f, 0.95f, 0.9f, 0.91f, 0.92f, 0.93f, 0.94f, 0.95f, 0.96f];
        // epoch: 0 best; 1 better; 2 wait 1; 3 (0.9 < 0.9 - 1e-4 fails) wait 2 -> lr 0.5, cooldown 1;
        // 4 cooldown ends (wait 0), then wait 1; 5 wait 2 -> 0.25; 6 cooldown, wait 1; 7 wait 2 -> max(0.125, 0.2);
        // 8, 9: lr is not above minLr, no change. (Checked with a transcription of Keras's on_epoch_end.)
        float[] expected = [1f, 1f, 1f, 0.5f, 0.5f, 0.25f, 0.25f, 0.2f, 0.2f, 0.2f];
        Assert.Equal(expected, Run(new ReduceLROnPlateau("val_loss", factor: 0.5f, patience: 2, cooldown: 1, minLr: 0.2f), "val_loss", losses));
    }

    [Fact]
    public void Accuracy_monitors_are_maximized_in_auto_mode_and_min_delta_counts()
    {
        float[] accuracy = [0.5f, 0.65f, 0.7f, 0.76f, 0.75f];
        // 0 best; 1 0.65 > 0.5 + 0.1: best; 2 0.7 > 0.75 fails -> patience 1: lr 0.1; 3 0.76 > 0.75: best; 4 -> 0.01
        float[] expected = [1f, 1f, 0.1f, 0.1f, 0.01f];
        float[] rates = Run(new ReduceLROnPlateau("val_accuracy", patience: 1, minDelta: 0.1f), "val_accuracy", accuracy);
        Assert.Equal(expected.Length, rates.Length);
        for (int i = 0; i < rates.Length; i++)
        {
            Assert.Equal(expected[i], rates[i], 6);
        }
    }

    [Fact]
    public void Rate_at_min_lr_is_not_reduced_further()
    {
        float[] rates = Run(new ReduceLROnPlateau("loss", patience: 0, minLr: 1f), "loss", [3f, 3f, 3f]);
        Assert.Equal([1f, 1f, 1f], rates);
    }

    [Fact]
    public void Bad_arguments_and_missing_monitors_fail_clearly()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(factor: 1f));
        Assert.Throws<ArgumentException>(() => new ReduceLROnPlateau(mode: "up"));
        var net = new RnnGen.Dynamic.Sequential(1, 1, 0, new RnnGen.Dynamic.DenseLayer(1));
        var options = new TrainingOptions { Loss = Losses.MeanSquaredError(), Verbose = false, Callbacks = { new ReduceLROnPlateau() } };
        InvalidOperationException missing = Assert.Throws<InvalidOperationException>(() => net.Fit(Dataset.FromArrays([[1f]], [[1f]]), options));
        Assert.Contains("val_loss", missing.Message, StringComparison.Ordinal);

        options = new TrainingOptions { Loss = Losses.MeanSquaredError(), Verbose = false, Callbacks = { new LearningRateScheduler((_, _) => float.NaN) } };
        Assert.Throws<InvalidOperationException>(() => net.Fit(Dataset.FromArrays([[1f]], [[1f]]), options));
    }

    [Fact]
    public void Scheduler_sees_the_epoch_and_the_current_rate()
    {
        var net = new RnnGen.Dynamic.Sequential(1, 1, 0, new RnnGen.Dynamic.DenseLayer(1));
        var seen = new List<(int Epoch, float Lr)>();
        var optimizer = new Sgd(0.1f);
        History history = net.Fit(Dataset.FromArrays([[1f]], [[1f]]), new TrainingOptions
        {
            Loss = Losses.MeanSquaredError(),
            Optimizer = optimizer,
            Epochs = 3,
            Verbose = false,
            Callbacks = { new LearningRateScheduler((epoch, lr) => { seen.Add((epoch, lr)); return lr * 2; }) },
        });
        Assert.Equal([(0, 0.1f), (1, 0.2f), (2, 0.4f)], seen);
        Assert.Equal(0.8f, optimizer.LearningRate);
        Assert.Equal([0.2f, 0.4f, 0.8f], history["learning_rate"]); // the rate each epoch trained with, as Keras logs it
    }

    /// <summary>Attaches the callback as Fit does and feeds it scripted logs; returns the rate after each epoch.</summary>
    private static float[] Run(ReduceLROnPlateau callback, string key, float[] values)
    {
        var optimizer = new Sgd(1f);
        callback.Attach(new RnnGen.Dynamic.Sequential(1, 1, 0, new RnnGen.Dynamic.DenseLayer(1)), optimizer);
        callback.OnTrainBegin();
        var rates = new float[values.Length];
        for (int epoch = 0; epoch < values.Length; epoch++)
        {
            callback.OnEpochBegin(epoch);
            callback.OnEpochEnd(epoch, new Dictionary<string, float> { [key] = values[epoch] });
            rates[epoch] = optimizer.LearningRate;
        }

        return rates;
    }
}
