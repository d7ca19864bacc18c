using RnnGen.CompilerServices;
using RnnGen.Tests.Reference;

namespace RnnGen.Tests.Runtime;

/// <summary>
/// <see cref="Dropout"/>'s masks are the ones <c>tests/reference/dropout_masks.py</c> draws (the masks every dropout
/// fixture was computed with): <see cref="Dropout.Fill"/>, <see cref="Dropout.Element"/> and <see cref="Dropout.FillLanes"/>
/// reproduce each draw of <c>dropout.json</c> bit for bit, including seed 2^64 - 1, large sequences and streams, and rates
/// 0, 0.25, 0.3 (not a float32 value), 0.5 and 0.9. A kept element is Keras's <c>1 / (1 - rate)</c>, the kept fraction is
/// <c>1 - rate</c>, and a rate outside [0, 1) is refused.
/// </summary>
public class DropoutMaskTests
{
    public static TheoryData<MaskDraw> Draws() => [.. Fixtures.DropoutMaskDraws()];

    [Theory]
    [MemberData(nameof(Draws))]
    public void Fill_reproduces_the_reference_draw(MaskDraw draw)
    {
        int count = draw.Values.Length;
        var mask = new float[count];
        Dropout.Fill(mask, count, 1, (float)draw.Rate, draw.Seed, draw.Sequence, draw.Stream);
        AssertDraw(draw, mask, "Fill");

        // a strided fill writes the same elements every stride-th float and leaves the rest alone
        var strided = new float[3 * count];
        Array.Fill(strided, -7f);
        Dropout.Fill(strided.AsSpan(1), count, 3, (float)draw.Rate, draw.Seed, draw.Sequence, draw.Stream);
        for (int e = 0; e < count; e++)
        {
            Assert.Equal((float)draw.Values[e], strided[1 + 3 * e]);
            Assert.Equal(-7f, strided[3 * e]);
            if (3 * e + 2 < strided.Length) Assert.Equal(-7f, strided[3 * e + 2]);
        }
    }

    [Theory]
    [MemberData(nameof(Draws))]
    public void Element_reproduces_the_reference_draw(MaskDraw draw)
    {
        var mask = new float[draw.Values.Length];
        for (int e = 0; e < mask.Length; e++) mask[e] = Dropout.Element((float)draw.Rate, draw.Seed, draw.Sequence, draw.Stream, e);
        AssertDraw(draw, mask, "Element");
    }

    [Theory]
    [MemberData(nameof(Draws))]
    public void FillLanes_puts_the_draw_in_lane_zero_and_keeps_the_unused_lanes(MaskDraw draw)
    {
        const int Lanes = 3;
        int length = draw.Values.Length;
        var laneMask = new float[length * Lanes];
        Array.Fill(laneMask, -7f);
        Dropout.FillLanes(laneMask, length, Lanes, 1, (float)draw.Rate, draw.Seed, draw.Sequence, draw.Stream);
        for (int e = 0; e < length; e++)
        {
            Assert.Equal((float)draw.Values[e], laneMask[e * Lanes]);
            for (int lane = 1; lane < Lanes; lane++) Assert.Equal(1f, laneMask[e * Lanes + lane]);
        }
    }

    [Fact]
    public void FillLanes_gives_lane_i_the_mask_of_sequence_plus_i()
    {
        // the fixture's draws at consecutive sequences with the same rate, seed and stream are one lane group
        IReadOnlyList<MaskDraw> draws = Fixtures.DropoutMaskDraws();
        MaskDraw[] group = [.. draws.Where(d => d.Seed == 12345 && d.Stream == draws[1].Stream).OrderBy(d => d.Sequence)];
        Assert.Equal(3, group.Length);
        Assert.All(group, d => Assert.Equal(group[0].Sequence + Array.IndexOf(group, d), d.Sequence));

        const int Lanes = 4;
        int length = group[0].Values.Length;
        var laneMask = new float[length * Lanes];
        Dropout.FillLanes(laneMask, length, Lanes, group.Length, (float)group[0].Rate, group[0].Seed, group[0].Sequence, group[0].Stream);
        for (int e = 0; e < length; e++)
        {
            for (int lane = 0; lane < group.Length; lane++) Assert.Equal((float)group[lane].Values[e], laneMask[e * Lanes + lane]);
            Assert.Equal(1f, laneMask[e * Lanes + Lanes - 1]);
        }
    }

    [Fact]
    public void The_draws_cover_the_edge_rates_and_the_large_numbers()
    {
        IReadOnlyList<MaskDraw> draws = Fixtures.DropoutMaskDraws();
        Assert.Superset(new HashSet<double>([0, 0.25, 0.5, 0.9]), draws.Select(d => d.Rate).ToHashSet());
        Assert.Contains(draws, d => d.Seed == ulong.MaxValue);
        Assert.Contains(draws, d => d.Sequence > int.MaxValue);
        Assert.Contains(draws, d => d.Stream > ushort.MaxValue / 2);
        Assert.Contains(draws, d => (float)d.Rate != d.Rate); // 0.3: the threshold comes from the float32 rate
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1f)]
    [InlineData(1.5f)]
    [InlineData(float.NaN)]
    [InlineData(float.NegativeInfinity)]
    public void Fill_rejects_a_rate_outside_zero_to_one(float rate)
    {
        var mask = new float[4];
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Dropout.Fill(mask, 4, 1, rate, 1, 0, 0));
        Assert.Equal("rate", error.ParamName);
    }

    [Theory]
    [InlineData(0.1f)]
    [InlineData(0.25f)]
    [InlineData(0.5f)]
    [InlineData(0.9f)]
    public void The_kept_fraction_is_one_minus_the_rate(float rate)
    {
        const int Count = 100_000;
        var mask = new float[Count];
        Dropout.Fill(mask, Count, 1, rate, 0xC0FFEE, 17, Dropout.Stream(2, Dropout.RecurrentPart, 1));
        int kept = 0;
        foreach (float m in mask)
        {
            if (m != 0f)
            {
                Assert.Equal(1f / (1f - rate), m);
                kept++;
            }
        }

        double fraction = kept / (double)Count;
        Assert.True(Math.Abs(fraction - (1 - rate)) <= 0.01, $"rate {rate}: kept {fraction:F4}, expected {1 - rate:F4} within 0.01");
    }

    [Fact]
    public void Rate_zero_keeps_every_element_at_one()
    {
        const int Count = 10_000;
        var mask = new float[Count];
        Dropout.Fill(mask, Count, 1, 0f, ulong.MaxValue, long.MaxValue, int.MaxValue);
        Assert.All(mask, m => Assert.Equal(1f, m));
        Assert.Equal(1f, Dropout.Element(0f, 3, -5, 7, 123));
    }

    private static void AssertDraw(MaskDraw draw, float[] mask, string what)
    {
        float kept = Dropout.Scale((float)draw.Rate);
        for (int e = 0; e < mask.Length; e++)
        {
            Assert.True((float)draw.Values[e] == mask[e], $"{what}, {draw}: element {e} expected {draw.Values[e]:R}, got {mask[e]:R}");
            Assert.True(mask[e] == 0f || mask[e] == kept, $"{what}, {draw}: element {e} is {mask[e]:R}, neither 0 nor {kept:R}");
        }
    }
}
