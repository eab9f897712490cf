namespace PgAllInOne.Postgres;

/// <summary>A <see cref="GroupCommitWriter{TPending, TResult}"/> refused a write at once: nothing was written.</summary>
public sealed class GroupCommitRefusedException : Exception
{
    public GroupCommitRefusedException(Enqueued reason, string message) : base(message) => Reason = reason;

    /// <summary><see cref="Enqueued.Full"/> (the database is behind) or <see cref="Enqueued.Closed"/> (the writer stops).</summary>
    public Enqueued Reason { get; }
}
