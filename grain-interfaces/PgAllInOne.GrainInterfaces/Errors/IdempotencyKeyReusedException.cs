namespace PgAllInOne.GrainInterfaces.Errors;

/// <summary>An idempotency key was used before for another request (HTTP 422); nothing was written for this one.</summary>
[GenerateSerializer, Alias("pgaio.IdempotencyKeyReusedException")]
public sealed class IdempotencyKeyReusedException : InvalidOperationException
{
    /// <inheritdoc />
    public IdempotencyKeyReusedException() { }

    /// <inheritdoc />
    public IdempotencyKeyReusedException(string message) : base(message) { }

    /// <inheritdoc />
    public IdempotencyKeyReusedException(string message, Exception inner) : base(message, inner) { }
}
