namespace PgAllInOne.GrainInterfaces.Errors;

/// <summary>
/// The silo has more work waiting than it takes: the request was refused at once, before anything was written, so that
/// what is admitted stays fast (HTTP 503 with Retry-After).
/// </summary>
[GenerateSerializer, Alias("pgaio.OverloadedException")]
public sealed class OverloadedException : Exception
{
    public OverloadedException() { }

    public OverloadedException(string message) : base(message) { }

    public OverloadedException(string message, Exception inner) : base(message, inner) { }
}
