using System.Text;
using Microsoft.CodeAnalysis;
using Xunit.Abstractions;

namespace RnnGen.Generator.Tests;

/// <summary>
/// Random declarations through the generator in-process: random layer stacks, extreme and invalid numbers, keyword
/// and unicode names, nesting, names that differ only in case. The generator must never throw; every declaration the
/// fuzzer's own rules call invalid must get an RNNG error in its file; every valid one must generate and compile.
/// </summary>
public class FuzzTests(ITestOutputHelper output)
{
    private const int Declarations = 520;
    private const int PerCompilation = 40;

    private static readonly string[] Kinds = ["SimpleRnn", "Lstm", "Gru", "Dense", "Embedding"];
    private static readonly string[] Activations = ["Linear", "Tanh", "Sigmoid", "Relu", "Softmax"];
    private static readonly string[] Names = ["M", "Model", "model", "@class", "@event", "@record", "@var", "Модель", "名前", "Ünï", "_x", "Guard", "Random", "Span"];
    private static readonly string[] Namespaces = ["", "Fuzz", "@namespace", "A.B.C", "Модели", "@event.@class"];

    /// <summary>Full names already used in a shared namespace (a duplicate type would be the fuzzer's own error).</summary>
    private static readonly HashSet<string> s_taken = new(StringComparer.Ordinal);

    /// <summary>One declaration and the fuzzer's verdict on it.</summary>
    private sealed record Case(int Index, string Source, bool Valid, string Why);

    [Fact]
    public void Five_hundred_twenty_random_declarations_never_throw_and_are_either_diagnosed_or_compile()
    {
        var random = new System.Random(20261201);
        var cases = Enumerable.Range(0, Declarations).Select(i => Generate(random, i)).ToList();
        int valid = 0, invalid = 0;
        var failures = new List<string>();
        foreach (Case[] batch in cases.Chunk(PerCompilation))
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var (result, compilation) = GeneratorHarness.Run(batch.Select(c => c.Source).ToArray());
            long generate = watch.ElapsedMilliseconds;
            Assert.All(result.Results, r => Assert.Null(r.Exception));
            Assert.DoesNotContain(result.Diagnostics, d => d.Id is "CS8784" or "CS8785" or "RNNG020");
            Diagnostic[] compileErrors = GeneratorHarness.CompilationErrors(compilation).ToArray();
            output.WriteLine($"batch {batch[0].Index}: generate {generate} ms, compile {watch.ElapsedMilliseconds - generate} ms, {result.GeneratedTrees.Sum(t => t.Length)} chars");

            foreach (Case c in batch)
            {
                string file = $"Model{Array.IndexOf(batch, c)}.cs";
                bool rnngError = result.Diagnostics.Any(d => d.Id.StartsWith("RNNG", StringComparison.Ordinal) && d.Severity == DiagnosticSeverity.Error && d.Location.GetLineSpan().Path == file);
                if (c.Valid)
                {
                    valid++;
                    if (rnngError) failures.Add($"#{c.Index} valid but diagnosed: {string.Join("; ", result.Diagnostics.Where(d => d.Location.GetLineSpan().Path == file))}\n{c.Source}");
                    IEnumerable<Diagnostic> own = compileErrors.Where(d => d.Location.GetLineSpan().Path == file);
                    if (own.Any()) failures.Add($"#{c.Index} valid but its file has errors: {string.Join("; ", own)}\n{c.Source}");
                }
                else
                {
                    invalid++;
                    if (!rnngError) failures.Add($"#{c.Index} invalid ({c.Why}) but no RNNG error\n{c.Source}");
                }
            }

            // Generated code never has an error, whatever else the batch contains.
            foreach (Diagnostic error in compileErrors.Where(d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true))
            {
                failures.Add($"generated code does not compile: {error}");
            }

            int expectedTrees = batch.Count(c => c.Valid);
            if (result.GeneratedTrees.Length != expectedTrees) failures.Add($"batch of #{batch[0].Index}: {result.GeneratedTrees.Length} generated files for {expectedTrees} valid models");
        }

        output.WriteLine($"{valid} valid, {invalid} invalid declarations");
        Assert.True(failures.Count == 0, string.Join("\n\n", failures.Take(10)));
        Assert.InRange(valid, Declarations / 5, Declarations);
        Assert.InRange(invalid, Declarations / 5, Declarations);
    }

    /// <summary>A random declaration in its own file, and whether RnnGen's rules accept it.</summary>
    private static Case Generate(System.Random random, int index)
    {
        var why = new List<string>();
        long Dimension()
        {
            return random.Next(64) switch
            {
                0 => 0,
                1 => -random.Next(1, 5),
                2 => int.MaxValue,
                3 => 65_537,
                < 12 => random.Next(1, 64),
                _ => random.Next(1, 6),
            };
        }

        long timesteps = Dimension(), features = Dimension();
        if (timesteps < 1 || features < 1) why.Add("shape not positive");
        if (timesteps > 65_536 || features > 65_536) why.Add("shape over limit");
        string unroll = random.Next(4) switch { 0 => "Full", 1 => "Loops", _ => "Auto" };

        int layerCount = random.Next(20) == 0 ? 0 : random.Next(1, 4);
        if (layerCount == 0) why.Add("no layers");
        var layers = new StringBuilder();
        bool sequence = true;
        long width = features;
        long vocabulary = 0;
        long macs = 0;
        for (int i = 0; i < layerCount; i++)
        {
            string kind = Kinds[random.Next(random.Next(6) == 0 ? 5 : 4)];
            long units = Dimension();
            bool recurrent = kind is "SimpleRnn" or "Lstm" or "Gru";
            if (kind == "Embedding")
            {
                vocabulary = random.Next(6) == 0 ? 16_777_217 : random.Next(1, 40);
                long outputDim = random.Next(3) == 0 ? units : features; // mostly consistent with features
                layers.Append($"[Embedding({vocabulary}, {outputDim})] ");
                if (i != 0) why.Add("embedding not first");
                if (outputDim < 1) why.Add("outputDim not positive");
                if (outputDim > 65_536) why.Add("outputDim over limit");
                if (vocabulary > 16_777_216) why.Add("vocabulary over 2^24");
                if (i == 0 && outputDim >= 1 && features >= 1 && outputDim != features) why.Add("features != outputDim");
                width = outputDim;
                sequence = true;
                continue;
            }

            var options = new List<string>();
            int activation = random.Next(30) == 0 ? 7 : kind == "Dense" || random.Next(6) > 0 ? random.Next(4) : 4;
            if (random.Next(2) == 0) options.Add(activation == 7 ? "Activation = (Activation)7" : "Activation = Activation." + Activations[activation]);
            else activation = kind == "Dense" ? 0 : 1;
            bool returnSequences = recurrent && random.Next(4) > 0;
            if (returnSequences) options.Add("ReturnSequences = true");
            if (random.Next(4) == 0) options.Add("UseBias = false");
            if (recurrent && random.Next(4) == 0) options.Add("GoBackwards = true");
            if (kind == "Gru" && random.Next(3) == 0) options.Add("ResetAfter = false");
            if (recurrent && random.Next(4) == 0)
            {
                bool bad = random.Next(8) == 0;
                options.Add(bad ? "Dropout = 1f" : "Dropout = 0.3f");
                if (bad) why.Add("dropout rate 1");
            }

            if (recurrent && random.Next(4) == 0) options.Add("RecurrentDropout = 0.2f");
            layers.Append($"[{kind}({units}{string.Concat(options.Select(o => ", " + o))})] ");
            if (random.Next(8) == 0) layers.Append("[Dropout(0.25f)] ");

            if (units < 1) why.Add("units not positive");
            if (units > 65_536) why.Add("units over limit");
            if (activation == 7) why.Add("unknown activation");
            if (activation == 4 && recurrent) why.Add("softmax on recurrent");
            if (recurrent && !sequence) why.Add("recurrent after last state");
            int gates = kind switch { "Lstm" => 4, "Gru" => 3, _ => 1 };
            macs += (recurrent || sequence ? Math.Max(timesteps, 0) : 1) * gates * Math.Max(units, 0) * (Math.Max(width, 0) + (recurrent ? Math.Max(units, 0) : 0));
            if (recurrent) sequence = returnSequences;
            width = units;
        }

        bool shapesSane = why.Count == 0;
        if (shapesSane && unroll == "Full" && macs > 16_384) why.Add("Full over the size limit");
        // Dimensions are either small (below 64) or past a limit, so parameters and workspace stay far inside theirs;
        // a valid Full model is kept small so the fuzz stays fast (larger ones are covered by HardeningTests).
        if (shapesSane && unroll == "Full" && macs is > 1_024 and <= 16_384) unroll = "Loops";

        // The class: usually fine; sometimes not partial, generic, static, a record or file-local.
        string modifiers = "public partial class";
        switch (random.Next(40))
        {
            case 0: modifiers = "public class"; why.Add("not partial"); break;
            case 1: modifiers = "public static partial class"; why.Add("static"); break;
            case 2: modifiers = "public partial record"; why.Add("record"); break;
            case 3: modifiers = "file partial class"; why.Add("file-local"); break;
        }

        string name = Names[random.Next(Names.Length)];
        string typeParameters = random.Next(40) == 0 ? "<T>" : "";
        if (typeParameters.Length > 0) why.Add("generic");
        string ns = Namespaces[random.Next(Namespaces.Length)];
        // Every declaration gets its own namespace, so types never clash across files; a few share one on purpose
        // with names that differ only in case (N.Model / N.model) to exercise hint-name uniqueness.
        string leaf = "N" + index;
        if (random.Next(8) == 0)
        {
            string shared = (random.Next(2) == 0 ? "Shared" : "shared") + index / PerCompilation;
            string candidate = (ns.Length == 0 ? "" : ns + ".") + shared + "." + name + typeParameters;
            if (s_taken.Add(candidate)) leaf = shared;
        }

        string uniqueNs = (ns.Length == 0 ? "" : ns + ".") + leaf;

        string declaration = $"[RnnModel({timesteps}, {features}{(unroll == "Auto" ? "" : ", Unroll = UnrollMode." + unroll)})] {layers}{modifiers} {name}{typeParameters} {{ }}";
        string body = random.Next(4) switch
        {
            0 => $"public partial class @struct {{ {declaration} }}",
            1 => $"public partial record Outer {{ public partial class Inner {{ {declaration} }} }}",
            _ => declaration,
        };

        if (!shapesSane && why.Count == 0) throw new InvalidOperationException("unreachable");
        string source = $"using RnnGen;\nnamespace {uniqueNs}\n{{\n    {body}\n}}\n";
        bool valid = why.Count == 0;
        return new Case(index, source, valid, string.Join(", ", why));
    }
}
