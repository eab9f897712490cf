using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Options;
using Npgsql;

namespace PgAllInOne.Postgres;

/// <summary>
/// Where a read runs: on a standby close enough to the primary (<see cref="PostgresTopology.StandbysFor"/>) when the
/// connection string has several hosts and <c>Postgres:StandbyReads</c> is <c>prefer</c>, else on the primary. A
/// standby that fails the read as an unreachable server does is passed over, and the read runs on the next one or on
/// the primary: losing a standby fails no read.
/// </summary>
public sealed class StandbyReads(PostgresDatabase database, PostgresTopology topology, IOptions<StandbyReadOptions> options, TimeProvider time)
{
    private readonly bool enabled = options.Value.Enabled && topology.HasSeveralHosts;

    /// <summary>
    /// The time to give <see cref="ReadAsync{T}"/> as <c>writtenAt</c> after a write has been acknowledged: a read given
    /// it runs where that write is visible (read-your-writes).
    /// </summary>
    public DateTimeOffset Now() => time.GetUtcNow();

    /// <summary>Runs <paramref name="read"/> on a standby holding everything committed before <paramref name="writtenAt"/> (any that is close enough when null), else on the primary.</summary>
    public async Task<T> ReadAsync<T>(Func<NpgsqlDataSource, Task<T>> read, DateTimeOffset? writtenAt = null)
    {
        var (served, result) = await OnStandbysAsync(read, writtenAt);
        return served ? result! : await read(database.DataSource);
    }

    /// <summary>
    /// Runs <paramref name="read"/> on a standby close enough, for what the primary could not answer
    /// (<paramref name="primaryFailure"/>, rethrown when no standby can serve it either).
    /// </summary>
    public async Task<T> OnStandbyAsync<T>(Func<NpgsqlDataSource, Task<T>> read, Exception primaryFailure)
    {
        var (served, result) = await OnStandbysAsync(read, writtenAt: null);
        if (!served)
        {
            ExceptionDispatchInfo.Throw(primaryFailure);
        }

        return result!;
    }

    private async Task<(bool Served, T? Result)> OnStandbysAsync<T>(Func<NpgsqlDataSource, Task<T>> read, DateTimeOffset? writtenAt)
    {
        if (!enabled)
        {
            return (false, default);
        }

        foreach (var (host, dataSource) in topology.StandbysFor(writtenAt).Take(2))
        {
            try
            {
                var result = await read(dataSource);
                PostgresTelemetry.StandbyRead(host);
                return (true, result);
            }
            catch (Exception exception) when (PostgresFailure.IsTransient(exception))
            {
                topology.Failed(host);
            }
        }

        return (false, default);
    }
}
