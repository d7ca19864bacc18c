using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;

namespace RnnGen.Tests.Runtime;

/// <summary>
/// Hostile weight files (issue 9): every failure is a <see cref="WeightFileException"/> naming the file and the
/// problem; non-finite weights are refused by default; a save killed with SIGKILL leaves no growing pile of temporaries.
/// </summary>
public sealed class WeightFileHardeningTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rnngen-hardening-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static byte[] WithHeader(string json, byte[] data)
    {
        byte[] header = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    private WeightFileException LoadFails(byte[] file, string name = "bad.safetensors")
    {
        string path = PathOf(name);
        File.WriteAllBytes(path, file);
        var model = new DenseTestModel(5, 3, seed: 9);
        float[] before = model.Parameters.ToArray();
        var e = Assert.Throws<WeightFileException>(() => model.LoadWeights(path));
        Assert.Equal(before, model.Parameters.ToArray());
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        return e;
    }

    // ---- item 7: malformed files, odd paths ----

    [Theory]
    [InlineData("[\"0\",\"60\"]")]
    [InlineData("[null,null]")]
    [InlineData("[0.5,60]")]
    [InlineData("\"0-60\"")]
    [InlineData("[0]")]
    [InlineData("[{},[]]")]
    public void Malformed_data_offsets_are_a_weight_file_error(string offsets)
    {
        string json = "{\"dense/kernel\":{\"dtype\":\"F32\",\"shape\":[5,3],\"data_offsets\":" + offsets + "},\"dense/bias\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[60,72]}}";
        WeightFileException e = LoadFails(WithHeader(json, new byte[72]));
        Assert.Contains("tensor 'dense/kernel' needs data_offsets [begin, end] as two integers, but has " + offsets, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"dense/kernel\":{\"dtype\":\"F32\",\"shape\":[\"5\",3],\"data_offsets\":[0,60]}}")]
    [InlineData("{\"dense/kernel\":{\"dtype\":7,\"shape\":[5,3],\"data_offsets\":[0,60]}}")]
    [InlineData("{\"dense/kernel\":null}")]
    [InlineData("[1,2]")]
    [InlineData("{\"__metadata__\":{\"format\":\"rnngen\"},\"dense/kernel\":{\"dtype\":\"F32\",\"shape\":[5,3],\"data_offsets\":[0,99999999999999999999]}}")]
    [InlineData("{\"dense/kernel\":{\"dtype\":\"F32\",\"shape\":[5,3],\"data_offsets\":[0,60]}")]
    public void Malformed_headers_are_a_weight_file_error(string json) => LoadFails(WithHeader(json, new byte[72]));

    [Fact]
    public void A_directory_path_is_a_weight_file_error()
    {
        var e = Assert.Throws<WeightFileException>(() => new DenseTestModel(5, 3).LoadWeights(_dir));
        Assert.Equal($"{_dir}: is a directory, expected a safetensors file.", e.Message);
    }

    [Fact]
    public void A_missing_file_is_a_weight_file_error_naming_it()
    {
        string path = PathOf("missing.safetensors");
        var e = Assert.Throws<WeightFileException>(() => new DenseTestModel(5, 3).LoadWeights(path));
        Assert.StartsWith(path + ": cannot be opened", e.Message, StringComparison.Ordinal);
        Assert.IsType<FileNotFoundException>(e.InnerException);
    }

    [Fact]
    public void A_stream_that_fails_mid_read_is_a_weight_file_error()
    {
        var source = new DenseTestModel(5, 3, seed: 1);
        var buffer = new MemoryStream();
        source.SaveWeights(buffer);
        var failing = new FailingReadStream(buffer.ToArray(), failAt: 100);
        var e = Assert.Throws<WeightFileException>(() => new DenseTestModel(5, 3).LoadWeights(failing));
        Assert.Contains("weights: cannot be read (Simulated read failure.)", e.Message, StringComparison.Ordinal);
    }

    // ---- item 8: non-finite values ----

    [Theory]
    [InlineData(7, float.NaN, "dense/kernel", 7, "NaN")]
    [InlineData(16, float.PositiveInfinity, "dense/bias", 1, "+Infinity")]
    [InlineData(0, float.NegativeInfinity, "dense/kernel", 0, "-Infinity")]
    public void Non_finite_weights_are_refused_by_default_naming_tensor_and_index(int flatIndex, float value, string tensor, int index, string shown)
    {
        var source = new DenseTestModel(5, 3, seed: 1);
        source.Parameters[flatIndex] = value;
        string path = PathOf("nan.safetensors");
        source.SaveWeights(path);

        var model = new DenseTestModel(5, 3, seed: 2);
        float[] before = model.Parameters.ToArray();
        var e = Assert.Throws<WeightFileException>(() => model.LoadWeights(path));
        Assert.Contains($"tensor '{tensor}' holds {shown} at index {index}", e.Message, StringComparison.Ordinal);
        Assert.Contains("allowNonFinite: true", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, model.Parameters.ToArray());

        model.LoadWeights(path, allowNonFinite: true);
        Assert.Equal(BitConverter.SingleToInt32Bits(value), BitConverter.SingleToInt32Bits(model.Parameters[flatIndex]));
    }

    // ---- item 9: temporaries of killed saves ----

    private static string Orphan(string path) => path + ".tmp-" + Guid.NewGuid().ToString("N");

    [Fact]
    public void A_save_removes_unlocked_temporaries_of_earlier_saves_and_keeps_locked_ones()
    {
        string path = PathOf("w.safetensors");
        string dead = Orphan(path);
        File.WriteAllBytes(dead, new byte[10]);
        string live = Orphan(path);
        string unrelated = PathOf("other.safetensors.tmp-" + Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(unrelated, new byte[10]);
        using (var held = new FileStream(live, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            new DenseTestModel(5, 3).SaveWeights(path);
            Assert.False(File.Exists(dead));
            Assert.True(File.Exists(live)); // a save in progress (it holds the lock) is left alone
        }

        new DenseTestModel(5, 3).SaveWeights(path);
        Assert.False(File.Exists(live));
        Assert.True(File.Exists(unrelated)); // another file's temporaries are not ours
        Assert.Equal(new[] { path, unrelated }.Order(StringComparer.Ordinal), Directory.GetFiles(_dir).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Kill_9_during_saves_never_tears_the_file_and_leaves_at_most_one_temporary()
    {
        string path = PathOf("killed.safetensors");

        // A child killed half-way through a save, five times over: each new save removes the previous orphan.
        for (int round = 0; round < 5; round++)
        {
            using Process child = StartChild("hang-mid-save", path);
            Assert.Equal("hanging", child.StandardOutput.ReadLine());
            string[] temporaries = Directory.GetFiles(_dir, "*.tmp-*");
            Assert.Single(temporaries);

            // While the child is alive its temporary is locked: a save here must not take it.
            new DenseTestModel(100, 100, seed: 5).SaveWeights(path);
            Assert.True(File.Exists(temporaries[0]));

            child.Kill(); // SIGKILL
            child.WaitForExit();
            Assert.Single(Directory.GetFiles(_dir, "*.tmp-*"));
            AssertLoads(path);
        }

        // A child saving in a loop, killed at whatever point it has reached.
        for (int round = 0; round < 3; round++)
        {
            using Process child = StartChild("save-loop", path);
            Assert.Equal("saved", child.StandardOutput.ReadLine());
            Thread.Sleep(20 * round);
            child.Kill();
            child.WaitForExit();
            Assert.InRange(Directory.GetFiles(_dir, "*.tmp-*").Length, 0, 1);
            var model = new DenseTestModel(300, 300);
            model.LoadWeights(path); // never torn
        }

        new DenseTestModel(300, 300).SaveWeights(path);
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp-*"));
    }

    private static void AssertLoads(string path)
    {
        var model = new DenseTestModel(100, 100, seed: 6);
        model.LoadWeights(path);
        Assert.NotEqual(7f, model.Parameters[0]); // the interrupted save (all 7s) never landed
    }

    /// <summary>Runs this test assembly's entry point (Helpers/Program.cs) as a child process.</summary>
    private static Process StartChild(string command, string path)
    {
        string assembly = typeof(Helpers.Program).Assembly.Location;
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h
            : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var info = new ProcessStartInfo(host) { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(assembly);
        info.ArgumentList.Add(command);
        info.ArgumentList.Add(path);
        return Process.Start(info)!;
    }

    /// <summary>A seekable stream over bytes that throws an IOException once <c>failAt</c> bytes have been read.</summary>
    private sealed class FailingReadStream(byte[] data, int failAt) : MemoryStream(data)
    {
        // MemoryStream routes span reads of a derived type through this overload.
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (Position + count > failAt) throw new IOException("Simulated read failure.");
            return base.Read(buffer, offset, count);
        }
    }
}
