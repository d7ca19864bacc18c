namespace RnnGen.Tests.Samples;

/// <summary>A fresh temporary folder for a sample's output files, deleted on dispose.</summary>
public sealed class SampleOutputDirectory : IDisposable
{
    public SampleOutputDirectory(string sample)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"rnngen-{sample}-{Guid.NewGuid():N}");
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
