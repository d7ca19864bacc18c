using System.Numerics.Tensors;

namespace RnnGen.Tests.Runtime;

public sealed class TrainingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rnngen-fit-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>y = 2 x0 - x1 + 0.5, 64 samples.</summary>
    private static Dataset Linear(int count = 64)
    {
        var random = new Random(3);
        var x = new float[count][];
        var y = new float[count][];
        for (int i = 0; i < count; i++)
        {
            x[i] = [(float)random.NextDouble() * 2 - 1, (float)random.NextDouble() * 2 - 1];
            y[i] = [2 * x[i][0] - x[i][1] + 0.5f];
        }

        return Dataset.FromArrays(x, y);
    }

    /// <summary>Class = index of the largest of 3 inputs.</summary>
    private static Dataset Classes(int count = 90)
    {
        var random = new Random(5);
        var x = new float[count][];
        var y = new float[count][];
        for (int i = 0; i < count; i++)
        {
            x[i] = [(float)random.NextDouble(), (float)random.NextDouble(), (float)random.NextDouble()];
            y[i] = [x[i][0] > x[i][1] ? (x[i][0] > x[i][2] ? 0 : 2) : (x[i][1] > x[i][2] ? 1 : 2)];
        }

        return Dataset.FromArrays(x, y);
    }

    private static TrainingOptions Quiet(Loss loss, int epochs) => new() { Loss = loss, Epochs = epochs, Verbose = false };

    [Fact]
    public void Fit_learns_a_linear_function()
    {
        var model = new DenseTestModel(2, 1);
        TrainingOptions options = Quiet(Losses.MeanSquaredError(), 200);
        options.Optimizer = new Adam(0.05f);
        options.Metrics.Add(Metrics.MeanAbsoluteError());
        History h = model.Fit(Linear(), options);
        Assert.Equal(200, h.Epochs);
        Assert.True(h["loss"][^1] < 1e-3f, $"final loss {h["loss"][^1]}");
        Assert.True(h["mae"][^1] < h["mae"][0]);
        Assert.Equal(2f, model.Parameters[0], 1);
        Assert.Equal(-1f, model.Parameters[1], 1);
        Assert.Equal(0.5f, model.Parameters[2], 1);
    }

    [Fact]
    public void Fit_with_the_same_seed_gives_bit_identical_weights()
    {
        float[] Train(int seed)
        {
            var model = new DenseTestModel(3, 3, Activation.Softmax);
            TrainingOptions options = Quiet(Losses.SparseCategoricalCrossentropy(), 5);
            options.BatchSize = 7;
            options.Seed = seed;
            model.Fit(Classes(), options);
            return model.Parameters.ToArray();
        }

        Assert.Equal(Train(11), Train(11));
        Assert.NotEqual(Train(11), Train(12));
    }

    [Fact]
    public void One_batch_step_is_the_mean_gradient_of_its_samples()
    {
        // SGD lr 1 on the whole set in one batch, no shuffle: Δp = -mean_i dL_i/dp.
        Dataset data = Linear(5);
        var model = new DenseTestModel(2, 1);
        float[] p0 = model.Parameters.ToArray();
        var expected = new double[model.ParameterCount];
        for (int i = 0; i < data.Count; i++)
        {
            float[] output = new float[1];
            var probe = new DenseTestModel(2, 1);
            probe.Forward(data.Input(i), output);
            double d = 2.0 * (output[0] - data.Target(i)[0]); // MSE over 1 element
            expected[0] += d * data.Input(i)[0] / data.Count;
            expected[1] += d * data.Input(i)[1] / data.Count;
            expected[2] += d / data.Count;
        }

        TrainingOptions options = Quiet(Losses.MeanSquaredError(), 1);
        options.Optimizer = new Sgd(1f);
        options.BatchSize = 100;
        options.Shuffle = false;
        model.Fit(data, options);
        for (int k = 0; k < 3; k++) Assert.Equal(p0[k] - expected[k], model.Parameters[k], 5);
    }

    [Fact]
    public void Epoch_loss_is_the_sample_weighted_mean_of_batch_losses()
    {
        // lr 0: weights never change, so the epoch loss equals the mean loss over all samples.
        Dataset data = Linear(10);
        var model = new DenseTestModel(2, 1);
        TrainingOptions options = Quiet(Losses.MeanSquaredError(), 1);
        options.Optimizer = new Sgd(0f);
        options.BatchSize = 4; // batches of 4, 4, 2
        History h = model.Fit(data, options);
        float expected = model.Evaluate(data, Losses.MeanSquaredError())["loss"];
        Assert.Equal(expected, h["loss"][0], 5);
    }

    [Fact]
    public void History_has_keras_keys_and_progress_lines()
    {
        var model = new DenseTestModel(3, 3, Activation.Softmax);
        var output = new StringWriter();
        var options = new TrainingOptions
        {
            Loss = Losses.SparseCategoricalCrossentropy(),
            Epochs = 3,
            BatchSize = 10,
            ValidationSplit = 0.2,
            Metrics = { Metrics.Accuracy() },
            Output = output,
        };
        var reports = new List<EpochResult>();
        options.Progress = new SyncProgress(reports.Add);
        History h = model.Fit(Classes(), options);
        Assert.Equal(["loss", "accuracy", "val_loss", "val_accuracy"], h.Keys);
        Assert.Equal(3, h["val_loss"].Count);
        Assert.Equal(3, reports.Count);
        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Matches(@"^Epoch 2/3 - 8/8 - loss: \d\.\d{4} - accuracy: \d\.\d{4} - val_loss: \d\.\d{4} - val_accuracy: \d\.\d{4}\r?$", lines[1]);
        Assert.Throws<KeyNotFoundException>(() => h["mae"]);
    }

    [Fact]
    public void Validation_split_holds_out_the_last_samples()
    {
        Dataset data = Linear(10);
        var model = new DenseTestModel(2, 1);
        TrainingOptions options = Quiet(Losses.MeanSquaredError(), 1);
        options.ValidationSplit = 0.3;
        options.Optimizer = new Sgd(0f);
        History h = model.Fit(data, options);
        float expected = model.Evaluate(data.Range(7, 3), Losses.MeanSquaredError())["loss"];
        Assert.Equal(expected, h["val_loss"][0], 6);
        Assert.Equal(7, model.ForwardCalls);
    }

    [Fact]
    public void EarlyStopping_stops_after_patience_and_restores_best_weights()
    {
        var model = new DenseTestModel(2, 1);
        var stop = new EarlyStopping("loss", patience: 2, restoreBestWeights: true);
        TrainingOptions options = Quiet(Losses.MeanSquaredError(), 50);
        options.Optimizer = new Sgd(5f); // diverges: the loss grows from epoch 1
        options.Callbacks.Add(stop);
        History h = model.Fit(Linear(), options);
        Assert.True(h.Epochs < 50);
        Assert.Equal(stop.BestEpoch + 3, h.Epochs);
        Assert.Contains("early stopping", h.StopReason);
    }

    [Fact]
    public void ModelCheckpoint_save_best_only_keeps_the_best_epoch()
    {
        string path = Path.Combine(_dir, "best.safetensors");
        var model = new DenseTestModel(2, 1);
        var checkpoint = new ModelCheckpoint(path, monitor: "loss", saveBestOnly: true);
        TrainingOptions options = Quiet(Losses.MeanSquaredError(), 20);
        options.Optimizer = new Adam(0.05f);
        options.Callbacks.Add(checkpoint);
        History h = model.Fit(Linear(), options);
        int best = 0;
        for (int e = 1; e < h.Epochs; e++) if (h["loss"][e] < h["loss"][best]) best = e;
        Assert.Equal(best + 1, checkpoint.LastSavedEpoch);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public void TerminateOnNaN_stops_and_the_last_checkpoint_survives()
    {
        string path = Path.Combine(_dir, "ckpt.safetensors");
        var model = new DenseTestModel(2, 1);
        var output = new StringWriter();
        var options = new TrainingOptions
        {
            Loss = Losses.MeanSquaredError(),
            Epochs = 1000,
            Optimizer = new Sgd(20f), // explodes to Inf, then NaN
            Output = output,
            Callbacks = { new ModelCheckpoint(path, monitor: "loss"), new TerminateOnNaN() },
        };
        History h = model.Fit(Linear(), options);
        Assert.True(h.Epochs < 1000);
        Assert.Contains("invalid loss", h.StopReason);
        Assert.Contains("invalid loss", output.ToString());
        var reloaded = new DenseTestModel(2, 1);
        reloaded.LoadWeights(path);
        Assert.True(float.IsFinite(TensorPrimitives.Sum<float>(reloaded.Parameters)));
    }

    [Fact]
    public void A_batch_step_allocates_nothing_after_warm_up()
    {
        var model = new DenseTestModel(4, 3, Activation.Softmax, timesteps: 2);
        var x = new float[256][];
        var y = new float[256][];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = [i % 3, 1, i % 5, 0.5f, 1, 0, i % 2, 0.25f];
            y[i] = [i % 3, (i + 1) % 3];
        }

        var trainer = new Trainer(model, Dataset.FromArrays(x, y), Losses.SparseCategoricalCrossentropy(), new Adam { ClipNorm = 1f },
            [Metrics.Accuracy(), Metrics.SparseCategoricalAccuracy()]);
        var random = new Random(1);
        trainer.Shuffle(random);
        trainer.TrainBatch(0, 32); // warm-up: optimizer state

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int epoch = 0; epoch < 5; epoch++)
        {
            trainer.Shuffle(random);
            for (int start = 0; start < 256; start += 32) trainer.TrainBatch(start, 32);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Fit_rejects_data_that_does_not_fit_the_model()
    {
        var model = new DenseTestModel(3, 1);
        var e = Assert.Throws<ArgumentException>(() => model.Fit(Linear(), Quiet(Losses.MeanSquaredError(), 1)));
        Assert.Contains("3", e.Message);
        Assert.Contains("2", e.Message);
    }

    [Fact]
    public void PredictBatch_predicts_every_sample()
    {
        var model = new DenseTestModel(2, 1);
        Dataset data = Linear(4);
        float[][] outputs = model.PredictBatch(data);
        var single = new float[1];
        model.Predict(data.Input(3), single);
        Assert.Equal(single[0], outputs[3][0]);
    }

    private sealed class SyncProgress(Action<EpochResult> report) : IProgress<EpochResult>
    {
        public void Report(EpochResult value) => report(value);
    }
}

public sealed class CallbackAndEvaluateTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rnngen-cb-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Dataset Tiny() => Dataset.FromArrays([[0f, 1f], [1f, 0f], [1f, 1f], [0f, 0f]], [[1f], [0f], [1f], [0f]]);

    [Fact]
    public void EarlyStopping_on_a_missing_key_lists_the_keys_there_are()
    {
        var model = new DenseTestModel(2, 1);
        var options = new TrainingOptions { Loss = Losses.MeanSquaredError(), Epochs = 2, Verbose = false, Callbacks = { new EarlyStopping() } };
        var e = Assert.Throws<InvalidOperationException>(() => model.Fit(Tiny(), options));
        Assert.Contains("'val_loss'", e.Message);
        Assert.Contains("loss", e.Message);
        Assert.Contains("ValidationSplit", e.Message);
    }

    [Fact]
    public void ModelCheckpoint_replaces_epoch_in_the_path()
    {
        var model = new DenseTestModel(2, 1);
        var options = new TrainingOptions
        {
            Loss = Losses.MeanSquaredError(),
            Epochs = 3,
            Verbose = false,
            Callbacks = { new ModelCheckpoint(Path.Combine(_dir, "w-{epoch}.safetensors")) },
        };
        model.Fit(Tiny(), options);
        Assert.Equal(["w-1.safetensors", "w-2.safetensors", "w-3.safetensors"],
            Directory.GetFiles(_dir).Select(f => Path.GetFileName(f)!).Order().ToArray());
    }

    [Fact]
    public void Evaluate_reports_loss_and_metrics_by_name()
    {
        var model = new DenseTestModel(2, 1, Activation.Sigmoid);
        model.Parameters.Clear(); // output 0.5 everywhere
        IReadOnlyDictionary<string, float> r = model.Evaluate(Tiny(), Losses.BinaryCrossentropy(), Metrics.BinaryAccuracy(), Metrics.MeanAbsoluteError());
        Assert.Equal(["loss", "accuracy", "mae"], r.Keys.ToArray());
        Assert.Equal(MathF.Log(2), r["loss"], 5);
        Assert.Equal(0.5f, r["accuracy"]); // 0.5 is not above the threshold: predicts 0
        Assert.Equal(0.5f, r["mae"]);
    }
}
