namespace RnnGen.Tests;

public class SmokeTests
{
    [Fact]
    public void Orthogonal_initializer_gives_orthonormal_rows_for_wide_matrices()
    {
        var w = new float[3 * 12];
        CompilerServices.Initializers.Orthogonal(w, 3, 12, new Random(1));
        for (int a = 0; a < 3; a++)
        {
            for (int b = 0; b < 3; b++)
            {
                double dot = 0;
                for (int k = 0; k < 12; k++) dot += w[a * 12 + k] * w[b * 12 + k];
                Assert.Equal(a == b ? 1.0 : 0.0, dot, 5);
            }
        }
    }
}
