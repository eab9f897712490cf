namespace PgAllInOne.Postgres;

/// <summary>Reads from standbys (configuration section "Postgres"): whether, and how far behind a standby may be.</summary>
public sealed class StandbyReadOptions
{
    public const string SectionName = "Postgres";

    /// <summary>
    /// <c>prefer</c> (the default): with several hosts, analytics, search, record queries, event listings and the
    /// dashboard read from a standby that is close enough, else from the primary; <c>off</c>: everything from the primary.
    /// </summary>
    public string StandbyReads { get; set; } = "prefer";

    /// <summary>A standby further behind than this serves no reads.</summary>
    public TimeSpan MaxStandbyLag { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often each host is asked for its role and position.</summary>
    public TimeSpan HostCheckInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    internal bool Enabled => string.Equals(StandbyReads, "prefer", StringComparison.OrdinalIgnoreCase);
}
