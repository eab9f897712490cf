using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using PgAllInOne.Postgres;

namespace PgAllInOne.Silo.Health;

/// <summary>Ready: the migrations are applied, the silo is active in its cluster's membership, and PostgreSQL answers.</summary>
internal sealed class ReadinessCheck(ISiloStatusOracle silo, PostgresDatabase database) : IHealthCheck
{
    private static readonly TimeSpan DatabaseTimeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!database.MigrationsApplied)
        {
            return HealthCheckResult.Unhealthy("The silo is starting: migrations are not applied yet.");
        }

        if (silo.CurrentStatus != SiloStatus.Active)
        {
            return HealthCheckResult.Unhealthy($"Silo {silo.SiloAddress} is {silo.CurrentStatus}, not active in the membership of its cluster.");
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(DatabaseTimeout);
            await using var command = database.DataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(timeout.Token);
        }
        catch (Exception exception) when (exception is NpgsqlException or OperationCanceledException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy($"PostgreSQL is not reachable: {exception.Message}");
        }

        return HealthCheckResult.Healthy();
    }
}
