namespace PgAllInOne.Grains.Audit;

/// <summary>The audit trail's retention (configuration section "Audit"), applied by the maintenance job.</summary>
public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>Entries older than this many days are deleted by the maintenance round.</summary>
    public int RetentionDays { get; set; } = 365;
}
