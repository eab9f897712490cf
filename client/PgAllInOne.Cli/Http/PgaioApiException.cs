namespace PgAllInOne.Cli.Http;

/// <summary>The facade answered with an error status; <see cref="Detail"/> is the problem document's <c>detail</c>.</summary>
public sealed class PgaioApiException : Exception
{
    public PgaioApiException()
    {
        Detail = "";
    }

    public PgaioApiException(string message)
        : base(message)
    {
        Detail = message;
    }

    public PgaioApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Detail = message;
    }

    public PgaioApiException(int status, string detail, TimeSpan? retryAfter = null)
        : base($"{status} {detail}")
    {
        Status = status;
        Detail = detail;
        RetryAfter = retryAfter;
    }

    public int Status { get; }

    public string Detail { get; }

    /// <summary>The server's Retry-After on a 429, so that a load generator can back off as asked.</summary>
    public TimeSpan? RetryAfter { get; }
}
