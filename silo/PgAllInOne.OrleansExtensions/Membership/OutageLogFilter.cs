using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PgAllInOne.Postgres;

namespace PgAllInOne.OrleansExtensions.Membership;

/// <summary>
/// While <see cref="PostgresReachability"/> reports PostgreSQL lost (which it logs once), the warnings of Orleans'
/// membership that only repeat it — a failed table refresh or heartbeat, each with a stack trace, on every retry — are
/// left out; errors still pass, and outside an outage these categories log at their configured level.
/// </summary>
internal sealed class OutageLogFilter(IServiceProvider services) : IPostConfigureOptions<LoggerFilterOptions>
{
    private static readonly string[] Categories =
    [
        "Orleans.Runtime.MembershipService.MembershipTableManager",
        "Orleans.Runtime.MembershipService.MembershipAgent",
        "Orleans.Runtime.MembershipService.MembershipTableCleanupAgent",
    ];

    // Resolved on first use: the reachability logs through the logger factory that these options configure.
    private PostgresReachability? reachability;

    public void PostConfigure(string? name, LoggerFilterOptions options)
    {
        foreach (var category in Categories)
        {
            // The most specific rule wins, so this one carries the level that the configuration gives the category.
            options.Rules.Add(new LoggerFilterRule(null, category, ConfiguredLevel(options, category), (_, _, level) => level > LogLevel.Warning || !IsOutage()));
        }
    }

    private bool IsOutage() => (reachability ??= services.GetRequiredService<PostgresReachability>()).IsLost;

    private static LogLevel ConfiguredLevel(LoggerFilterOptions options, string category) =>
        options.Rules
            .Where(r => r.ProviderName is null && r.Filter is null && r.LogLevel is not null
                && (r.CategoryName is null || category.StartsWith(r.CategoryName, StringComparison.OrdinalIgnoreCase)))
            .OrderByDescending(r => r.CategoryName?.Length ?? -1)
            .Select(r => r.LogLevel!.Value)
            .DefaultIfEmpty(options.MinLevel)
            .First();
}
