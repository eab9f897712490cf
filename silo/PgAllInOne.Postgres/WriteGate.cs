namespace PgAllInOne.Postgres;

/// <summary>
/// Whether the group-commit writers take writes now. Closed while a write could not be acknowledged in time (with
/// synchronous backups: while the backup location is not taking the WAL), so that writes are refused at once with a
/// reason instead of waiting in PostgreSQL without end.
/// </summary>
public sealed class WriteGate
{
    private volatile string? refusal;

    /// <summary>Why writes are refused now; null while the gate is open.</summary>
    public string? Refusal => refusal;

    public void Close(string reason) => refusal = reason;

    public void Open() => refusal = null;
}
