namespace RnnGen.Tests.Runtime;

public class DataTests
{
    [Fact]
    public void FromArrays_stores_samples_flat()
    {
        var d = Dataset.FromArrays([[1f, 2f], [3f, 4f]], [[0f], [1f]]);
        Assert.Equal(2, d.Count);
        Assert.Equal([1f, 2f, 3f, 4f], d.Inputs);
        Assert.Equal([3f, 4f], d.Input(1).ToArray());
        Assert.Equal(1f, d.Target(1)[0]);
    }

    [Fact]
    public void FromArrays_with_a_ragged_row_names_the_index_and_both_lengths()
    {
        var e = Assert.Throws<ArgumentException>(() => Dataset.FromArrays([[1f, 2f], [3f, 4f], [5f]], [[0f], [1f], [2f]]));
        Assert.Contains("Row 2 has length 1", e.Message);
        Assert.Contains("length 2", e.Message);
    }

    [Fact]
    public void Split_takes_the_last_fraction_for_validation_like_keras()
    {
        var d = Dataset.FromArrays([[0f], [1f], [2f], [3f], [4f]], [[0f], [1f], [2f], [3f], [4f]]);
        (Dataset train, Dataset? val) = d.Split(0.2);
        Assert.Equal([0f, 1f, 2f, 3f], train.Inputs);
        Assert.Equal([4f], val!.Inputs);
    }

    [Fact]
    public void Shuffle_is_deterministic_per_seed_and_keeps_pairs_together()
    {
        var d = Dataset.FromArrays([[0f], [1f], [2f], [3f], [4f], [5f]], [[0f], [10f], [20f], [30f], [40f], [50f]]);
        Dataset a = d.Shuffle(7), b = d.Shuffle(7);
        Assert.Equal(a.Inputs, b.Inputs);
        Assert.NotEqual(d.Inputs, a.Inputs);
        for (int i = 0; i < a.Count; i++) Assert.Equal(a.Input(i)[0] * 10, a.Target(i)[0]);
    }

    [Fact]
    public void OneHot_and_OneHotTargets_expand_labels()
    {
        Assert.Equal([0f, 0f, 1f], Dataset.OneHot(2, 3));
        var d = Dataset.FromArrays([[0f], [1f]], [[2f], [0f]]).OneHotTargets(3);
        Assert.Equal(3, d.TargetSize);
        Assert.Equal([0f, 0f, 1f, 1f, 0f, 0f], d.Targets);
    }

    [Fact]
    public void PadSequences_defaults_to_pre_padding_and_pre_truncation()
    {
        float[][] p = Sequences.PadSequences([[1, 2], [1, 2, 3, 4, 5]], 3);
        Assert.Equal([0f, 1f, 2f], p[0]);
        Assert.Equal([3f, 4f, 5f], p[1]);
        float[][] q = Sequences.PadSequences([[1, 2], [1, 2, 3, 4, 5]], 3, PadSide.Post, PadSide.Post, -1f);
        Assert.Equal([1f, 2f, -1f], q[0]);
        Assert.Equal([1f, 2f, 3f], q[1]);
    }

    [Fact]
    public void Windows_target_is_horizon_steps_after_the_window()
    {
        Dataset d = TimeSeries.Windows([0f, 1f, 2f, 3f, 4f, 5f], window: 3, horizon: 2, stride: 1);
        Assert.Equal(2, d.Count); // (6 - 3 - 2) / 1 + 1
        Assert.Equal([0f, 1f, 2f], d.Input(0).ToArray());
        Assert.Equal(4f, d.Target(0)[0]);
        Assert.Equal(5f, d.Target(1)[0]);
    }

    [Fact]
    public void Multi_feature_windows_interleave_features_per_timestep()
    {
        Dataset d = TimeSeries.Windows([[0f, 1f, 2f, 3f], [10f, 11f, 12f, 13f]], window: 2, targetColumn: 1);
        Assert.Equal(2, d.Count);
        Assert.Equal([0f, 10f, 1f, 11f], d.Input(0).ToArray());
        Assert.Equal(12f, d.Target(0)[0]);
    }

    [Fact]
    public void Csv_reads_named_columns_and_reports_bad_cells()
    {
        string path = Path.Combine(Path.GetTempPath(), $"rnngen-{Guid.NewGuid():N}.csv");
        try
        {
            File.WriteAllText(path, "date,temp,rain\n2020-01-01,1.5,0\n2020-01-02,-2e1,3\n");
            float[][] cols = Csv.ReadColumns(path, "rain", "temp");
            Assert.Equal([0f, 3f], cols[0]);
            Assert.Equal([1.5f, -20f], cols[1]);

            var missing = Assert.Throws<FormatException>(() => Csv.ReadColumns(path, "wind"));
            Assert.Contains("'wind'", missing.Message);
            Assert.Contains("date, temp, rain", missing.Message);

            var bad = Assert.Throws<FormatException>(() => Csv.ReadColumns(path, "date"));
            Assert.Contains("row 2", bad.Message);
            Assert.Contains("'2020-01-01'", bad.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void EnsureFits_names_both_sizes()
    {
        var model = new DenseTestModel(3, 2);
        var e = Assert.Throws<ArgumentException>(() => Dataset.FromArrays([[1f, 2f]], [[0f, 1f]]).EnsureFits(model));
        Assert.Contains("3", e.Message);
        Assert.Contains("2", e.Message);
        Dataset.FromArrays([[1f, 2f, 3f]], [[1f]]).EnsureFits(model); // sparse label fits
    }
}
