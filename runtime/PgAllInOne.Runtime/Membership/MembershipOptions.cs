namespace PgAllInOne.Runtime.Membership;

/// <summary>Failure detection timings (configuration section "Membership").</summary>
public sealed class MembershipOptions
{
    public const string SectionName = "Membership";

    /// <summary>How often a silo writes its heartbeat and rereads the membership.</summary>
    public TimeSpan HeartbeatPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A silo whose last heartbeat is older than this is declared dead. With the defaults a killed silo is found within 6 s.</summary>
    public TimeSpan DeathTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
