using System.Text.Json;
using PureHDF;
using PureHDF.VOL.Native;

namespace RnnGen.Interop.Keras;

/// <summary>
/// Reads Keras HDF5 files through PureHDF:
/// <list type="bullet">
/// <item>Keras 2 <c>save_weights</c> (<c>.h5</c>): root attribute <c>layer_names</c>; one group per layer with attribute
/// <c>weight_names</c>, each a dataset path inside the group (<c>legacy_h5_format.save_weights_to_hdf5_group</c>);</item>
/// <item>Keras 2 whole-model <c>save</c> (<c>.h5</c>): the same under <c>model_weights</c>, and the JSON architecture in
/// the root attribute <c>model_config</c>;</item>
/// <item>Keras 3 <c>.weights.h5</c> (also inside a <c>.keras</c> zip): <c>layers/&lt;name&gt;/vars/0..n</c>, recurrent
/// layers' weights under <c>layers/&lt;name&gt;/cell/vars</c> (<c>saving_lib.H5IOStore</c>).</item>
/// </list>
/// String attributes may be fixed- or variable-length, scalars or arrays, as Keras 2 and Keras 3 write them.
/// </summary>
internal static class KerasHdf5
{
    public static void Import(IRnnModel model, Stream stream, List<KerasLayerConfig>? outerConfig, ParameterBuffer buffer)
    {
        List<KerasLayerConfig>? config = outerConfig;
        List<KerasLayerWeights> groups;
        KerasPairing pairing;
        bool keras3;
        try
        {
            using NativeFile file = H5File.Open(stream, leaveOpen: true);
            keras3 = file.AttributeExists("keras_version") && Strings(file.Attribute("keras_version"))[0].StartsWith('3');
            if (file.AttributeExists("layer_names"))
            {
                groups = ReadKeras2(file, buffer.Source);
                pairing = KerasPairing.ByOrder;
            }
            else if (file.LinkExists("model_weights"))
            {
                var weights = (IH5Group)file.Get("model_weights");
                groups = ReadKeras2(weights, buffer.Source);
                if (file.AttributeExists("model_config"))
                {
                    using JsonDocument doc = ParseJson(Strings(file.Attribute("model_config"))[0], buffer.Source);
                    config = KerasLayerConfig.Parse(doc.RootElement, buffer.Source);
                }

                pairing = config is null ? KerasPairing.ByOrder : KerasPairing.ByConfigName;
            }
            else if (file.LinkExists("layers") || file.LinkExists("_layer_checkpoint_dependencies"))
            {
                groups = ReadKeras3(file, file.LinkExists("layers") ? "layers" : "_layer_checkpoint_dependencies");
                pairing = KerasPairing.ByModelName;
                keras3 = true;
            }
            else
            {
                throw buffer.Fail("this HDF5 file is not a Keras weights file: it has no layer_names attribute, no model_weights group and no layers group.");
            }
        }
        catch (Exception e) when (e is not WeightFileException)
        {
            throw buffer.Fail($"the HDF5 file cannot be read ({e.GetType().Name}: {e.Message}); it is truncated, corrupt or not a Keras file.", e);
        }

        KerasImporter.Apply(model, config, groups, pairing, buffer, keras3);
    }

    private static List<KerasLayerWeights> ReadKeras2(IH5Group root, string source)
    {
        var groups = new List<KerasLayerWeights>();
        foreach (string layerName in Strings(root.Attribute("layer_names")))
        {
            if (!root.LinkExists(layerName)) throw new WeightFileException($"{source}: layer_names lists '{layerName}', but the file has no such group; it is truncated or corrupt.");
            var group = (IH5Group)root.Get(layerName);
            var weights = new List<SourceTensor>();
            if (group.AttributeExists("weight_names"))
            {
                foreach (string weightName in Strings(group.Attribute("weight_names")))
                {
                    if (!group.LinkExists(weightName)) throw new WeightFileException($"{source}: layer '{layerName}' lists weight '{weightName}', but the file has no such dataset.");
                    weights.Add(ReadDataset((IH5Dataset)group.Get(weightName), layerName + "/" + weightName, source));
                }
            }

            groups.Add(new KerasLayerWeights(layerName, weights));
        }

        return groups;
    }

    private static List<KerasLayerWeights> ReadKeras3(NativeFile file, string layersPath)
    {
        var groups = new List<KerasLayerWeights>();
        foreach (IH5Object child in ((IH5Group)file.Get(layersPath)).Children())
        {
            if (child is not IH5Group layer)
            {
                continue;
            }

            var weights = new List<SourceTensor>();
            CollectVars(layer, $"{layersPath}/{child.Name}", weights, file.Name);
            groups.Add(new KerasLayerWeights(child.Name, weights));
        }

        return groups;
    }

    /// <summary>A layer's own <c>vars/0..n</c>, then those of its sub-objects (<c>cell</c>), in order.</summary>
    private static void CollectVars(IH5Group group, string path, List<SourceTensor> weights, string source)
    {
        if (group.LinkExists("vars"))
        {
            var vars = (IH5Group)group.Get("vars");
            var names = new List<string>();
            foreach (IH5Object v in vars.Children()) names.Add(v.Name);
            names.Sort((a, b) => int.TryParse(a, out int x) && int.TryParse(b, out int y) ? x.CompareTo(y) : string.CompareOrdinal(a, b));
            foreach (string n in names) weights.Add(ReadDataset((IH5Dataset)vars.Get(n), $"{path}/vars/{n}", source));
        }

        foreach (string sub in new[] { "cell", "forward_layer", "backward_layer" })
        {
            if (group.LinkExists(sub)) CollectVars((IH5Group)group.Get(sub), $"{path}/{sub}", weights, source);
        }
    }

    private static SourceTensor ReadDataset(IH5Dataset dataset, string name, string source)
    {
        ulong[] dims = dataset.Space.Dimensions;
        var shape = new int[dims.Length];
        long count = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] > int.MaxValue) throw new WeightFileException($"{source}: dataset '{name}' is too large.");
            shape[i] = (int)dims[i];
            count *= shape[i];
        }

        if (dataset.Type.Class != H5DataTypeClass.FloatingPoint)
        {
            throw new WeightFileException($"{source}: dataset '{name}' holds {dataset.Type.Class} data; weights must be floating point.");
        }

        float[] data = dataset.Type.Size switch
        {
            4 => dataset.Read<float[]>(),
            8 => Array.ConvertAll(dataset.Read<double[]>(), d => (float)d),
            2 => Array.ConvertAll(dataset.Read<Half[]>(), h => (float)h),
            _ => throw new WeightFileException($"{source}: dataset '{name}' has {dataset.Type.Size}-byte floats."),
        };
        if (data.Length != count) throw new WeightFileException($"{source}: dataset '{name}' holds {data.Length} values, expected {count}.");
        return new SourceTensor(name, shape, data);
    }

    /// <summary>A string attribute: scalar or array, fixed- or variable-length.</summary>
    internal static string[] Strings(IH5Attribute attribute) =>
        attribute.Space.Type == H5DataspaceType.Scalar ? [attribute.Read<string>()] : attribute.Read<string[]>();

    internal static JsonDocument ParseJson(string json, string source)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new WeightFileException($"{source}: the model config is not valid JSON ({e.Message}).", e);
        }
    }
}
