namespace RnnGen.Benchmarks;

/// <summary>
/// Run in every <c>[GlobalSetup]</c> (and by <c>--check</c>): nothing is timed unless the
/// generated model, the dynamic layers and ONNX Runtime reproduce the PyTorch reference output
/// within <see cref="PeerModel.Tolerance"/>, and generated and dynamic agree on gradients and on
/// streaming <c>Step</c>.
/// </summary>
public static class EngineChecks
{
    /// <summary>Tolerance for gradients: |a - b| &lt;= tol * max(1, |a|).</summary>
    public const float GradientTolerance = 1e-3f;

    /// <summary>Throws <see cref="InvalidOperationException"/> naming the engine and element unless all engines agree.</summary>
    public static void AssertAllAgree(PeerModel peer, IRnnModel generated, IRnnModel dynamic, OnnxPeer onnx)
    {
        var output = new float[peer.OutputSize];

        generated.Predict(peer.Input, output);
        peer.AssertOutput(output, "generated Predict");
        generated.Forward(peer.Input, output);
        peer.AssertOutput(output, "generated Forward");
        dynamic.Predict(peer.Input, output);
        peer.AssertOutput(output, "dynamic Predict");
        dynamic.Forward(peer.Input, output);
        peer.AssertOutput(output, "dynamic Forward");

        peer.Input.CopyTo(onnx.Input, 0);
        Array.Clear(onnx.Output);
        onnx.Run();
        peer.AssertOutput(onnx.Output, "ONNX Runtime (Run)");
        Array.Clear(onnx.Output);
        onnx.RunBound();
        peer.AssertOutput(onnx.Output, "ONNX Runtime (IoBinding)");

        // Streaming: T Steps from a reset state end at the Predict output.
        AssertSteps(peer, generated, "generated");
        AssertSteps(peer, dynamic, "dynamic");

        // Gradients of sum_j y_j * w_j for the reference input, generated vs dynamic.
        var dy = new float[peer.OutputSize];
        for (int j = 0; j < dy.Length; j++)
        {
            dy[j] = 0.5f + j;
        }
        float[] genGrad = Gradients(generated, peer.Input, dy);
        float[] dynGrad = Gradients(dynamic, peer.Input, dy);
        for (int i = 0; i < genGrad.Length; i++)
        {
            float diff = MathF.Abs(genGrad[i] - dynGrad[i]);
            if (!(diff <= GradientTolerance * MathF.Max(1, MathF.Abs(dynGrad[i]))))
            {
                throw new InvalidOperationException(
                    $"{peer.Name}: gradient {i} differs, generated {genGrad[i]:R} vs dynamic {dynGrad[i]:R}.");
            }
        }
    }

    private static void AssertSteps(PeerModel peer, IRnnModel model, string engine)
    {
        var y = new float[model.StepOutputSize];
        model.ResetState();
        for (int t = 0; t < peer.Timesteps; t++)
        {
            model.Step(peer.Input.AsSpan(t * peer.Features, peer.Features), y);
        }
        peer.AssertOutput(y, engine + " Step x T");
        model.ResetState();
    }

    private static float[] Gradients(IRnnModel model, float[] input, float[] dy)
    {
        var output = new float[model.OutputSize];
        model.Gradients.Clear();
        model.Forward(input, output);
        model.Backward(dy);
        float[] g = model.Gradients.ToArray();
        model.Gradients.Clear();
        return g;
    }
}
