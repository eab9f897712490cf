namespace PgAllInOne.Grains.Rollups;

/// <summary>The continuous rollups' job (configuration section "Rollups").</summary>
public sealed class RollupOptions
{
    public const string SectionName = "Rollups";

    /// <summary>How often the job folds queued hours into the rollups.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Hours that ended less than this ago stay raw (the tail above the watermark), so that the hour being written is
    /// not re-aggregated on every round.
    /// </summary>
    public TimeSpan Lag { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>At most this many queued hours are folded in per transaction.</summary>
    public int MaxHoursPerRound { get; set; } = 24 * 7;
}
