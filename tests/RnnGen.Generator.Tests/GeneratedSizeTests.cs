namespace RnnGen.Generator.Tests;

/// <summary>
/// Code size grows with the cell's shape, never with Timesteps: every tier Auto picks stays within 300 KB of source
/// for models up to 256 units and 1,000 timesteps (emit time is measured in docs/benchmarks.md, not asserted here).
/// </summary>
public class GeneratedSizeTests
{
    private const int SourceLimit = 300 * 1024;

    public static TheoryData<string, int> Cells()
    {
        var data = new TheoryData<string, int>();
        foreach (string cell in new[] { "SimpleRnn", "Lstm", "Gru", "Gru(ResetAfter = false)" })
        {
            foreach (int units in new[] { 4, 13, 16, 32, 64, 128, 256 }) data.Add(cell, units);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void Source_stays_under_300_KB_up_to_256_units_and_1000_timesteps(string cell, int units)
    {
        string layer = cell.Contains('(') ? cell.Replace("(", $"({units}, ") : $"{cell}({units})";
        string source = $"using RnnGen;\n[RnnModel(1000, 8)]\n[{layer}]\n[Dense(4)]\npublic partial class M;";
        var (result, output) = GeneratorHarness.Run(source);

        string generated = Assert.Single(result.GeneratedTrees).ToString();
        Assert.True(generated.Length <= SourceLimit, $"{layer}: {generated.Length:N0} characters of source");
        Assert.Empty(GeneratorHarness.CompilationErrors(output));
    }

    [Fact]
    public void Forcing_the_vector_tier_on_a_cell_too_big_for_registers_still_compiles()
    {
        var (result, output) = GeneratorHarness.Run("using RnnGen;\n[RnnModel(5, 3, Unroll = UnrollMode.Vector)]\n[Lstm(256)]\n[Dense(1)]\npublic partial class M;");
        Assert.Single(result.GeneratedTrees);
        Assert.Empty(GeneratorHarness.CompilationErrors(output));
    }

    [Fact]
    public void Vector_tier_size_does_not_depend_on_timesteps()
    {
        static int Size(int timesteps) => GeneratorHarness.Run($"using RnnGen;\n[RnnModel({timesteps}, 8, Unroll = UnrollMode.Vector)]\n[Lstm(64)]\n[Dense(1)]\npublic partial class M;")
            .Result.GeneratedTrees.Single().ToString().Length;

        int small = Size(10), large = Size(1000);
        // Only the digits of the constant offsets differ.
        Assert.True(Math.Abs(large - small) < small / 100, $"T=10: {small} characters, T=1000: {large}");
    }
}
