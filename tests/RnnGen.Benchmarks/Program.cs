using System.Reflection;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using RnnGen.Benchmarks;

// dotnet run -c Release --project tests/RnnGen.Benchmarks -- --filter '*' [--quick]
//   --quick   BenchmarkDotNet's ShortRun job (1 launch, 3 warm-ups, 3 iterations): the whole suite in minutes
//   --check   only verify that all engines agree on every model (no timing), then exit
//   --inprocess  run in this process (no generated boilerplate project to build: for a busy machine)
//   --generator-cost  the generator cost check: source size and emit time up to 256 units x 1,000 steps, then exit
// Any other arguments go to BenchmarkDotNet (--filter, --list flat, --join, ...).
var rest = new List<string>(args);
bool quick = rest.Remove("--quick");
bool inProcess = rest.Remove("--inprocess");

if (rest.Remove("--generator-cost"))
{
    return GeneratorCost.Run();
}

if (rest.Remove("--check"))
{
    foreach (Type type in typeof(ModelBenchmark).Assembly.GetTypes())
    {
        if (type.IsAbstract || !type.IsSubclassOf(typeof(ModelBenchmark)))
        {
            continue;
        }
        var benchmark = (ModelBenchmark)Activator.CreateInstance(type)!;
        benchmark.Setup();
        benchmark.Cleanup();
        Console.WriteLine($"{type.Name}: generated, dynamic and ONNX Runtime agree with the PyTorch reference.");
    }
    return 0;
}

Job job = quick ? Job.ShortRun : Job.Default;
if (inProcess) job = job.WithToolchain(BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain.Instance);
IConfig config = DefaultConfig.Instance
    .AddJob(job.WithId(quick ? "Quick" : "Default").AsDefault())
    .AddExporter(JsonExporter.Full);
BenchmarkSwitcher.FromAssembly(Assembly.GetExecutingAssembly()).Run(rest.ToArray(), config);
return 0;
