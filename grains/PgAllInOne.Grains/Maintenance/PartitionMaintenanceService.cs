using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace PgAllInOne.Grains.Maintenance;

/// <summary>
/// Runs <see cref="PartitionMaintenance"/>, then <see cref="Compaction.MetricCompaction"/>, then <see cref="Archive.MetricArchive"/> on the owner's connection
/// (DDL, and deletions the serving role may not make) once the silo has started (hosted services start after the Orleans
/// silo is active), then every <see cref="MaintenanceOptions.Interval"/> of <paramref name="clock"/>.
/// </summary>
internal sealed partial class PartitionMaintenanceService(
    [FromKeyedServices(PgAllInOne.Postgres.PostgresDatabase.AdminKey)] NpgsqlDataSource dataSource,
    IOptions<MaintenanceOptions> options,
    IOptions<Audit.AuditOptions> audit,
    IOptions<Idempotency.IdempotencyOptions> idempotency,
    IOptions<Compaction.MetricsOptions> metrics,
    [FromKeyedServices(DataClock.Key)] TimeProvider clock,
    ILogger<PartitionMaintenanceService> log,
    ILogger<Archive.MetricArchive> archiveLog) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, clock);
        do
        {
            try
            {
                var maintenance = new PartitionMaintenance(dataSource, options, audit, idempotency);
                var report = await maintenance.RunOnceAsync(clock.GetUtcNow(), stoppingToken);
                if (!report.Skipped)
                {
                    Ran(log, report.Created.Count, report.Dropped.Count, report.ExpiredRecords, report.PurgedCommits, report.PurgedIdempotencyKeys, report.ExpiredAuditEntries);
                }

                // After retention: the days it dropped are not compacted first.
                var compaction = await new Compaction.MetricCompaction(dataSource, metrics).RunOnceAsync(clock.GetUtcNow(), stoppingToken);
                if (compaction.Compacted.Count > 0)
                {
                    Compacted(log, compaction.Compacted.Count, compaction.Readings, compaction.Deferred.Count);
                }

                await ArchiveAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException)
            {
                Failed(log, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    // After compaction: a day past both is compacted, then archived from its compacted rows. Whatever an archive round
    // meets (a file system, a Parquet encoder), the silo goes on: the next round tries again, every reading still stored.
    private async Task ArchiveAsync(CancellationToken stoppingToken)
    {
        try
        {
            var archive = await new Archive.MetricArchive(dataSource, metrics, archiveLog).RunOnceAsync(clock.GetUtcNow(), stoppingToken);
            if (archive.Archived.Count > 0 || archive.Left.Count > 0)
            {
                Archived(log, archive.Archived.Count, archive.Readings, archive.Left.Count);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            ArchiveFailed(log, exception);
        }
    }

    [LoggerMessage(EventId = LogEvents.ArchiveRoundFailed, Level = LogLevel.Warning, Message = "Archive round failed; every reading it had not archived is still in PostgreSQL, and the next round tries again")]
    private static partial void ArchiveFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = LogEvents.MaintenanceRound, Level = LogLevel.Information, Message = "Maintenance: {Created} partitions created, {Dropped} dropped past retention, {Expired} expired records deleted, {Purged} old commit log entries and {PurgedKeys} idempotency keys past their window purged, {ExpiredAudit} audit entries past retention deleted")]
    private static partial void Ran(ILogger logger, int created, int dropped, int expired, int purged, int purgedKeys, int expiredAudit);

    [LoggerMessage(EventId = LogEvents.CompactionRound, Level = LogLevel.Information, Message = "Compaction: {Days} metric days rewritten compactly ({Readings} readings moved); {Deferred} of them keep their raw pages until a later round")]
    private static partial void Compacted(ILogger logger, int days, long readings, int deferred);

    [LoggerMessage(EventId = LogEvents.ArchiveRound, Level = LogLevel.Information, Message = "Archive: {Days} metric days written to Parquet files and emptied from PostgreSQL ({Readings} readings); {Left} days left for a later round")]
    private static partial void Archived(ILogger logger, int days, long readings, int left);

    [LoggerMessage(EventId = LogEvents.MaintenanceRoundFailed, Level = LogLevel.Warning, Message = "Maintenance round failed; the next round tries again")]
    private static partial void Failed(ILogger logger, Exception exception);
}
