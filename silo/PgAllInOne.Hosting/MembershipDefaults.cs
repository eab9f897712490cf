using Orleans.Configuration;

namespace PgAllInOne.Hosting;

/// <summary>
/// Failure detection tuned for a small cluster: a killed silo is voted dead within about two seconds (two missed
/// one-second probes, two votes when there are three silos or more), so its grains answer again on the others within
/// five; the table is reread every two seconds. A PostgreSQL outage stops no silo: Orleans only declares a silo dead by
/// writing the table, and a silo that cannot write its heartbeat carries on. Any of these can be set in the
/// "Membership" section (Orleans' <see cref="ClusterMembershipOptions"/>).
/// </summary>
internal static class MembershipDefaults
{
    public const string SectionName = "Membership";

    public static void Apply(ClusterMembershipOptions options)
    {
        options.ProbeTimeout = TimeSpan.FromSeconds(1);
        options.NumMissedProbesLimit = 2;
        options.NumVotesForDeathDeclaration = 2;
        options.TableRefreshTimeout = TimeSpan.FromSeconds(2);
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
        options.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(10);

        // Silos that left stay listed as dead for an hour, then go from the table.
        options.DefunctSiloExpiration = TimeSpan.FromHours(1);
        options.DefunctSiloCleanupPeriod = TimeSpan.FromMinutes(10);
    }
}
