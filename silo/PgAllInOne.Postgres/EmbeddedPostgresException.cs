namespace PgAllInOne.Postgres;

/// <summary>The embedded PostgreSQL could not be found, initialized, started or stopped; the message says what to do.</summary>
public sealed class EmbeddedPostgresException : Exception
{
    public EmbeddedPostgresException() { }

    public EmbeddedPostgresException(string message) : base(message) { }

    public EmbeddedPostgresException(string message, Exception inner) : base(message, inner) { }
}
