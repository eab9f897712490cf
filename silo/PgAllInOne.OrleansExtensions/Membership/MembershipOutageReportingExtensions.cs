using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PgAllInOne.Postgres;

namespace PgAllInOne.OrleansExtensions.Membership;

public static class MembershipOutageReportingExtensions
{
    /// <summary>
    /// Orleans' membership table reports what it meets to <see cref="PostgresReachability"/> before Orleans logs it, and
    /// Orleans' membership warnings that only repeat an outage being reported are left out (<see cref="OutageLogFilter"/>).
    /// Call after the clustering provider is added: ours wraps its table.
    /// </summary>
    public static ISiloBuilder AddMembershipOutageReporting(this ISiloBuilder silo)
    {
        silo.Services.AddSingleton<IPostConfigureOptions<LoggerFilterOptions>, OutageLogFilter>();
        silo.Services.Decorate<IMembershipTable, ReachabilityMembershipTable>(ReachabilityMembershipTable.InnerKey);
        return silo;
    }
}
