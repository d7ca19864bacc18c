using System.Numerics.Tensors;

namespace RnnGen.CompilerServices;

/// <summary>
/// Keras's dropout masks (one mask per sequence, inverted scaling: an element is 0 with probability <c>rate</c>, else
/// <c>1 / (1 - rate)</c>), drawn by a counter-based generator: element <c>e</c> of a mask depends only on
/// <c>(seed, sequence, stream, e)</c>. So a sample's masks are the same on every thread, replica and parallelism degree,
/// in the generated models and the dynamic layers, and reproducible outside .NET (<c>tests/reference/dropout_masks.py</c>).
/// </summary>
/// <remarks>
/// <para>
/// The generator: <c>mix</c> is SplitMix64's finalizer and <c>φ = 0x9E3779B97F4A7C15</c>;
/// <c>key = mix(mix(mix(seed + φ) + sequence · φ) + stream · φ)</c>; element <c>e</c> draws
/// <c>u = mix(key + (e + 1) · φ) >> 40</c>, 24 uniform bits, and is dropped when <c>u &lt; ⌊rate · 2^24⌋</c>.
/// </para>
/// <para>
/// Streams (<see cref="Stream"/>): a model's masks are told apart by the layer (its index in <c>Layers</c>), the part and
/// a mask index. A recurrent layer's input dropout is <see cref="InputPart"/> (<see cref="BackwardInputPart"/> for the
/// backward direction of a bidirectional layer), its recurrent dropout <see cref="RecurrentPart"/>
/// (<see cref="BackwardRecurrentPart"/>); the mask index is the gate when Keras draws one mask per gate (recurrent
/// dropout makes Keras 3 use <c>implementation=1</c>), else 0. A <c>[Dropout]</c> layer is <see cref="LayerPart"/> of
/// the layer before it (layer -1 when it comes first).
/// </para>
/// </remarks>
public static class Dropout
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    /// <summary>The part of a <c>[Dropout]</c> layer, after the layer it is numbered by.</summary>
    public const int LayerPart = 0;
    /// <summary>The part of a recurrent layer's input dropout (Keras <c>dropout</c>).</summary>
    public const int InputPart = 1;
    /// <summary>The part of a recurrent layer's recurrent dropout (Keras <c>recurrent_dropout</c>).</summary>
    public const int RecurrentPart = 2;
    /// <summary>The backward direction's input dropout, in a bidirectional layer.</summary>
    public const int BackwardInputPart = 3;
    /// <summary>The backward direction's recurrent dropout, in a bidirectional layer.</summary>
    public const int BackwardRecurrentPart = 4;

    /// <summary>The stream of mask <paramref name="index"/> of <paramref name="part"/> of layer <paramref name="layer"/>.</summary>
    public static int Stream(int layer, int part, int index) => 256 * (layer + 1) + 16 * part + index;

    /// <summary>The value of a kept element: Keras's inverted scaling, <c>1 / (1 - rate)</c>.</summary>
    public static float Scale(float rate) => 1f / (1f - rate);

    /// <summary>
    /// Writes the mask of <paramref name="count"/> elements for (<paramref name="seed"/>, <paramref name="sequence"/>,
    /// <paramref name="stream"/>): element <c>e</c> at <c>mask[e * stride]</c>, 0 or <see cref="Scale"/>.
    /// </summary>
    public static void Fill(Span<float> mask, int count, int stride, float rate, ulong seed, long sequence, int stream)
    {
        if (count < 0 || stride < 1 || (count > 0 && mask.Length < (count - 1) * stride + 1)) Guard.ThrowBadSlice();
        if (!(rate >= 0f && rate < 1f)) throw new ArgumentOutOfRangeException(nameof(rate), rate, $"A dropout rate must be in [0, 1); got {rate}.");
        uint threshold = Threshold(rate);
        float kept = Scale(rate);
        ulong key = Key(seed, sequence, stream);
        for (int e = 0; e < count; e++)
        {
            mask[e * stride] = Draw(key, e) < threshold ? 0f : kept;
        }
    }

    /// <summary>
    /// The masks of a lane group: lane <c>i &lt; count</c> is sequence <c>sequence + i</c>, its element <c>e</c> at
    /// <c>laneMask[e * lanes + i]</c> (the lane layout of <see cref="Lanes"/>); lanes past <paramref name="count"/> keep every element.
    /// </summary>
    public static void FillLanes(Span<float> laneMask, int length, int lanes, int count, float rate, ulong seed, long sequence, int stream)
    {
        if (laneMask.Length < length * lanes || count > lanes) Guard.ThrowBadSlice();
        for (int i = 0; i < lanes; i++)
        {
            if (i < count) Fill(laneMask.Slice(i), length, lanes, rate, seed, sequence + i, stream);
            else for (int e = 0; e < length; e++) laneMask[e * lanes + i] = 1f;
        }
    }

    /// <summary><c>y = x ⊙ mask</c>, element by element (a dropped copy in Forward; the gradient through it in Backward).</summary>
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> mask, Span<float> y) => TensorPrimitives.Multiply(x, mask, y);

    /// <summary>A mask's element from the generator alone: what <see cref="Fill"/> writes at element <paramref name="element"/>.</summary>
    public static float Element(float rate, ulong seed, long sequence, int stream, int element) =>
        Draw(Key(seed, sequence, stream), element) < Threshold(rate) ? 0f : Scale(rate);

    /// <summary>The key of one mask: <c>mix(mix(mix(seed + φ) + sequence · φ) + stream · φ)</c>.</summary>
    private static ulong Key(ulong seed, long sequence, int stream) => Mix(Mix(Mix(seed + Golden) + (ulong)sequence * Golden) + (ulong)stream * Golden);

    /// <summary>Element <paramref name="element"/>'s 24 uniform bits: <c>mix(key + (e + 1) · φ) >> 40</c>.</summary>
    private static uint Draw(ulong key, int element) => (uint)(Mix(key + (ulong)(element + 1) * Golden) >> 40);

    /// <summary>Draws below <c>⌊rate · 2^24⌋</c> are dropped.</summary>
    private static uint Threshold(float rate) => (uint)((double)rate * 16777216.0);

    /// <summary>SplitMix64's finalizer.</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
