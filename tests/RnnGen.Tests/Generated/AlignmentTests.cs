using RnnGen.CompilerServices;
using RnnGen.Dynamic;
using RnnGen.Tests.Reference;

namespace RnnGen.Tests.Generated;

/// <summary>
/// Weights, gradients and caches start on a 64-byte boundary (see <see cref="AlignedBuffer"/>): a model whose weights
/// started 8 bytes past a cache line measured up to 1.3x slower, and which one a user got depended on the allocator.
/// </summary>
public class AlignmentTests
{
    private static unsafe long Misalignment(Span<float> span)
    {
        fixed (float* first = span) return (long)first % AlignedBuffer.Alignment;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(1000)]
    public void A_buffer_starts_on_a_cache_line_and_holds_exactly_its_length_of_zeros(int length)
    {
        // many in a row, so the allocator hands out every misalignment of the arrays underneath
        for (int i = 0; i < 40; i++)
        {
            var buffer = new AlignedBuffer(length);
            Assert.Equal(length, buffer.Length);
            Assert.Equal(length, buffer.Span.Length);
            Assert.All(buffer.Span.ToArray(), value => Assert.Equal(0f, value));
            if (length > 0) Assert.Equal(0, Misalignment(buffer.Span));
        }
    }

    [Fact]
    public void The_default_buffer_is_empty()
    {
        AlignedBuffer buffer = default;
        Assert.Equal(0, buffer.Length);
        Assert.True(buffer.Span.IsEmpty);
    }

    [Fact]
    public void A_negative_length_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AlignedBuffer(-1));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(17)]
    [InlineData(40)]
    public void Align_slices_stack_memory_on_a_cache_line(int length)
    {
        // stack frames at different depths start at different misalignments
        Assert.True(AlignedAt(length, depth: 8));
    }

    private static bool AlignedAt(int length, int depth)
    {
        Span<float> memory = stackalloc float[length + AlignedBuffer.Slack + depth];
        Span<float> aligned = AlignedBuffer.Align(memory, length);
        bool ok = aligned.Length == length && Misalignment(aligned) == 0;
        return depth == 0 ? ok : ok && AlignedAt(length, depth - 1);
    }

    [Fact]
    public void Align_refuses_memory_without_the_slack_and_names_both_lengths()
    {
        var error = Assert.Throws<ArgumentException>(() => AlignedBuffer.Align(new float[20], 10));
        Assert.Contains("at least 25 floats", error.Message);
        Assert.Contains("got 20", error.Message);
    }

    [Fact]
    public void Reserve_allocates_on_first_use_reuses_what_is_long_enough_and_grows_what_is_not()
    {
        AlignedBuffer buffer = default;
        Span<float> first = AlignedBuffer.Reserve(ref buffer, 10);
        Assert.Equal(10, first.Length);
        Assert.Equal(0, Misalignment(first));
        first[0] = 7f;

        Span<float> shorter = AlignedBuffer.Reserve(ref buffer, 4);
        Assert.Equal(4, shorter.Length);
        Assert.True(shorter.Overlaps(first, out int offset) && offset == 0); // the same buffer, not a new one
        Assert.Equal(7f, shorter[0]);

        Span<float> longer = AlignedBuffer.Reserve(ref buffer, 100);
        Assert.Equal(100, longer.Length);
        Assert.Equal(100, buffer.Length);
        Assert.Equal(0, Misalignment(longer));
        Assert.All(longer.ToArray(), value => Assert.Equal(0f, value)); // a new, zeroed buffer
    }

    [Fact]
    public void A_generated_model_and_its_replica_keep_parameters_and_gradients_aligned()
    {
        for (int i = 0; i < 20; i++)
        {
            var model = new SrnnStacked(seed: i);
            IBatchModel replica = model.CreateReplica();
            Assert.Equal(0, Misalignment(model.Parameters));
            Assert.Equal(0, Misalignment(model.Gradients));
            Assert.Equal(0, Misalignment(replica.Gradients));
            Assert.True(replica.Parameters.Overlaps(model.Parameters, out int offset) && offset == 0);
        }
    }

    [Fact]
    public void The_dynamic_layers_keep_parameters_and_gradients_aligned()
    {
        for (int i = 0; i < 20; i++)
        {
            var model = new Sequential(5, 3, i, new LstmLayer(7), new DenseLayer(2));
            Assert.Equal(0, Misalignment(model.Parameters));
            Assert.Equal(0, Misalignment(model.Gradients));
        }
    }
}
