namespace RnnGen.Generator.Model;

/// <summary>One tensor of a weights file, as read: name, dtype, shape and (for F32) its little-endian values.</summary>
internal sealed record WeightsTensor(string Name, string Dtype, EquatableArray<int> Shape, EquatableArray<float> Values);

/// <summary>
/// A <c>&lt;RnnGenWeights&gt;</c> item as the generator sees it: the <c>Include</c> it was declared with, and either
/// its tensors (in file order) or the reason it could not be read.
/// </summary>
internal sealed record WeightsFile(string Include, string? Error, EquatableArray<WeightsTensor> Tensors);

/// <summary>The <c>Weights = "..."</c> of an <c>[RnnModel]</c>: the file asked for, and where to report problems with it.</summary>
internal sealed record WeightsRequest(string File, LocationInfo? Location);
