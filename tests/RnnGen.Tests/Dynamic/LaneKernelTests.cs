using RnnGen.CompilerServices;

namespace RnnGen.Tests.Dynamic;

/// <summary>The batched tier's lane kernels (every width) against plain double-precision loops, at shapes that hit every tile tail.</summary>
public class LaneKernelTests
{
    public static TheoryData<int, int, int> Shapes() => new()
    {
        { 1, 1, 1 }, { 3, 5, 2 }, { 4, 4, 7 }, { 7, 9, 3 }, { 9, 13, 17 }, { 16, 24, 5 }, { 2, 3, 40 }, { 64, 192, 40 }, // the last: blocks of 16 steps (16 KB per step at 16 lanes)
    };

    private static float[] Random(int length, int seed)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }

    private static void Close(double[] expected, float[] actual)
    {
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 * (1 + Math.Abs(expected[i])), $"element {i}: {actual[i]} vs {expected[i]}");
    }

    private delegate void Outer(ref float rows, nint rowStep, int rowCount, ref float columns, nint columnStep, int columnCount, int steps, ref float gradient, int stride);
    private delegate void Product(ref float source, int rows, ref float weights, int stride, int columns, ref float accumulators);

    private static IEnumerable<(int Lanes, Outer Outer, Product Product, Product Transposed)> Widths()
    {
        yield return (16, Lanes512.Outer, Lanes512.Product, Lanes512.ProductTransposed);
        yield return (8, Lanes256.Outer, Lanes256.Product, Lanes256.ProductTransposed);
        yield return (4, Lanes128.Outer, Lanes128.Product, Lanes128.ProductTransposed);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Outer_sums_the_products_over_steps_and_lanes(int rows, int columns, int steps)
    {
        foreach (var (lanes, outer, _, _) in Widths())
        {
            float[] h = Random(steps * rows * lanes, 1), d = Random(steps * columns * lanes, 2), g = Random(rows * columns, 3);
            var expected = new double[g.Length];
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < columns; c++)
                {
                    double sum = g[r * columns + c];
                    for (int s = 0; s < steps; s++)
                    {
                        for (int l = 0; l < lanes; l++) sum += (double)h[(s * rows + r) * lanes + l] * d[(s * columns + c) * lanes + l];
                    }

                    expected[r * columns + c] = sum;
                }
            }

            outer(ref h[0], rows, rows, ref d[0], columns, columns, steps, ref g[0], columns);
            Close(expected, g);
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Product_and_its_transpose_match_the_loops(int rows, int columns, int _)
    {
        foreach (var (lanes, _, product, transposed) in Widths())
        {
            float[] x = Random(rows * lanes, 4), w = Random(rows * columns, 5), acc = Random(columns * lanes, 6);
            var expected = new double[acc.Length];
            for (int c = 0; c < columns; c++)
            {
                for (int l = 0; l < lanes; l++)
                {
                    double sum = acc[c * lanes + l];
                    for (int r = 0; r < rows; r++) sum += (double)x[r * lanes + l] * w[r * columns + c];
                    expected[c * lanes + l] = sum;
                }
            }

            product(ref x[0], rows, ref w[0], columns, columns, ref acc[0]);
            Close(expected, acc);

            float[] dy = Random(columns * lanes, 7), dx = Random(rows * lanes, 8);
            var expectedDx = new double[dx.Length];
            for (int r = 0; r < rows; r++)
            {
                for (int l = 0; l < lanes; l++)
                {
                    double sum = dx[r * lanes + l];
                    for (int c = 0; c < columns; c++) sum += (double)dy[c * lanes + l] * w[r * columns + c];
                    expectedDx[r * lanes + l] = sum;
                }
            }

            transposed(ref dy[0], columns, ref w[0], columns, rows, ref dx[0]);
            Close(expectedDx, dx);
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void SumSteps_sums_over_steps_and_lanes(int _, int columns, int steps)
    {
        float[] d = Random(steps * columns * 16, 9), g = Random(columns, 10);
        var expected = new double[columns];
        for (int c = 0; c < columns; c++)
        {
            double sum = g[c];
            for (int s = 0; s < steps; s++)
            {
                for (int l = 0; l < 16; l++) sum += d[(s * columns + c) * 16 + l];
            }

            expected[c] = sum;
        }

        Lanes512.SumSteps(ref d[0], columns, columns, steps, ref g[0]);
        Close(expected, g);
    }
}
