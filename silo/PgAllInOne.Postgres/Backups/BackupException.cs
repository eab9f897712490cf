namespace PgAllInOne.Postgres.Backups;

/// <summary>A backup or a restore could not be done; the message says why in one line.</summary>
public sealed class BackupException : Exception
{
    public BackupException(string message) : base(message)
    {
    }

    public BackupException(string message, Exception inner) : base(message, inner)
    {
    }
}
