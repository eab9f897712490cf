using Microsoft.Extensions.Options;
using Npgsql;
using PgAllInOne.Grains.Idempotency;
using PgAllInOne.Grains.Partitions;
using PgAllInOne.Postgres;

namespace PgAllInOne.Grains.Maintenance;

/// <summary>
/// Keeps the partitioned tables ready: monthly <c>events</c> partitions and daily <c>metrics</c> partitions created
/// ahead of time, a partition for every period whose rows wait in a default partition (the rows moved into it),
/// metric partitions past retention dropped whole (raw and compacted, with their rollups), expired records deleted, the group commit log
/// purged past its window, idempotency keys past theirs, audit entries past their retention deleted. One silo at a time, under an advisory lock, on the
/// owner's connection; the DDL itself goes through <see cref="PartitionCatalog"/>.
/// </summary>
/// <param name="idempotency">The idempotency keys' window; absent: the default.</param>
public sealed class PartitionMaintenance(NpgsqlDataSource dataSource, IOptions<MaintenanceOptions> options, IOptions<Audit.AuditOptions>? audit = null, IOptions<IdempotencyOptions>? idempotency = null)
{
    // Any fixed 64-bit number shared by all silos; spells "pgaiomnt" in ASCII.
    private const long LockKey = 0x7067_6169_6f6d_6e74;

    public async Task<MaintenanceReport> RunOnceAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var created = new List<string>();
        var dropped = new List<string>();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var retainedFrom = today.AddDays(-options.Value.MetricRetentionDays);
        int expired, purged, expiredAudit, purgedKeys;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await using (var tryLock = new NpgsqlCommand(GrainsSql.Get("Maintenance/TryMaintenanceLock.sql"), connection))
            {
                tryLock.Parameters.Add(new NpgsqlParameter<long> { TypedValue = LockKey });
                if (await tryLock.ExecuteScalarAsync(cancellationToken) is not true)
                {
                    return MaintenanceReport.SkippedRound;
                }
            }

            var month = PartitionScheme.Events.PeriodOf(now);
            await CreateAheadAsync(connection, PartitionScheme.Events, Enumerable.Range(0, options.Value.EventMonthsAhead + 1).Select(i => month.AddMonths(i)), created, cancellationToken);
            await CreateAheadAsync(connection, PartitionScheme.Metrics, Enumerable.Range(0, options.Value.MetricDaysAhead + 1).Select(today.AddDays), created, cancellationToken);

            // A day past retention goes whole: its raw partition and its compacted one (under the compaction's lock).
            await PartitionCatalog.LockAsync(connection, PartitionScheme.MetricsCompact, cancellationToken);
            foreach (var scheme in new[] { PartitionScheme.Metrics, PartitionScheme.MetricsCompact })
            {
                foreach (var name in (await PartitionCatalog.ListAsync(connection, scheme, cancellationToken)).Order(StringComparer.Ordinal))
                {
                    if (scheme.TryParse(name, out var day) && day.AddDays(1) <= retainedFrom)
                    {
                        await PartitionCatalog.DropAsync(connection, scheme, name, cancellationToken);
                        dropped.Add(name);
                    }
                }
            }

            // What retention removes, it removes from the rollups too (partitions dropped fire no trigger).
            var retainedInstant = new DateTimeOffset(retainedFrom.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            foreach (var file in new[] { "Maintenance/DeleteExpiredMetricsInDefault.sql", "Rollups/DeleteMetricRollupsBefore.sql", "Rollups/DeleteHourlyMetricRollupsBefore.sql", "Rollups/DeleteMetricDirtyBefore.sql" })
            {
                await ExecuteAsync(connection, file, retainedInstant, cancellationToken);
            }

            expired = await ExecuteAsync(connection, "Maintenance/DeleteExpiredRecords.sql", now, cancellationToken);
            purged = await CommitLog.PurgeAsync(connection, now - options.Value.CommitLogRetention, cancellationToken);
            purgedKeys = await IdempotencyKeys.PurgeAsync(connection, now - (idempotency?.Value ?? new IdempotencyOptions()).IdempotencyWindow, cancellationToken);
            var auditRetention = TimeSpan.FromDays((audit?.Value ?? new Audit.AuditOptions()).RetentionDays);
            expiredAudit = await ExecuteAsync(connection, "Maintenance/DeleteExpiredAudit.sql", now - auditRetention, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        // Rows in the default partitions (stored before their period had a partition): each period gets its partition
        // and its rows in a transaction of its own, so that writers wait on one period's move at most.
        await MoveOutOfDefaultAsync(connection, PartitionScheme.Events, DateOnly.MinValue, created, cancellationToken);
        await MoveOutOfDefaultAsync(connection, PartitionScheme.Metrics, retainedFrom, created, cancellationToken);
        return new MaintenanceReport(false, created, dropped, expired, purged) { ExpiredAuditEntries = expiredAudit, PurgedIdempotencyKeys = purgedKeys };
    }

    private static async Task CreateAheadAsync(NpgsqlConnection connection, PartitionScheme scheme, IEnumerable<DateOnly> periods, List<string> created, CancellationToken cancellationToken)
    {
        await PartitionCatalog.LockAsync(connection, scheme, cancellationToken);
        var existing = await PartitionCatalog.ListAsync(connection, scheme, cancellationToken);
        foreach (var period in periods.Where(p => !existing.Contains(scheme.Name(p))))
        {
            await PartitionCatalog.CreateAsync(connection, scheme, period, cancellationToken);
            created.Add(scheme.Name(period));
        }
    }

    private static async Task MoveOutOfDefaultAsync(NpgsqlConnection connection, PartitionScheme scheme, DateOnly retainedFrom, List<string> created, CancellationToken cancellationToken)
    {
        foreach (var period in await PartitionCatalog.PeriodsInDefaultAsync(connection, scheme, cancellationToken))
        {
            if (period < retainedFrom)
            {
                continue;
            }

            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await PartitionCatalog.LockAsync(connection, scheme, cancellationToken);
            if (!(await PartitionCatalog.ListAsync(connection, scheme, cancellationToken)).Contains(scheme.Name(period)))
            {
                await PartitionCatalog.CreateAsync(connection, scheme, period, cancellationToken);
                created.Add(scheme.Name(period));
            }

            await transaction.CommitAsync(cancellationToken);
        }
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string file, DateTimeOffset parameter, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(GrainsSql.Get(file), connection);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = parameter });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
