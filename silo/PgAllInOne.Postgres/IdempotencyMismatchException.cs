namespace PgAllInOne.Postgres;

/// <summary>An idempotency key was used before for another request: nothing was written for this one.</summary>
public sealed class IdempotencyMismatchException : Exception
{
    public IdempotencyMismatchException() { }

    public IdempotencyMismatchException(string message) : base(message) { }

    public IdempotencyMismatchException(string message, Exception inner) : base(message, inner) { }
}
