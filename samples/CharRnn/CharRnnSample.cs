using RnnGen.Plotting;

namespace RnnGen.Samples.CharRnn;

/// <summary>
/// A character-level language model on the text of the GNU GPL v3: predict the next character from the previous
/// <see cref="Context"/>, compare the loss with the unigram entropy, then generate text one character at a time
/// with the streaming <c>Step</c>.
/// </summary>
public static class CharRnnSample
{
    /// <summary>Characters of context per prediction (the model's timesteps).</summary>
    public const int Context = 16;

    /// <summary>The held-out fraction: the last 10% of the windows.</summary>
    public const double ValidationSplit = 0.1;

    /// <summary>The sampling temperatures: 0.5 (conservative) and 1.0 (the model's own distribution).</summary>
    public static readonly float[] Temperatures = [0.5f, 1.0f];

    /// <summary>The text every generated sample starts from.</summary>
    public const string Prompt = "the program ";

    /// <summary>
    /// Normalizes and encodes the text, trains <see cref="CharModel"/> on (16 characters → next character) windows
    /// with sparse categorical cross-entropy and Adam(0.003) until the epochs or the time budget run out, prints the
    /// losses against the unigram entropy and samples at each temperature, and saves the weights and a loss chart.
    /// </summary>
    public static CharRnnResult Run(TextWriter output, CharRnnOptions options)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);

        string textPath = options.TextPath ?? Path.Combine(AppContext.BaseDirectory, "data", "gpl-3.0.txt");
        string text = CharVocabulary.Normalize(File.ReadAllText(textPath));
        if (options.TextLength > 0 && options.TextLength < text.Length)
        {
            text = text[..options.TextLength];
        }

        // window i: ids [i, i+16) -> id i+16, the next character
        Dataset data = TimeSeries.Windows(CharVocabulary.Encode(text), Context);
        (Dataset train, Dataset? validation) = data.Split(ValidationSplit);
        if (validation is null)
        {
            throw new InvalidOperationException($"{data.Count} windows leave nothing to validate on.");
        }

        double entropy = UnigramEntropy(train.Targets);
        output.WriteLine($"{text.Length} characters of {Path.GetFileName(textPath)}, alphabet of {CharVocabulary.Size}: \"{CharVocabulary.Alphabet}\"");
        output.WriteLine($"{train.Count} training windows, {validation.Count} validation windows (the last {ValidationSplit * 100}%)");
        output.WriteLine(FormattableString.Invariant($"unigram entropy of the training characters: {entropy:0.0000} nats/char (uniform: ln {CharVocabulary.Size} = {Math.Log(CharVocabulary.Size):0.0000})"));
        output.WriteLine();

        var model = new CharModel(options.Seed);
        output.WriteLine(CharModel.Summary);
        Loss loss = Losses.SparseCategoricalCrossentropy();
        float initialLoss = model.Evaluate(validation, loss)["loss"];

        var budget = new TimeBudget(options.Seconds);
        History history = model.Fit(train, new TrainingOptions
        {
            Epochs = options.Epochs,
            BatchSize = 32,
            Loss = loss,
            Optimizer = new Adam(0.003f),
            Metrics = [Metrics.Accuracy()],
            ValidationData = validation,
            Seed = options.Seed,
            Callbacks = [budget],
            Output = output,
        });

        float trainingLoss = history["loss"][^1], validationLoss = history["val_loss"][^1];
        output.WriteLine();
        output.WriteLine(FormattableString.Invariant($"trained {history.Epochs} epoch(s) in {budget.Elapsed:0.0} s; per-character loss (nats):"));
        output.WriteLine(FormattableString.Invariant($"  untrained model (validation)  {initialLoss:0.0000}"));
        output.WriteLine(FormattableString.Invariant($"  unigram entropy               {entropy:0.0000}"));
        output.WriteLine(FormattableString.Invariant($"  training (last epoch)         {trainingLoss:0.0000}"));
        output.WriteLine(FormattableString.Invariant($"  validation                    {validationLoss:0.0000}  ({(validationLoss < entropy ? "below" : "NOT below")} the unigram entropy)"));

        var random = new Random(options.Seed);
        var samples = new List<(float Temperature, string Text)>();
        foreach (float temperature in Temperatures)
        {
            string sample = Generate(model, Prompt, options.SampleLength, temperature, random);
            samples.Add((temperature, sample));
            output.WriteLine();
            output.WriteLine(FormattableString.Invariant($"temperature {temperature:0.0}:"));
            output.WriteLine(Prompt + sample);
        }

        output.WriteLine();
        Directory.CreateDirectory(options.OutputDirectory);
        string weightsPath = Path.Combine(options.OutputDirectory, "charrnn.safetensors");
        string plotPath = Path.Combine(options.OutputDirectory, "loss.png");
        model.SaveWeights(weightsPath);
        HistoryPlot.SaveLoss(history, plotPath);
        output.WriteLine($"saved {weightsPath} and {plotPath}");

        return new CharRnnResult(history.Epochs, budget.Elapsed, entropy, initialLoss, trainingLoss, validationLoss, samples);
    }

    /// <summary>
    /// Streams <paramref name="prompt"/> through the model one character at a time from a zero state, then samples
    /// <paramref name="length"/> characters, feeding each back in: <c>p_i ∝ exp(ln(y_i) / T)</c>.
    /// </summary>
    public static string Generate(CharModel model, string prompt, int length, float temperature, Random random)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(prompt);
        ArgumentNullException.ThrowIfNull(random);

        Span<float> y = stackalloc float[CharModel.OutputSize];
        model.ResetState();
        foreach (char c in CharVocabulary.Normalize(prompt))
        {
            model.Step(CharVocabulary.Id(c), y);
        }

        if (prompt.EndsWith(' '))
        {
            model.Step(0, y); // Normalize trims the trailing space; the prompt's last character is that space
        }

        var generated = new char[length];
        for (int n = 0; n < length; n++)
        {
            int id = SampleIndex(y, temperature, random);
            generated[n] = CharVocabulary.Char(id);
            model.Step(id, y);
        }

        return new string(generated);
    }

    private static int SampleIndex(ReadOnlySpan<float> probabilities, float temperature, Random random)
    {
        // p_i^(1/T), renormalized: the softmax of ln(p_i) / T
        Span<double> weights = stackalloc double[probabilities.Length];
        double total = 0;
        for (int i = 0; i < probabilities.Length; i++)
        {
            weights[i] = Math.Pow(Math.Max(probabilities[i], 1e-12f), 1.0 / temperature);
            total += weights[i];
        }

        double u = random.NextDouble() * total;
        for (int i = 0; i < weights.Length; i++)
        {
            u -= weights[i];
            if (u <= 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }

    /// <summary><c>H = -Σ p_c ln p_c</c> over the frequencies of the (integer-valued) labels.</summary>
    private static double UnigramEntropy(ReadOnlySpan<float> labels)
    {
        Span<int> counts = stackalloc int[CharVocabulary.Size];
        foreach (float label in labels)
        {
            counts[(int)label]++;
        }

        double entropy = 0;
        foreach (int count in counts)
        {
            if (count > 0)
            {
                double p = (double)count / labels.Length;
                entropy -= p * Math.Log(p);
            }
        }

        return entropy;
    }
}
