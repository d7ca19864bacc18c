using System.Buffers.Binary;
using System.Text;

namespace RnnGen.Tests.Runtime;

public sealed class WeightFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rnngen-weights-").FullName;

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

    private static (string Header, byte[] Data) Split(byte[] file)
    {
        int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        return (Encoding.UTF8.GetString(file, 8, n), file[(8 + n)..]);
    }

    private WeightFileException LoadFails(byte[] file)
    {
        string path = PathOf("bad.safetensors");
        File.WriteAllBytes(path, file);
        var model = new DenseTestModel(5, 3, seed: 9);
        float[] before = model.Parameters.ToArray();
        var e = Assert.Throws<WeightFileException>(() => model.LoadWeights(path));
        Assert.Equal(before, model.Parameters.ToArray()); // never half-loads
        return e;
    }

    private byte[] Saved()
    {
        string path = PathOf("good.safetensors");
        new DenseTestModel(5, 3, seed: 1).SaveWeights(path);
        return File.ReadAllBytes(path);
    }

    [Fact]
    public void Round_trip_is_bit_exact()
    {
        var a = new DenseTestModel(5, 3, seed: 1);
        a.Parameters[0] = float.Epsilon;
        a.Parameters[1] = -0f;
        string path = PathOf("w.safetensors");
        a.SaveWeights(path);
        var b = new DenseTestModel(5, 3, seed: 2);
        b.LoadWeights(path);
        Assert.Equal(
            Array.ConvertAll(a.Parameters.ToArray(), BitConverter.SingleToInt32Bits),
            Array.ConvertAll(b.Parameters.ToArray(), BitConverter.SingleToInt32Bits));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp-*"));
    }

    [Fact]
    public void File_is_safetensors_with_keras_names_and_padded_header()
    {
        (string header, byte[] data) = Split(Saved());
        Assert.Equal(0, Encoding.UTF8.GetByteCount(header) % 8);
        Assert.StartsWith("{\"__metadata__\":{\"format\":\"rnngen\"},\"dense/kernel\":{\"dtype\":\"F32\",\"shape\":[5,3],\"data_offsets\":[0,60]},\"dense/bias\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[60,72]}}", header);
        Assert.Equal(72, data.Length);
    }

    [Fact]
    public void Truncated_file_is_refused()
    {
        byte[] file = Saved();
        Assert.Contains("truncated", LoadFails(file[..^4]).Message);
        Assert.Contains("8-byte", LoadFails(file[..5]).Message);
    }

    [Fact]
    public void Flipped_bytes_in_the_header_are_refused()
    {
        byte[] file = Saved();
        file[9] ^= 0xFF; // inside the JSON
        Assert.Contains("not valid JSON", LoadFails(file).Message);
    }

    [Fact]
    public void Wrong_shape_names_the_tensor_and_both_shapes()
    {
        (string header, byte[] data) = Split(Saved());
        string e = LoadFails(WithHeader(header.Replace("[5,3]", "[3,5]"), data)).Message;
        Assert.Contains("'dense/kernel'", e);
        Assert.Contains("[3, 5]", e);
        Assert.Contains("expected [5, 3]", e);
    }

    [Fact]
    public void Unknown_or_missing_tensor_is_refused()
    {
        (string header, byte[] data) = Split(Saved());
        Assert.Contains("unknown tensor 'dense_1/bias'", LoadFails(WithHeader(header.Replace("dense/bias", "dense_1/bias"), data)).Message);
        string noBias = "{\"dense/kernel\":{\"dtype\":\"F32\",\"shape\":[5,3],\"data_offsets\":[0,60]}}";
        Assert.Contains("missing tensor 'dense/bias'", LoadFails(WithHeader(noBias, data[..60])).Message);
    }

    [Fact]
    public void Wrong_dtype_is_refused()
    {
        (string header, byte[] data) = Split(Saved());
        Assert.Contains("dtype 'F16'", LoadFails(WithHeader(header.Replace("\"F32\"", "\"F16\""), data)).Message);
    }

    [Fact]
    public void Overlapping_offsets_are_refused()
    {
        (string header, byte[] data) = Split(Saved());
        Assert.Contains("contiguous", LoadFails(WithHeader(header.Replace("[60,72]", "[48,60]"), data)).Message);
    }

    [Fact]
    public void Huge_header_length_is_refused_without_allocating_it()
    {
        byte[] file = Saved();
        BinaryPrimitives.WriteUInt64LittleEndian(file, 8UL << 30); // claims 8 GB
        Assert.Contains("limit", LoadFails(file).Message);
        BinaryPrimitives.WriteUInt64LittleEndian(file, 1000);
        Assert.Contains("only", LoadFails(file).Message);
    }

    [Fact]
    public void Crash_mid_write_leaves_the_previous_file_intact()
    {
        string path = PathOf("w.safetensors");
        var model = new DenseTestModel(5, 3, seed: 1);
        model.SaveWeights(path);
        byte[] before = File.ReadAllBytes(path);

        model.Parameters.Fill(42f);
        Assert.Throws<IOException>(() => WeightFiles.SaveWeights(model, path, s => new CrashingStream(s, crashAfter: 100)));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp-*"));
        var reloaded = new DenseTestModel(5, 3, seed: 3);
        reloaded.LoadWeights(path);
        Assert.Equal(new DenseTestModel(5, 3, seed: 1).Parameters.ToArray(), reloaded.Parameters.ToArray());
    }

    /// <summary>Passes writes through, then fails like a full disk or a killed process after <c>crashAfter</c> bytes.</summary>
    private sealed class CrashingStream(Stream inner, int crashAfter) : Stream
    {
        private int _written;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _written; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            int room = crashAfter - _written;
            if (buffer.Length > room)
            {
                inner.Write(buffer[..Math.Max(room, 0)]);
                _written = crashAfter;
                throw new IOException("Simulated crash mid-write.");
            }

            inner.Write(buffer);
            _written += buffer.Length;
        }
    }
}
