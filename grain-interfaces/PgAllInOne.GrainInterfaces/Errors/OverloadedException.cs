namespace PgAllInOne.GrainInterfaces.Errors;

/// <summary>
/// The silo has more work waiting than it takes: the request was refused at once, before anything was written, so that
/// what is admitted stays fast (HTTP 503 with Retry-After).
/// </summary>
[GenerateSerializer, Alias("pgaio.OverloadedException")]
public sealed class OverloadedException : Exception
{
    /// <inheritdoc />
    public OverloadedException() { }

    /// <inheritdoc />
    public OverloadedException(string message) : base(message) { }

    /// <inheritdoc />
    public OverloadedException(string message, Exception inner) : base(message, inner) { }
}
