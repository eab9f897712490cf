using System.Globalization;
using Npgsql;
using PgAllInOne.Grains.Partitions;

namespace PgAllInOne.Grains.Archive;

/// <summary>The statements the archive job and the attach share.</summary>
internal static class ArchiveSql
{
    /// <summary>The archived day, or null (locked to the end of the transaction when <paramref name="forUpdate"/>).</summary>
    public static async Task<ArchivedDay?> FindAsync(NpgsqlConnection connection, DateOnly day, bool forUpdate, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(GrainsSql.Get(forUpdate ? "Archive/LockArchivedDay.sql" : "Archive/ArchivedDay.sql"), connection);
        command.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = day });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ArchivedDay.Read(reader) : null;
    }

    /// <summary>For the rest of the transaction, a lock not had within <paramref name="timeout"/> fails the statement (55P03).</summary>
    public static async Task SetLockTimeoutAsync(NpgsqlConnection connection, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(GrainsSql.Get("Compaction/LockTimeout.sql"), connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = string.Create(CultureInfo.InvariantCulture, $"{(long)timeout.TotalMilliseconds}ms") });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The day's readings in PostgreSQL (raw and compacted): their count and an order-free fingerprint.</summary>
    public static async Task<(long Readings, string Fingerprint)> FingerprintAsync(NpgsqlConnection connection, DateOnly day, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(GrainsSql.Get("Archive/DayFingerprint.sql"), connection) { CommandTimeout = 0 };
        AddDay(command, day);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetString(1));
    }

    /// <summary>Whether hours of the day wait in the rollup queue (not yet folded into the rollups).</summary>
    public static async Task<bool> HoursQueuedAsync(NpgsqlConnection connection, DateOnly day, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(GrainsSql.Get("Archive/HoursQueued.sql"), connection);
        AddDay(command, day);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The day as the [from, to) parameters of <c>metric_readings</c>.</summary>
    public static void AddDay(NpgsqlCommand command, DateOnly day)
    {
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Midnight(day) });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Midnight(day.AddDays(1)) });
    }

    /// <summary>The day's raw partition and its compacted one, those of the two that exist.</summary>
    public static async Task<List<string>> PartitionsAsync(NpgsqlConnection connection, DateOnly day, CancellationToken cancellationToken)
    {
        var partitions = new List<string>();
        if ((await PartitionCatalog.ListAsync(connection, PartitionScheme.Metrics, cancellationToken)).Contains(PartitionScheme.Metrics.Name(day)))
        {
            partitions.Add(PartitionScheme.Metrics.Name(day));
        }

        if ((await PartitionCatalog.ListAsync(connection, PartitionScheme.MetricsCompact, cancellationToken)).Contains(PartitionScheme.MetricsCompact.Name(day)))
        {
            partitions.Add(PartitionScheme.MetricsCompact.Name(day));
        }

        return partitions;
    }

    private static DateTime Midnight(DateOnly day) => day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
}
