using RnnGen.CompilerServices;

namespace RnnGen.Tests.Dynamic;

/// <summary>The batched tier's lane kernels (every width) against plain double-precision loops, at shapes that hit every tile tail.</summary>
public class LaneKernelTests
{
    public static TheoryData<int, int, int> Shapes() => new()
    {
        { 1, 1, 1 }, { 3, 5, 2 }, { 4, 4, 7 }, { 7, 9, 3 }, { 9, 13, 17 }, { 16, 24, 5 }, { 2, 3, 40 }, { 64, 192, 40 }, // the last: blocks of 32 steps (16 KB per step at 16 lanes)
    };

    /// <summary>
    /// Shapes for <see cref="Lanes512.Outer"/>'s every tile: 8-row strips of 3-column tiles with 0, 1 or 2 columns left, then
    /// 4-row and 2-row tiles of 4 columns with 0 to 3 left, then a single row; the last two span several step blocks.
    /// </summary>
    public static TheoryData<int, int, int> OuterShapes() => new()
    {
        { 15, 11, 9 }, { 15, 10, 3 }, { 23, 13, 6 }, { 8, 3, 1 }, { 8, 12, 4 }, { 12, 7, 5 }, { 14, 6, 2 }, { 6, 14, 11 }, { 5, 1, 3 }, { 32, 32, 50 },
        { 71, 130, 45 }, { 17, 400, 70 },
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
    [MemberData(nameof(OuterShapes))]
    public void Outer_sums_the_products_over_steps_and_lanes(int rows, int columns, int steps)
    {
        foreach (var (lanes, outer, _, _) in Widths())
        {
            // rows and columns read forwards, both backwards (negative steps), and the columns alone backwards
            foreach (var (rowsBack, columnsBack) in new[] { (false, false), (true, true), (false, true) })
            {
                // the gradient has two padding columns per row, which must stay as they are
                int stride = columns + 2;
                float[] h = Random(steps * rows * lanes, 1), d = Random(steps * columns * lanes, 2), g = Random(rows * stride, 3);
                var expected = new double[g.Length];
                for (int i = 0; i < g.Length; i++) expected[i] = g[i];
                for (int r = 0; r < rows; r++)
                {
                    for (int c = 0; c < columns; c++)
                    {
                        double sum = g[r * stride + c];
                        for (int s = 0; s < steps; s++)
                        {
                            int sr = rowsBack ? steps - 1 - s : s, sc = columnsBack ? steps - 1 - s : s;
                            for (int l = 0; l < lanes; l++) sum += (double)h[(sr * rows + r) * lanes + l] * d[(sc * columns + c) * lanes + l];
                        }

                        expected[r * stride + c] = sum;
                    }
                }

                int rowFirst = rowsBack ? (steps - 1) * rows * lanes : 0, columnFirst = columnsBack ? (steps - 1) * columns * lanes : 0;
                float[] again = (float[])g.Clone();
                outer(ref h[rowFirst], rowsBack ? -rows : rows, rows, ref d[columnFirst], columnsBack ? -columns : columns, columns, steps, ref g[0], stride);
                Close(expected, g);

                // a fixed summation order: the same inputs give the same bits
                outer(ref h[rowFirst], rowsBack ? -rows : rows, rows, ref d[columnFirst], columnsBack ? -columns : columns, columns, steps, ref again[0], stride);
                Assert.Equal(g, again);
            }
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
