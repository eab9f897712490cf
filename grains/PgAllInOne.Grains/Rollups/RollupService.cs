using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace PgAllInOne.Grains.Rollups;

/// <summary>
/// Runs <see cref="RollupJob"/> once the silo has started, then every <see cref="RollupOptions.Interval"/> of
/// <paramref name="clock"/>; on the owner's connection, like the maintenance job beside it.
/// </summary>
internal sealed partial class RollupService(
    [FromKeyedServices(PgAllInOne.Postgres.PostgresDatabase.AdminKey)] NpgsqlDataSource dataSource,
    IOptions<RollupOptions> options,
    [FromKeyedServices(DataClock.Key)] TimeProvider clock,
    ILogger<RollupService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, clock);
        var job = new RollupJob(dataSource, options);
        do
        {
            try
            {
                var report = await job.RunOnceAsync(clock.GetUtcNow(), stoppingToken);
                if (!report.Skipped && report.MetricHours + report.EventHours > 0)
                {
                    Folded(log, report.MetricHours, report.EventHours, report.Watermark);
                }
            }
            catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException)
            {
                Failed(log, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = LogEvents.RollupRound, Level = LogLevel.Debug, Message = "Rollups: {MetricHours} metric hours and {EventHours} event hours folded in below {Watermark}")]
    private static partial void Folded(ILogger logger, int metricHours, int eventHours, DateTimeOffset watermark);

    [LoggerMessage(EventId = LogEvents.RollupRoundFailed, Level = LogLevel.Warning, Message = "Rollup round failed; the next round tries again (readers take the queued hours raw meanwhile)")]
    private static partial void Failed(ILogger logger, Exception exception);
}
