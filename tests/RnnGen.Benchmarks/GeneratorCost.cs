using System.Collections.Immutable;
using System.Diagnostics;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace RnnGen.Benchmarks;

/// <summary>
/// The generator cost check (<c>--generator-cost</c>): for SimpleRnn, Lstm and both Grus from 4 to 256 units at 1,000
/// timesteps (the models <c>GeneratedSizeTests</c> holds to 300 KB), the size of the generated source and the time the
/// generator takes to emit it, run in-process over source text as the compiler runs it. Targets (issue 8): at most
/// 300 KB of source and under 1 s of emit per model. Timing is reported here, never asserted in a unit test.
/// </summary>
public static class GeneratorCost
{
    private const int SourceLimit = 300 * 1024;
    private static readonly TimeSpan EmitLimit = TimeSpan.FromSeconds(1);
    private const int Runs = 5;

    public static int Run()
    {
        IIncrementalGenerator generator = LoadGenerator();
        var parseOptions = new CSharpParseOptions(LanguageVersion.CSharp12);
        ImmutableArray<MetadataReference> references = References();
        var models = new List<(string Cell, int Units, string Unroll)>();
        foreach (string cell in new[] { "SimpleRnn", "Lstm", "Gru", "Gru(ResetAfter = false)" })
        {
            foreach (int units in new[] { 4, 16, 32, 64, 128, 256 }) models.Add((cell, units, "Auto"));
            foreach (int units in new[] { 64, 256 }) models.Add((cell, units, "Vector"));
        }

        Console.WriteLine($"| model (T = 1000, 8 features, + Dense(4)) | Unroll | source | first emit | emit (median of {Runs}) |");
        Console.WriteLine("|---|---|---|---|---|");
        bool within = true;
        foreach (var (cell, units, unroll) in models)
        {
            string layer = cell.Contains('(') ? cell.Replace("(", $"({units}, ") : $"{cell}({units})";
            string source = $"using RnnGen;\n[RnnModel(1000, 8{(unroll == "Auto" ? "" : $", Unroll = UnrollMode.{unroll}")})]\n[{layer}]\n[Dense(4)]\npublic partial class M;";
            CSharpCompilation compilation = CSharpCompilation.Create("Consumer",
                new[] { CSharpSyntaxTree.ParseText(source, parseOptions) }, references,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

            // Each run is a fresh driver, so nothing is cached: the transform, the plan and the whole emit run every time.
            var times = new List<TimeSpan>();
            int length = 0;
            for (int run = 0; run <= Runs; run++)
            {
                GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { generator.AsSourceGenerator() }, parseOptions: parseOptions);
                // Timed: the generator run and the generated text materialized (conservative: the text may be produced lazily).
                var stopwatch = Stopwatch.StartNew();
                driver = driver.RunGenerators(compilation);
                length = driver.GetRunResult().GeneratedTrees.Single().ToString().Length;
                stopwatch.Stop();
                times.Add(stopwatch.Elapsed);
            }

            TimeSpan first = times[0];
            var warm = times.Skip(1).OrderBy(t => t).ToList();
            TimeSpan median = warm[warm.Count / 2];
            bool ok = length <= SourceLimit && median < EmitLimit;
            within &= ok;
            Console.WriteLine($"| {layer} | {unroll} | {length / 1024.0:F0} KB | {first.TotalMilliseconds:F0} ms | {median.TotalMilliseconds:F0} ms{(ok ? "" : " **over**")} |");
        }

        Console.WriteLine(within
            ? "Every model is within 300 KB of source and 1 s of emit (the first emit includes the generator's JIT)."
            : "Some model is over 300 KB of source or 1 s of emit.");
        return within ? 0 : 1;
    }

    /// <summary>The generator assembly the analyzer reference builds (Release, netstandard2.0), found from the repository root.</summary>
    private static IIncrementalGenerator LoadGenerator()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "RnnGen.sln"))) directory = Path.GetDirectoryName(directory);
        if (directory is null) throw new InvalidOperationException("Run from inside the repository: RnnGen.sln not found above " + AppContext.BaseDirectory);
        string path = Path.Combine(directory, "generator", "RnnGen.Generator", "bin", "Release", "netstandard2.0", "RnnGen.Generator.dll");
        Type type = Assembly.LoadFrom(path).GetType("RnnGen.Generator.RnnModelGenerator", throwOnError: true)!;
        return (IIncrementalGenerator)Activator.CreateInstance(type)!;
    }

    private static ImmutableArray<MetadataReference> References()
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return paths
            .Where(p => Path.GetFileName(p) is var name && (name.StartsWith("System.", StringComparison.Ordinal) || name is "mscorlib.dll" or "netstandard.dll"))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .Append(MetadataReference.CreateFromFile(typeof(RnnModelAttribute).Assembly.Location))
            .ToImmutableArray();
    }
}
