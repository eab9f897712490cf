using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using PgAllInOne.OrleansExtensions.DatabaseFailures;
using PgAllInOne.Postgres;

namespace PgAllInOne.OrleansExtensions.Membership;

/// <summary>
/// Orleans' membership table, telling <see cref="PostgresReachability"/> what each call found before Orleans hears of
/// it: the first failed heartbeat or refresh of an outage is then the outage's one warning, and Orleans' own warning
/// about it, logged after, is known to repeat it (<see cref="OutageLogFilter"/>), whichever connection noticed first.
/// </summary>
internal sealed class ReachabilityMembershipTable(
    [FromKeyedServices(ReachabilityMembershipTable.InnerKey)] IMembershipTable table,
    PostgresReachability reachability) : IMembershipTable
{
    /// <summary>The key of the clustering provider's own table, which this one wraps.</summary>
    public const string InnerKey = "pgaio.clustering";

    public Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken) =>
        Observed(table.InitializeMembershipTableAsync(tryInitTableVersion, cancellationToken));

    public Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken) =>
        Observed(table.DeleteMembershipTableEntriesAsync(clusterId, cancellationToken));

    public Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken) =>
        Observed(table.CleanupDefunctSiloEntriesAsync(beforeDate, cancellationToken));

    public Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken) =>
        Observed(table.ReadRowAsync(key, cancellationToken));

    public Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken) => Observed(table.ReadAllAsync(cancellationToken));

    public Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken) =>
        Observed(table.InsertRowAsync(entry, tableVersion, cancellationToken));

    public Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken) =>
        Observed(table.UpdateRowAsync(entry, etag, tableVersion, cancellationToken));

    public Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken) =>
        Observed(table.UpdateIAmAliveAsync(entry, cancellationToken));

    // The interface's older overloads, which Orleans no longer calls; they take the same path.
    public Task InitializeMembershipTable(bool tryInitTableVersion) => InitializeMembershipTableAsync(tryInitTableVersion, CancellationToken.None);

    public Task DeleteMembershipTableEntries(string clusterId) => DeleteMembershipTableEntriesAsync(clusterId, CancellationToken.None);

    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate) => CleanupDefunctSiloEntriesAsync(beforeDate, CancellationToken.None);

    public Task<MembershipTableData> ReadRow(SiloAddress key) => ReadRowAsync(key, CancellationToken.None);

    public Task<MembershipTableData> ReadAll() => ReadAllAsync(CancellationToken.None);

    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) => InsertRowAsync(entry, tableVersion, CancellationToken.None);

    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) => UpdateRowAsync(entry, etag, tableVersion, CancellationToken.None);

    public Task UpdateIAmAlive(MembershipEntry entry) => UpdateIAmAliveAsync(entry, CancellationToken.None);

    private async Task Observed(Task call)
    {
        try
        {
            await call;
            reachability.Reached();
        }
        catch (Exception exception) when (DatabaseFailure.IsTransientWithin(exception))
        {
            reachability.Failed(exception);
            throw;
        }
    }

    private async Task<T> Observed<T>(Task<T> call)
    {
        await Observed((Task)call);
        return await call;
    }
}
