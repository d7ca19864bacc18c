namespace RnnGen.Interop;

/// <summary>One tensor read from a foreign file: its name there, its shape there (row-major) and its values as float32.</summary>
/// <param name="Name">The name in the file (<c>rnn.weight_ih_l0</c>, <c>lstm/lstm_cell/kernel:0</c>, <c>layers/lstm/cell/vars/0</c>).</param>
/// <param name="Shape">The shape in the file.</param>
/// <param name="Data">The values, row-major.</param>
internal sealed record SourceTensor(string Name, int[] Shape, float[] Data)
{
    /// <summary>The shape as <c>[a, b]</c>.</summary>
    public string ShapeText => InteropText.Shape(Shape);
}

/// <summary>Small formatting helpers shared by the importers.</summary>
internal static class InteropText
{
    public static string Shape(IReadOnlyList<int> shape) => "[" + string.Join(", ", shape) + "]";

    public static bool SameShape(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        for (int i = 0; i < a.Count; i++)
        {
            if (a[i] != b[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The model's class name for messages (<c>LstmModel</c>; <c>Sequential</c> for dynamic models).</summary>
    public static string ModelName(IRnnModel model) => model.GetType().Name;
}
