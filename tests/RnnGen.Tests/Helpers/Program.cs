using RnnGen.Tests.Runtime;

namespace RnnGen.Tests.Helpers;

/// <summary>
/// The test assembly's entry point, used only as a child process by tests that must kill a real process
/// (<c>dotnet RnnGen.Tests.dll &lt;command&gt; ...</c>). The test runner never calls it.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        switch (args)
        {
            // Saves once, then starts a second save that stops half-way and waits to be killed.
            case ["hang-mid-save", string path]:
            {
                var model = new DenseTestModel(100, 100, seed: 3);
                model.SaveWeights(path);
                model.Parameters.Fill(7f);
                WeightFiles.SaveWeights(model, path, stream => new HangingStream(stream, hangAfter: 4096));
                return 1; // unreachable: HangingStream never returns
            }

            // Saves in a loop until killed.
            case ["save-loop", string path]:
            {
                var model = new DenseTestModel(300, 300, seed: 4);
                for (int i = 0; ; i++)
                {
                    model.Parameters[0] = i;
                    model.SaveWeights(path);
                    if (i == 0) Console.WriteLine("saved");
                }
            }

            // Trains the determinism test's model and prints the hash of its weights.
            case ["train-hash"]:
                Console.WriteLine(TrainingHardeningTests.TrainAndHash());
                return 0;

            default:
                return 2;
        }
    }

    /// <summary>Passes <c>hangAfter</c> bytes through, flushes them, says "hanging" on stdout and blocks forever.</summary>
    private sealed class HangingStream(Stream inner, int hangAfter) : Stream
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
            int room = hangAfter - _written;
            if (buffer.Length >= room)
            {
                inner.Write(buffer[..Math.Max(room, 0)]);
                inner.Flush();
                Console.WriteLine("hanging");
                Thread.Sleep(Timeout.Infinite);
            }

            inner.Write(buffer);
            _written += buffer.Length;
        }
    }
}
