using Microsoft.Extensions.Options;
using Npgsql;
using PgAllInOne.Grains.Rollups;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Rollups;

/// <summary>
/// A read through the rollups plans the hours it guesses queued before it knows: a guess that misses a queued hour is
/// dropped and the read made again, a stale guess (hours folded since) only reads those hours raw, and a failed read
/// leaves no transaction open on the pooled connection.
/// </summary>
public sealed class RollupSnapshotTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 4, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task AGuessThatMissesAQueuedHour_IsReadAgain_AndAStaleGuessStaysExact()
    {
        await using var dataSource = await postgres.CreateMigratedDataSourceAsync();
        var job = new RollupJob(dataSource, Options.Create(new RollupOptions()));
        var hint = QueuedHoursHint.For(dataSource);
        await Sql.ExecuteAsync(dataSource, "INSERT INTO metrics (time, device_id, metric, value) SELECT TIMESTAMPTZ '2026-04-01T00:00:00Z' + i * interval '1 minute', 'd1', 'temp', i FROM generate_series(0, 599) i");
        await job.RunOnceAsync(T0 + TimeSpan.FromDays(1));

        // Nothing queued, nothing guessed: one look.
        Assert.Equal(10 * 60 * 599 / 2.0, await SumAsync(dataSource));
        Assert.Equal(0, hint.Misses);

        // A late write queues 03:00, which the guess does not hold: the read looks again and answers with it.
        await Sql.ExecuteAsync(dataSource, "INSERT INTO metrics (time, device_id, metric, value) VALUES ('2026-04-01T03:30:30Z', 'd1', 'temp', 1000)");
        Assert.Equal((10 * 60 * 599 / 2.0) + 1000, await SumAsync(dataSource));
        Assert.Equal(1, hint.Misses);

        // Now guessed: one look. Then folded, the guess is stale: 03:00 is read raw, still exact.
        Assert.Equal((10 * 60 * 599 / 2.0) + 1000, await SumAsync(dataSource));
        await job.RunOnceAsync(T0 + TimeSpan.FromDays(1));
        Assert.Equal((10 * 60 * 599 / 2.0) + 1000, await SumAsync(dataSource));
        Assert.Equal(1, hint.Misses);
        Assert.Empty(hint.Within("metrics", T0, T0 + TimeSpan.FromDays(1)));
    }

    [Fact]
    public async Task AFailedRead_LeavesNoTransactionOnThePooledConnection()
    {
        await using var dataSource = await postgres.CreateMigratedDataSourceAsync(maxPoolSize: 1);

        await Assert.ThrowsAsync<PostgresException>(() => RollupSnapshot.ReadAsync(
            dataSource, "Rollups/LockMetricSources.sql", "metrics", T0, T0 + TimeSpan.FromHours(2), _ => [new NpgsqlBatchCommand("SELECT 1 / 0")], reader => reader.GetInt32(0), CancellationToken.None));

        await using var command = dataSource.CreateCommand("SELECT current_setting('transaction_isolation')");
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("read committed", reader.GetString(0)); // left open, the aborted transaction would have refused the statement
    }

    // The sum of device d1's temp over [00:00, 10:00) at 1 h buckets: hours from the rollup, queued hours raw.
    private static async Task<double> SumAsync(NpgsqlDataSource dataSource) =>
        (await RollupReader.MetricBucketsAsync(dataSource, "temp", "d1", perDevice: false, withLast: true, T0, T0 + TimeSpan.FromHours(10), TimeSpan.FromHours(1))).Sum(b => b.Sum);
}
