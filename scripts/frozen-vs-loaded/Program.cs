using RnnGen;

// Frozen (weights compiled in) against loaded (LoadWeights of the same file), same architecture.
// Rounds alternate the two so that machine noise hits both alike; the median round is reported.
string path = Path.Combine(AppContext.BaseDirectory, "letter.safetensors");
const int Rounds = 9, Calls = 2_000_000, Constructions = 20_000;

var frozen = new FrozenLetter();
var loaded = new LoadedLetter();
loaded.LoadWeights(path);
float[] input = [0, 0, 1, 0, 0];
float[] a = new float[5], b = new float[5];
frozen.Predict(input, a);
loaded.Predict(input, b);
if (!a.AsSpan().SequenceEqual(b)) throw new InvalidOperationException("frozen and loaded models differ");

var predictFrozen = new List<double>();
var predictLoaded = new List<double>();
var constructFrozen = new List<double>();
var constructLoaded = new List<double>();
for (int round = 0; round < Rounds + 1; round++)
{
    double pf = TimePredict(frozen, input, a), pl = TimePredict(loaded, input, b);
    double cf = Time(Constructions, () => _ = new FrozenLetter());
    double cl = Time(Constructions / 10, () => new LoadedLetter().LoadWeights(path));
    if (round == 0) continue; // warm-up (tiering)
    predictFrozen.Add(pf); predictLoaded.Add(pl); constructFrozen.Add(cf); constructLoaded.Add(cl);
}

Console.WriteLine($"CPU time per call, median of {Rounds} alternating rounds on {Environment.ProcessorCount} cores:");
Console.WriteLine($"Predict, frozen:              {Median(predictFrozen),8:0.0} ns");
Console.WriteLine($"Predict, loaded:              {Median(predictLoaded),8:0.0} ns");
Console.WriteLine($"new + ready, frozen:          {Median(constructFrozen),8:0.0} ns");
Console.WriteLine($"new + LoadWeights(file):      {Median(constructLoaded),8:0.0} ns");

// CPU time of this process (not wall time): preemption on a busy machine does not inflate it.
static double TimePredict(IRnnModel model, float[] input, float[] output)
{
    TimeSpan start = Environment.CpuUsage.TotalTime;
    for (int i = 0; i < Calls; i++) model.Predict(input, output);
    return (Environment.CpuUsage.TotalTime - start).TotalNanoseconds / Calls;
}

static double Time(int count, Action action)
{
    TimeSpan start = Environment.CpuUsage.TotalTime;
    for (int i = 0; i < count; i++) action();
    return (Environment.CpuUsage.TotalTime - start).TotalNanoseconds / count;
}

static double Median(List<double> values)
{
    values.Sort();
    return values[values.Count / 2];
}

[RnnModel(timesteps: 1, features: 5, Weights = "letter.safetensors")]
[SimpleRnn(3)]
[Dense(5, Activation = Activation.Softmax)]
internal sealed partial class FrozenLetter;

[RnnModel(timesteps: 1, features: 5)]
[SimpleRnn(3)]
[Dense(5, Activation = Activation.Softmax)]
internal sealed partial class LoadedLetter;
