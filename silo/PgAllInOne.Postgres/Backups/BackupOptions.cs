namespace PgAllInOne.Postgres.Backups;

/// <summary>Continuous backups (configuration section "Backup"); none while <see cref="Directory"/> is not set.</summary>
public sealed class BackupOptions
{
    public const string SectionName = "Backup";

    /// <summary>Where the WAL is streamed and the base backups kept; null or empty: no backups.</summary>
    public string? Directory { get; set; }

    /// <summary>Time between base backups (one is taken at once when none exists).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Verified base backups kept; older ones are removed with the WAL only they need.</summary>
    public int Keep { get; set; } = 7;

    /// <summary>A write is acknowledged only once its WAL is in <see cref="Directory"/>.</summary>
    public bool Synchronous { get; set; }

    /// <summary>With <see cref="Synchronous"/>: how long the backup location may fall behind before writes are refused (503) rather than kept waiting.</summary>
    public TimeSpan SynchronousTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public bool Enabled => !string.IsNullOrWhiteSpace(Directory);
}
