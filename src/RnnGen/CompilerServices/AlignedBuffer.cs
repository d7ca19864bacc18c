using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RnnGen.CompilerServices;

/// <summary>
/// A float buffer whose first element sits on a 64-byte boundary: one cache line, one <c>Vector512</c>. Generated models
/// keep their parameters, gradients, state and caches in these, so the vector loads at constant offsets into them never
/// straddle two cache lines. An ordinary <c>float[]</c> starts wherever the allocator put it (8-byte aligned), and a
/// model whose weights start 8 bytes past a line runs up to 1.3x slower than the same model aligned (see
/// docs/benchmarks.md). The array lives on the pinned object heap, so the alignment holds for its whole life.
/// </summary>
public readonly struct AlignedBuffer
{
    /// <summary>The alignment in bytes.</summary>
    public const int Alignment = 64;

    /// <summary>The floats of slack an aligned slice of unaligned memory needs: 15 (see <see cref="Align"/>).</summary>
    public const int Slack = Alignment / sizeof(float) - 1;

    private readonly float[] _array;
    private readonly int _offset;
    private readonly int _length;

    /// <summary>Allocates <paramref name="length"/> zeroed floats starting on a 64-byte boundary.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative.</exception>
    public AlignedBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _array = GC.AllocateArray<float>(length + Slack, pinned: true);
        _offset = AlignedOffset(ref MemoryMarshal.GetArrayDataReference(_array));
        _length = length;
    }

    /// <summary>The number of floats; 0 for <c>default(AlignedBuffer)</c>, which holds no array yet.</summary>
    public int Length => _length;

    /// <summary>The floats, starting on a 64-byte boundary; empty for <c>default(AlignedBuffer)</c>.</summary>
    public Span<float> Span
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _array is null
            ? default
            : MemoryMarshal.CreateSpan(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_array), _offset), _length);
    }

    /// <summary>
    /// The first <paramref name="length"/> floats of <paramref name="buffer"/>, after replacing it with a new, zeroed
    /// buffer of <paramref name="length"/> floats when it is shorter (what it held is not kept): a workspace allocated on
    /// first use, or grown to the largest request, such as a thread's <c>[ThreadStatic]</c> Predict buffer.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Span<float> Reserve(ref AlignedBuffer buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new AlignedBuffer(length);
        }

        return buffer.Span.Slice(0, length);
    }

    /// <summary>
    /// The 64-byte aligned <paramref name="length"/> floats inside <paramref name="memory"/>, which must be at least
    /// <paramref name="length"/> + <see cref="Slack"/> floats of memory that does not move (a <c>stackalloc</c>): how a generated
    /// <c>Predict</c> aligns its stack workspace.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="memory"/> is shorter than <paramref name="length"/> + <see cref="Slack"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Span<float> Align(Span<float> memory, int length)
    {
        if (memory.Length < length + Slack)
        {
            ThrowShort(memory.Length, length);
        }

        return memory.Slice(AlignedOffset(ref MemoryMarshal.GetReference(memory)), length);
    }

    /// <summary>How many floats past <paramref name="first"/> the next 64-byte boundary is (0 to 15).</summary>
    private static unsafe int AlignedOffset(ref float first) =>
        (int)((Alignment - ((nuint)Unsafe.AsPointer(ref first) & (Alignment - 1))) & (Alignment - 1)) / sizeof(float);

    private static void ThrowShort(int actual, int length) =>
        throw new ArgumentException(
            $"Expected at least {length + Slack} floats ({length} plus {Slack} of slack for the alignment), but got {actual}.", "memory");
}
