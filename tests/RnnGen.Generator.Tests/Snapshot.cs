using System.Runtime.CompilerServices;
using System.Text;
using DiffPlex.Renderer;
using Microsoft.CodeAnalysis;

namespace RnnGen.Generator.Tests;

/// <summary>
/// Snapshot files without Verify, in Verify.SourceGenerators' shape:
/// <c>Snapshots/{Test}#{HintName}.verified.cs</c> (first line <c>//HintName: ...</c>, LF, version as <c>{version}</c>) per generated
/// file and <c>Snapshots/{Test}.verified.txt</c> for diagnostics. A mismatch writes <c>.received.*</c> beside it and fails with
/// a unified diff; <c>RNNGEN_ACCEPT=1</c> (or <c>scripts/accept-snapshots.sh</c>) accepts instead.
/// </summary>
internal static class Snapshot
{
    private static bool Accept => Environment.GetEnvironmentVariable("RNNGEN_ACCEPT") == "1";

    public static void Verify(GeneratorDriverRunResult result, string test, [CallerFilePath] string callerPath = "")
    {
        string directory = Path.Combine(Path.GetDirectoryName(callerPath)!, "Snapshots");
        Directory.CreateDirectory(directory);
        var failures = new List<string>();
        var expectedFiles = new HashSet<string>(StringComparer.Ordinal);

        foreach (GeneratedSourceResult source in result.Results.SelectMany(r => r.GeneratedSources).OrderBy(s => s.HintName, StringComparer.Ordinal))
        {
            string file = $"{test}#{source.HintName}.verified.cs";
            expectedFiles.Add(file);
            string text = $"//HintName: {source.HintName}\n" + Normalize(source.SourceText.ToString());
            Compare(directory, file, text, failures);
        }

        string diagnostics = string.Join("\n", result.Diagnostics.Select(d => $"{d.Id} {d.Severity} {d.Location.GetLineSpan().Span}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}")) + "\n";
        expectedFiles.Add($"{test}.verified.txt");
        Compare(directory, $"{test}.verified.txt", diagnostics, failures);

        // A verified file whose hint name is no longer generated is a failure too (dotnet/runtime's Baselines/ rule).
        foreach (string stale in Directory.GetFiles(directory, test + "#*.verified.cs").Select(f => Path.GetFileName(f)).Where(f => !expectedFiles.Contains(f!)))
        {
            if (Accept) File.Delete(Path.Combine(directory, stale!));
            else failures.Add($"{stale} is checked in but no longer generated.");
        }

        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    private static void Compare(string directory, string file, string actual, List<string> failures)
    {
        string verifiedPath = Path.Combine(directory, file);
        string receivedPath = verifiedPath.Replace(".verified.", ".received.", StringComparison.Ordinal);
        string? expected = File.Exists(verifiedPath) ? File.ReadAllText(verifiedPath).Replace("\r\n", "\n", StringComparison.Ordinal) : null;
        if (expected == actual)
        {
            File.Delete(receivedPath);
            return;
        }

        if (Accept)
        {
            File.WriteAllText(verifiedPath, actual, new UTF8Encoding(false));
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, actual, new UTF8Encoding(false));
        string diff = expected is null
            ? $"(no {file} yet; {Path.GetFileName(receivedPath)} written)"
            : UnidiffRenderer.GenerateUnidiff(expected, actual, file, Path.GetFileName(receivedPath), ignoreWhitespace: false, contextLines: 2);
        failures.Add($"Snapshot mismatch for {file}. Review {Path.GetFileName(receivedPath)}, then accept with RNNGEN_ACCEPT=1.\n{Truncate(diff, 6000)}");
    }

    private static string Normalize(string text) =>
        text.Replace("\r\n", "\n", StringComparison.Ordinal)
            .Replace($"\"RnnGen\", \"{Emit.ModelEmitter.Version}\"", "\"RnnGen\", \"{version}\"", StringComparison.Ordinal);

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "\n... (diff truncated)";
}
