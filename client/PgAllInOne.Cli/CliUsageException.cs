namespace PgAllInOne.Cli;

/// <summary>A mistake on the command line or in an input the CLI checks itself, reported like an error and exit code 1.</summary>
public sealed class CliUsageException : Exception
{
    public CliUsageException()
    {
    }

    public CliUsageException(string message)
        : base(message)
    {
    }

    public CliUsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
