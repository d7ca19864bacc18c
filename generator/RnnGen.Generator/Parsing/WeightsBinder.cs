using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using RnnGen.Generator.Emit;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Parsing;

/// <summary>
/// Joins a model that asks for <c>Weights = "..."</c> with its <c>&lt;RnnGenWeights&gt;</c> item, checks every tensor's
/// name, dtype, shape and values against the declaration, and puts the flattened parameters on the spec.
/// A model without <c>Weights</c> passes through unchanged.
/// </summary>
internal static class WeightsBinder
{
    public static ModelResult Bind(ModelResult model, ImmutableArray<WeightsFile> files)
    {
        if (model.Weights is not { } request || model.Spec is null)
        {
            return model;
        }

        var diagnostics = new List<DiagnosticInfo>(model.Diagnostics);
        void Report(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, params object[] args) =>
            diagnostics.Add(new DiagnosticInfo(descriptor.Id, request.Location, args.Select(a => a.ToString()!).ToEquatableArray()));

        ModelResult Failed() => new(null, diagnostics.ToEquatableArray()) { Weights = request };

        WeightsFile? file = Find(request.File, files);
        if (file is null)
        {
            string items = files.IsDefaultOrEmpty ? "none" : string.Join(", ", files.Select(f => f.Include));
            Report(DiagnosticDescriptors.WeightsNotAnItem, request.File, items);
            return Failed();
        }

        if (file.Error is not null)
        {
            Report(DiagnosticDescriptors.WeightsUnreadable, request.File, file.Error);
            return Failed();
        }

        var plan = new ModelPlan(model.Spec);
        var expected = new List<(string Name, int[] Shape, int Offset, int Length)>();
        foreach (LayerPlan layer in plan.Layers)
        {
            foreach (var (name, shape, offset, length) in SummaryTable.Tensors(layer))
            {
                expected.Add(($"{layer.Name}/{name}", shape, offset, length));
            }
        }

        var byName = new Dictionary<string, WeightsTensor>(StringComparer.Ordinal);
        foreach (WeightsTensor tensor in file.Tensors)
        {
            byName[tensor.Name] = tensor;
        }

        var known = new HashSet<string>(expected.Select(e => e.Name), StringComparer.Ordinal);
        foreach (WeightsTensor tensor in file.Tensors)
        {
            if (!known.Contains(tensor.Name))
            {
                Report(DiagnosticDescriptors.WeightsExtraTensor, request.File, tensor.Name, Format(tensor.Shape), string.Join(", ", expected.Select(e => e.Name)));
            }
        }

        var parameters = new float[plan.ParameterCount];
        foreach (var (name, shape, offset, length) in expected)
        {
            if (!byName.TryGetValue(name, out WeightsTensor? tensor))
            {
                Report(DiagnosticDescriptors.WeightsMissingTensor, request.File, name, Format(shape));
                continue;
            }

            if (tensor.Dtype != "F32")
            {
                Report(DiagnosticDescriptors.WeightsDtype, request.File, name, tensor.Dtype);
                continue;
            }

            if (!tensor.Shape.AsSpan().SequenceEqual(shape))
            {
                Report(DiagnosticDescriptors.WeightsShape, request.File, name, Format(tensor.Shape), Format(shape));
                continue;
            }

            ReadOnlySpan<float> values = tensor.Values.AsSpan();
            for (int i = 0; i < values.Length; i++)
            {
                if (float.IsNaN(values[i]) || float.IsInfinity(values[i]))
                {
                    Report(DiagnosticDescriptors.WeightsNonFinite, request.File, name, values[i].ToString(System.Globalization.CultureInfo.InvariantCulture), i);
                    break;
                }
            }

            values.CopyTo(parameters.AsSpan(offset, length));
        }

        if (diagnostics.Count > model.Diagnostics.Count)
        {
            return Failed();
        }

        ModelSpec spec = model.Spec with { WeightsFile = file.Include, FrozenParameters = new EquatableArray<float>(parameters) };
        return model with { Spec = spec };
    }

    /// <summary>The item whose Include is <paramref name="file"/>, else the one whose path ends in <c>/file</c>.</summary>
    private static WeightsFile? Find(string file, ImmutableArray<WeightsFile> files)
    {
        if (files.IsDefaultOrEmpty || file.Length == 0)
        {
            return null;
        }

        string wanted = file.Replace('\\', '/');
        foreach (WeightsFile candidate in files)
        {
            if (string.Equals(candidate.Include, wanted, StringComparison.OrdinalIgnoreCase)) return candidate;
        }

        foreach (WeightsFile candidate in files)
        {
            if (candidate.Include.EndsWith("/" + wanted, StringComparison.OrdinalIgnoreCase)) return candidate;
        }

        return null;
    }

    private static string Format(EquatableArray<int> shape) => "[" + string.Join(", ", shape) + "]";

    private static string Format(int[] shape) => "[" + string.Join(", ", shape) + "]";
}
