using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;
using PgAllInOne.Grains.Idempotency;
using PgAllInOne.Postgres;

namespace PgAllInOne.Grains.Maintenance;

/// <summary>
/// Keeps the partitioned tables ready: monthly <c>events</c> partitions and daily <c>metrics</c> partitions created
/// ahead of time (moving rows that waited in the default partition), metric partitions past retention dropped whole,
/// expired records deleted, the group commit log and the idempotency keys purged past their windows. One silo at a time,
/// in one transaction, under an advisory lock.
/// </summary>
/// <param name="idempotency">The idempotency keys' window; absent: the default.</param>
public sealed class PartitionMaintenance(NpgsqlDataSource dataSource, IOptions<MaintenanceOptions> options, IOptions<IdempotencyOptions>? idempotency = null)
{
    // Any fixed 64-bit number shared by all silos; spells "pgaiomnt" in ASCII.
    private const long LockKey = 0x7067_6169_6f6d_6e74;

    public async Task<MaintenanceReport> RunOnceAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var tryLock = new NpgsqlCommand(GrainsSql.Get("Maintenance/TryMaintenanceLock.sql"), connection))
        {
            tryLock.Parameters.Add(new NpgsqlParameter<long> { TypedValue = LockKey });
            if (await tryLock.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return MaintenanceReport.SkippedRound;
            }
        }

        var created = new List<string>();
        var dropped = new List<string>();
        var today = DateOnly.FromDateTime(now.UtcDateTime);

        var eventPartitions = await ListPartitionsAsync(connection, "events", cancellationToken);
        var month = new DateOnly(today.Year, today.Month, 1);
        for (var i = 0; i <= options.Value.EventMonthsAhead; i++, month = month.AddMonths(1))
        {
            var name = $"events_p{month:yyyy_MM}";
            if (!eventPartitions.Contains(name))
            {
                await CreatePartitionAsync(connection, "events", name, "occurred_at", month, month.AddMonths(1), cancellationToken);
                created.Add(name);
            }
        }

        var metricPartitions = await ListPartitionsAsync(connection, "metrics", cancellationToken);
        for (var day = today; day <= today.AddDays(options.Value.MetricDaysAhead); day = day.AddDays(1))
        {
            var name = $"metrics_p{day:yyyy_MM_dd}";
            if (!metricPartitions.Contains(name))
            {
                await CreatePartitionAsync(connection, "metrics", name, "time", day, day.AddDays(1), cancellationToken);
                created.Add(name);
            }
        }

        var retainedFrom = today.AddDays(-options.Value.MetricRetentionDays);
        foreach (var name in metricPartitions)
        {
            if (TryParseDay(name, out var day) && day.AddDays(1) <= retainedFrom)
            {
                await ExecuteTemplateAsync(connection, "Maintenance/DropPartition.sql", cancellationToken, ("{parent}", "metrics"), ("{partition}", name));
                dropped.Add(name);
            }
        }

        await ExecuteAsync(connection, "Maintenance/DeleteExpiredMetricsInDefault.sql", new DateTimeOffset(retainedFrom.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), cancellationToken);
        var expired = await ExecuteAsync(connection, "Maintenance/DeleteExpiredRecords.sql", now, cancellationToken);
        var purged = await CommitLog.PurgeAsync(connection, now - options.Value.CommitLogRetention, cancellationToken);
        var keys = await IdempotencyKeys.PurgeAsync(connection, now - (idempotency?.Value ?? new IdempotencyOptions()).IdempotencyWindow, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new MaintenanceReport(false, created, dropped, expired, purged, keys);
    }

    private static async Task<HashSet<string>> ListPartitionsAsync(NpgsqlConnection connection, string parent, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(GrainsSql.Get("Maintenance/ListPartitions.sql"), connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = parent });
        var names = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private static Task CreatePartitionAsync(NpgsqlConnection connection, string parent, string name, string column, DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        ExecuteTemplateAsync(connection, "Maintenance/CreatePartition.sql", cancellationToken,
            ("{parent}", parent), ("{partition}", name), ("{column}", column),
            ("{from}", from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " 00:00:00+00"),
            ("{to}", to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " 00:00:00+00"));

    // DDL takes no parameters: the template's blanks are filled with table names and dates made above, never with input.
    private static async Task ExecuteTemplateAsync(NpgsqlConnection connection, string template, CancellationToken cancellationToken, params (string Blank, string Value)[] fills)
    {
        var sql = GrainsSql.Get(template);
        foreach (var (blank, value) in fills)
        {
            sql = sql.Replace(blank, value, StringComparison.Ordinal);
        }

        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string file, DateTimeOffset parameter, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(GrainsSql.Get(file), connection);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = parameter });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static bool TryParseDay(string partition, out DateOnly day) =>
        DateOnly.TryParseExact(partition.Replace("metrics_p", "", StringComparison.Ordinal), "yyyy_MM_dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
}
