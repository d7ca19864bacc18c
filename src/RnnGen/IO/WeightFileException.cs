namespace RnnGen;

/// <summary>A weight file is malformed or does not match the model. Nothing was loaded into the model.</summary>
public sealed class WeightFileException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, naming the tensor and the expected and actual values.</param>
    public WeightFileException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the underlying cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public WeightFileException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
