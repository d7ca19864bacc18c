using RnnGen.Samples;
using RnnGen.Samples.Seq2Seq;

// dotnet run --project samples/Seq2Seq -c Release [-- 31415926 2718281 --seed 0 --output output]
// Training is PyTorch's (train_pytorch.py); bare digit strings are extra sources to reverse.
var inputs = new List<string>();
var rest = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    if (args[i].StartsWith("--", StringComparison.Ordinal))
    {
        rest.AddRange(args.Skip(i).Take(2)); // an option and its value
        i++;
    }
    else
    {
        (Tokens.ParseDigits(args[i]) is null ? rest : inputs).Add(args[i]);
    }
}

if (SampleArgs.Parse([.. rest], "Seq2Seq") is not { } parsed)
{
    Console.Error.WriteLine("Seq2Seq also takes sources to reverse: strings of 1 to 8 digits, e.g. 31415926.");
    return 2;
}

if (parsed.Epochs is not null || parsed.Seconds is not null)
{
    Console.Error.WriteLine("Seq2Seq: the model is trained in PyTorch (python3 samples/Seq2Seq/train_pytorch.py); --epochs and --seconds do not apply.");
    return 2;
}

var defaults = new Seq2SeqOptions();
Seq2SeqSample.Run(Console.Out, defaults with
{
    Seed = parsed.Seed ?? defaults.Seed,
    OutputDirectory = parsed.Output ?? defaults.OutputDirectory,
    Inputs = inputs,
});
return 0;
