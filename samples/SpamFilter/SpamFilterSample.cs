using System.Diagnostics;
using System.Globalization;
using RnnGen.Plotting;

namespace RnnGen.Samples.SpamFilter;

/// <summary>
/// The Keras tutorial's IMDB review classifier (<c>Tokenizer</c> → <c>pad_sequences</c> → Embedding(mask_zero) → SimpleRNN →
/// Dense(sigmoid), RMSprop, binary cross-entropy, <c>validation_split=0.2</c>, batch 128) on real mail: the
/// SpamAssassin public corpus (<c>data/SOURCE.md</c>).
/// </summary>
public static class SpamFilterSample
{
    /// <summary>Words kept by the tokenizer (Keras <c>num_words=10000</c>): ids 1 … 9999, 0 is padding.</summary>
    public const int Vocabulary = 10000;

    /// <summary>Token ids per message after <c>PadSequences</c> (the last 100 words of subject + body; shorter ones are padded in front).</summary>
    /// <summary>The dropout variants' rate (<c>--dropout</c>): Keras's <c>dropout</c> and <c>recurrent_dropout</c> on the recurrent layer.</summary>
    public const float DropoutRate = 0.2f;

    public const int SequenceLength = 100;

    /// <summary>Keras's <c>validation_split</c>: the last 20% of the (seeded-shuffled) corpus file.</summary>
    public const double ValidationSplit = 0.2;

    /// <summary>Samples per gradient step.</summary>
    public const int BatchSize = 128;

    /// <summary>Two messages written for this sample, classified after training beside real ones.</summary>
    public static readonly string[] HandWritten =
    [
        "Congratulations!!! You have been selected to receive a FREE cash prize of $1,000,000. Click here now to claim your money - limited time offer, act now!",
        "Hi Tom, the patch for the kernel build problem is attached. Could you review it before Friday's release meeting? Thanks, Anna",
    ];

    /// <summary>
    /// Tokenizes the corpus (fit on the training part only), pads it, trains the chosen model, and reports validation
    /// accuracy, precision and recall against the majority-class baseline, the confusion matrix, seconds per epoch, a
    /// loss chart and a few messages classified live.
    /// </summary>
    public static SpamFilterResult Run(TextWriter output, SpamFilterOptions options)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Dropout != 0f && options.Dropout != DropoutRate)
        {
            throw new NotSupportedException(FormattableString.Invariant($"--dropout {options.Dropout}: the dropout variants are compiled with dropout = recurrent_dropout = {DropoutRate} (a generated model's rates are constants, like its shapes); use --dropout or --dropout {DropoutRate}, or change DropoutRate and rebuild."));
        }

        string dataPath = options.DataPath ?? Path.Combine(AppContext.BaseDirectory, "data", "spam.tsv");
        (float[] labels, string[] texts) = Load(dataPath, options.Messages);
        int trainCount = (int)(texts.Length * (1 - ValidationSplit)); // exactly Dataset.Split's boundary

        // the vocabulary comes from the training messages only, as it would in production
        var tokenizer = new Tokenizer(Vocabulary);
        tokenizer.FitOnTexts(texts.Take(trainCount));
        float[][] inputs = Sequences.PadSequences(tokenizer.TextsToSequences(texts), SequenceLength);
        Dataset data = Dataset.FromArrays(inputs, [.. labels.Select(l => new[] { l })]);
        (Dataset train, Dataset? validation) = data.Split(ValidationSplit);
        if (validation is null)
        {
            throw new InvalidOperationException($"{data.Count} messages leave nothing to validate on.");
        }

        int trainSpam = CountSpam(train), validationSpam = CountSpam(validation);
        output.WriteLine($"{texts.Length} messages of {Path.GetFileName(dataPath)} ({labels.Count(l => l == 1f)} spam); " +
            $"{tokenizer.WordIndex.Count} distinct words in the training part, the {Vocabulary - 1} most frequent kept");
        output.WriteLine($"training {train.Count} ({trainSpam} spam), validation {validation.Count} ({validationSpam} spam, the last {ValidationSplit:P0})");
        output.WriteLine();

        IRnnModel model = (options.Lstm, options.Bidirectional, options.Dropout > 0f) switch
        {
            (false, false, false) => new SpamRnnModel(options.Seed),
            (true, false, false) => new SpamLstmModel(options.Seed),
            (false, true, false) => new SpamBidirectionalRnnModel(options.Seed),
            (true, true, false) => new SpamBidirectionalLstmModel(options.Seed),
            (false, false, true) => new SpamRnnDropoutModel(options.Seed),
            (true, false, true) => new SpamLstmDropoutModel(options.Seed),
            (false, true, true) => new SpamBidirectionalRnnDropoutModel(options.Seed),
            (true, true, true) => new SpamBidirectionalLstmDropoutModel(options.Seed),
        };
        string name = (options.Bidirectional ? "Bidirectional " : "") + (options.Lstm ? "Lstm(32" : "SimpleRnn(32")
            + (options.Dropout > 0f ? FormattableString.Invariant($", Dropout = {DropoutRate}, RecurrentDropout = {DropoutRate})") : ")");
        output.WriteLine(model.Summary);

        var clock = new EpochClock();
        History history = model.Fit(data, new TrainingOptions
        {
            Epochs = options.Epochs,
            BatchSize = BatchSize,
            Loss = Losses.BinaryCrossentropy(),
            Optimizer = new RmsProp(),
            Metrics = [Metrics.Accuracy(), Metrics.Precision(), Metrics.Recall()],
            ValidationSplit = ValidationSplit,
            Seed = options.Seed,
            Callbacks = [clock],
            Output = output,
        });

        // the majority class of the training messages, answered for every validation message
        bool majorityIsSpam = trainSpam * 2 > train.Count;
        float baseline = (float)(majorityIsSpam ? validationSpam : validation.Count - validationSpam) / validation.Count;
        var predictions = new float[validation.Count];
        model.PredictBatch(validation, predictions);
        var confusion = new int[2, 2];
        var auc = new Auc(); // Keras's AUC(): ROC, 200 thresholds
        for (int i = 0; i < predictions.Length; i++)
        {
            confusion[(int)validation.Target(i)[0], predictions[i] > 0.5f ? 1 : 0]++;
            auc.Update(predictions.AsSpan(i, 1), validation.Target(i));
        }

        float accuracy = history["val_accuracy"][^1], precision = history["val_precision"][^1], recall = history["val_recall"][^1];
        output.WriteLine();
        output.WriteLine(FormattableString.Invariant($"{name}: {history.Epochs} epoch(s), {clock.MeanSeconds:0.00} s per epoch (training; {clock.MeanEpochSeconds:0.00} s with validation)"));
        output.WriteLine("validation        accuracy  precision  recall");
        output.WriteLine(FormattableString.Invariant($"  {name,-15} {accuracy,8:0.0000}  {precision,9:0.0000}  {recall,6:0.0000}"));
        output.WriteLine(FormattableString.Invariant($"  {"always " + (majorityIsSpam ? "spam" : "ham"),-15} {baseline,8:0.0000}  {(majorityIsSpam ? (float)validationSpam / validation.Count : 0f),9:0.0000}  {(majorityIsSpam ? 1f : 0f),6:0.0000}"));
        output.WriteLine(FormattableString.Invariant($"  ROC AUC {auc.Result:0.0000} (always-ham: 0.5000)"));
        output.WriteLine();
        output.WriteLine("confusion matrix (validation)   predicted ham   predicted spam");
        output.WriteLine(FormattableString.Invariant($"  actual ham                      {confusion[0, 0],13}   {confusion[0, 1],14}"));
        output.WriteLine(FormattableString.Invariant($"  actual spam                     {confusion[1, 0],13}   {confusion[1, 1],14}"));

        // live: the first validation ham and spam, then the hand-written two
        var live = new List<(string Text, float Spam)>();
        output.WriteLine();
        output.WriteLine("classified live (spam probability):");
        var samples = new List<string>();
        int firstHam = Array.FindIndex(labels, trainCount, l => l == 0f), firstSpam = Array.FindIndex(labels, trainCount, l => l == 1f);
        foreach (int i in new[] { firstHam, firstSpam })
        {
            if (i >= 0)
            {
                samples.Add(texts[i]);
            }
        }

        samples.AddRange(HandWritten);
        float[][] encoded = Sequences.PadSequences(tokenizer.TextsToSequences(samples), SequenceLength);
        var y = new float[1];
        for (int i = 0; i < samples.Count; i++)
        {
            model.Predict(encoded[i], y);
            live.Add((samples[i], y[0]));
            string shown = samples[i].Length > 90 ? samples[i][..90] + "…" : samples[i];
            output.WriteLine(FormattableString.Invariant($"  {y[0]:0.000} {(y[0] > 0.5f ? "SPAM" : "ham ")}  {(i >= samples.Count - HandWritten.Length ? "[hand-written] " : "")}{shown}"));
        }

        output.WriteLine();
        Directory.CreateDirectory(options.OutputDirectory);
        string weightsPath = Path.Combine(options.OutputDirectory, "spam.safetensors");
        string plotPath = Path.Combine(options.OutputDirectory, "loss.png");
        model.SaveWeights(weightsPath);
        HistoryPlot.SaveLoss(history, plotPath);
        output.WriteLine($"saved {weightsPath} and {plotPath}");

        return new SpamFilterResult(name, train.Count, validation.Count, history.Epochs, clock.MeanSeconds,
            accuracy, precision, recall, auc.Result, baseline, confusion, live);
    }

    /// <summary>Reads <c>label TAB id TAB text</c> lines (see <c>data/prepare.py</c>); at most <paramref name="limit"/> when positive.</summary>
    public static (float[] Labels, string[] Texts) Load(string path, int limit = 0)
    {
        var labels = new List<float>();
        var texts = new List<string>();
        int line = 0;
        foreach (string row in File.ReadLines(path))
        {
            line++;
            string[] fields = row.Split('\t');
            if (fields.Length != 3 || fields[0] is not ("0" or "1"))
            {
                throw new InvalidDataException($"{path}:{line}: expected 'label<TAB>id<TAB>text' with label 0 or 1, but got {fields.Length} field(s) starting '{fields[0]}'.");
            }

            labels.Add(fields[0] == "1" ? 1f : 0f);
            texts.Add(fields[2]);
            if (limit > 0 && texts.Count == limit)
            {
                break;
            }
        }

        return ([.. labels], [.. texts]);
    }

    private static int CountSpam(Dataset data)
    {
        int spam = 0;
        foreach (float t in data.Targets)
        {
            spam += t == 1f ? 1 : 0;
        }

        return spam;
    }

    /// <summary>Times each epoch: training (first batch to last batch) and the whole epoch with its validation pass.</summary>
    private sealed class EpochClock : Callback
    {
        private readonly Stopwatch _clock = new();
        private double _start, _lastBatch, _training, _total;
        private int _epochs;

        public double MeanSeconds => _epochs == 0 ? 0 : _training / _epochs;

        public double MeanEpochSeconds => _epochs == 0 ? 0 : _total / _epochs;

        public override void OnTrainBegin() => _clock.Restart();

        public override void OnEpochBegin(int epoch) => _start = _lastBatch = _clock.Elapsed.TotalSeconds;

        public override void OnBatchEnd(int batch, float loss) => _lastBatch = _clock.Elapsed.TotalSeconds;

        public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, float> logs)
        {
            _training += _lastBatch - _start;
            _total += _clock.Elapsed.TotalSeconds - _start;
            _epochs++;
        }
    }
}
