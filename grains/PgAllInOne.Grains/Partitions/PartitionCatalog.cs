using System.Collections.Concurrent;
using System.Globalization;
using Npgsql;

namespace PgAllInOne.Grains.Partitions;

/// <summary>
/// The one place that changes partitions (all DDL at run time goes through <see cref="ddlSource"/>, the owner's
/// connection): writers ask for the partitions of their batch's periods before writing (<see cref="EnsureAsync"/>),
/// maintenance creates them ahead, moves rows out of the default partition and drops them past retention.
/// </summary>
public sealed class PartitionCatalog(NpgsqlDataSource ddlSource, TimeProvider clock) : IDisposable
{
    /// <summary>How long a writer leaves a period to maintenance once attaching its partition failed.</summary>
    private static readonly TimeSpan Deferral = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, byte> attached = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> deferred = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim creating = new(1, 1);

    /// <summary>
    /// Makes sure the partitions of the periods of <paramref name="times"/> exist, so that the rows land there rather
    /// than in the default partition. Best effort: a period whose partition cannot be attached at once (the default
    /// partition holds rows of it, or the lock is not had within a second) is left to maintenance; its rows go to the
    /// default partition meanwhile, where readers see them as well.
    /// </summary>
    public async Task EnsureAsync(PartitionScheme scheme, IEnumerable<DateTimeOffset> times, CancellationToken cancellationToken = default)
    {
        var missing = MissingPeriods(scheme, times);
        if (missing.Count == 0)
        {
            return;
        }

        await creating.WaitAsync(cancellationToken);
        try
        {
            await RefreshAsync(scheme, cancellationToken);
            foreach (var period in missing.Where(p => !attached.ContainsKey(scheme.Name(p))))
            {
                if (!await TryAttachEmptyAsync(scheme, period, cancellationToken))
                {
                    deferred[scheme.Name(period)] = clock.GetUtcNow() + Deferral;
                }
            }
        }
        finally
        {
            creating.Release();
        }
    }

    private List<DateOnly> MissingPeriods(PartitionScheme scheme, IEnumerable<DateTimeOffset> times)
    {
        var now = clock.GetUtcNow();
        var periods = new HashSet<DateOnly>();
        foreach (var time in times)
        {
            periods.Add(scheme.PeriodOf(time));
        }

        return [.. periods.Where(p => !attached.ContainsKey(scheme.Name(p)) && !(deferred.TryGetValue(scheme.Name(p), out var until) && now < until))];
    }

    private async Task RefreshAsync(PartitionScheme scheme, CancellationToken cancellationToken)
    {
        await using var connection = await ddlSource.OpenConnectionAsync(cancellationToken);
        foreach (var name in await ListAsync(connection, scheme, cancellationToken))
        {
            attached.TryAdd(name, 0);
        }
    }

    private async Task<bool> TryAttachEmptyAsync(PartitionScheme scheme, DateOnly period, CancellationToken cancellationToken)
    {
        await using var connection = await ddlSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await using (var timeout = new NpgsqlCommand(GrainsSql.Get("Partitions/ShortLockTimeout.sql"), connection, transaction))
            {
                await timeout.ExecuteNonQueryAsync(cancellationToken);
            }

            await LockAsync(connection, scheme, cancellationToken);
            if ((await ListAsync(connection, scheme, cancellationToken)).Contains(scheme.Name(period)))
            {
                attached.TryAdd(scheme.Name(period), 0);
                return true;
            }

            await ExecuteTemplateAsync(connection, "Partitions/AttachEmptyPartition.sql", scheme, period, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            attached.TryAdd(scheme.Name(period), 0);
            return true;
        }
        catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.CheckViolation or PostgresErrorCodes.LockNotAvailable)
        {
            // 23514: the default partition holds rows of the period; 55P03: a lock was not had within the second.
            return false;
        }
    }

    /// <summary>The partitions of <paramref name="scheme"/>'s table (the default partition among them).</summary>
    public static async Task<HashSet<string>> ListAsync(NpgsqlConnection connection, PartitionScheme scheme, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(GrainsSql.Get("Partitions/ListPartitions.sql"), connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = scheme.Parent });
        var names = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>Takes the table's partition DDL lock for the rest of the transaction.</summary>
    public static async Task LockAsync(NpgsqlConnection connection, PartitionScheme scheme, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(GrainsSql.Get("Partitions/LockPartitionDdl.sql"), connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = scheme.DdlLockKey });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The periods whose rows wait in the default partition.</summary>
    public static async Task<List<DateOnly>> PeriodsInDefaultAsync(NpgsqlConnection connection, PartitionScheme scheme, CancellationToken cancellationToken)
    {
        var sql = GrainsSql.Get("Partitions/PeriodsInDefault.sql")
            .Replace("{default}", scheme.Default, StringComparison.Ordinal)
            .Replace("{column}", scheme.Column, StringComparison.Ordinal)
            .Replace("{unit}", scheme == PartitionScheme.Events ? "month" : "day", StringComparison.Ordinal);
        await using var command = new NpgsqlCommand(sql, connection);
        var periods = new List<DateOnly>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            periods.Add(reader.GetFieldValue<DateOnly>(0));
        }

        return periods;
    }

    /// <summary>Creates the period's partition, moving the rows of it that waited in the default partition.</summary>
    public static Task CreateAsync(NpgsqlConnection connection, PartitionScheme scheme, DateOnly period, CancellationToken cancellationToken) =>
        ExecuteTemplateAsync(connection, "Partitions/CreatePartition.sql", scheme, period, cancellationToken);

    /// <summary>Creates the period's partition empty and attaches it (a table without a default partition).</summary>
    public static Task AttachEmptyAsync(NpgsqlConnection connection, PartitionScheme scheme, DateOnly period, CancellationToken cancellationToken) =>
        ExecuteTemplateAsync(connection, "Partitions/AttachEmptyPartition.sql", scheme, period, cancellationToken);

    /// <summary>Detaches and drops a whole partition.</summary>
    public static async Task DropAsync(NpgsqlConnection connection, PartitionScheme scheme, string partition, CancellationToken cancellationToken)
    {
        var sql = GrainsSql.Get("Partitions/DropPartition.sql")
            .Replace("{parent}", scheme.Parent, StringComparison.Ordinal)
            .Replace("{partition}", partition, StringComparison.Ordinal);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // DDL takes no parameters: the template's blanks are filled with the scheme's names and dates, never with input.
    private static async Task ExecuteTemplateAsync(NpgsqlConnection connection, string template, PartitionScheme scheme, DateOnly period, CancellationToken cancellationToken)
    {
        var sql = GrainsSql.Get(template)
            .Replace("{parent}", scheme.Parent, StringComparison.Ordinal)
            .Replace("{partition}", scheme.Name(period), StringComparison.Ordinal)
            .Replace("{column}", scheme.Column, StringComparison.Ordinal)
            .Replace("{from}", Midnight(period), StringComparison.Ordinal)
            .Replace("{to}", Midnight(scheme.Next(period)), StringComparison.Ordinal);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public void Dispose() => creating.Dispose();

    private static string Midnight(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " 00:00:00+00";
}
