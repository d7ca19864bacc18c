namespace RnnGen.Generator.Model;

/// <summary>Names of the tracked pipeline steps, for incremental-caching tests.</summary>
internal static class TrackingNames
{
    public const string Models = nameof(Models);
    public const string Specs = nameof(Specs);
    public const string Diagnostics = nameof(Diagnostics);
    public const string OrphanLayers = nameof(OrphanLayers);
    public const string WeightFiles = nameof(WeightFiles);
    public const string BoundModels = nameof(BoundModels);
}
