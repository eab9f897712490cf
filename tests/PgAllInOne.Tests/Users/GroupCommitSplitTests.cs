using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PgAllInOne.GrainInterfaces.Devices;
using PgAllInOne.GrainInterfaces.Users;
using PgAllInOne.Grains.Devices;
using PgAllInOne.Grains.Users;
using PgAllInOne.Postgres;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Users;

/// <summary>
/// The events' and the readings' writers against values PostgreSQL itself refuses (bypassing the grains' validation,
/// the way a constraint the validation does not know would): the refused writes share one batch with valid ones, and
/// what each writer stores together (events with their users' counts, readings in one COPY) commits or fails together
/// per write. The writer's policy itself is pinned once in <c>GroupCommitWriterTests</c>.
/// </summary>
[Collection(RunsAloneCollection.Name)] // runs alone: it counts group commits on the process's meter
[Trait(RunsAloneCollection.Trait, RunsAloneCollection.Value)]
public sealed class GroupCommitSplitTests(PostgresFixture postgres)
{
    private const int Writes = 40;
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset FiveHoursBehindUtc = new(2026, 12, 1, 7, 0, 0, TimeSpan.FromHours(-5)); // 12:00 UTC

    [Fact]
    public async Task EventsPostgresRefuses_FailOnlyTheirCallers_AndTheRestOfTheirBatchCommits()
    {
        await using var dataSource = await postgres.CreateMigratedDataSourceAsync();
        await Sql.ExecuteAsync(dataSource, "ALTER TABLE events ADD CONSTRAINT events_type_not_refused CHECK (type <> 'refused')");
        var users = new List<long>();
        await using (var insert = dataSource.CreateCommand("INSERT INTO users (username, email) SELECT 'u' || g, 'u' || g || '@example.com' FROM generate_series(1, $1) g RETURNING id"))
        {
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Writes + 2 }); // and the two plugs
            await using var reader = await insert.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                users.Add(reader.GetInt64(0));
            }
        }

        // Every fifth write is refused by PostgreSQL: a CHECK constraint, or JSON text that jsonb cannot hold.
        static bool Refused(int i) => i % 5 == 2;
        static NewEvent[] Events(int i) => Refused(i)
            ? i % 10 == 2 ? [new NewEvent("ok"), new NewEvent("refused")] : [new NewEvent("ok", JsonDocument.Parse("{\"v\":\"\\ud800\"}").RootElement)]
            : [new NewEvent("ok", Timestamp: FiveHoursBehindUtc), new NewEvent("ok")];

        await using var writer = new EventWriter(CommitLogOf(dataSource));
        using var commits = new GroupCommitCounter("events");
        var writes = await InOneBatchAsync(dataSource, "events", i => writer.WriteAsync(users[i], Events(i), Now), plug => writer.WriteAsync(users[Writes + plug], [new NewEvent("plug")], Now));

        for (var i = 0; i < Writes; i++)
        {
            if (Refused(i))
            {
                var refused = await Assert.ThrowsAsync<WriteRefusedException>(() => writes[i]);
                Assert.Contains("PostgreSQL refused the events", refused.Message, StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal(2, (await writes[i]).EventCount);
            }
        }

        // Two plugs, then the forty writes in one batch, or two when both flushers read the queue at once (split
        // afterwards without going through the queue again).
        // Both flushers wake as the lock goes; the one that drains the queue first may share it with the other.
        Assert.InRange(commits.Batches, 3L, 4L);
        Assert.Equal(2L + Writes, commits.Callers);
        var good = Enumerable.Range(0, Writes).Count(i => !Refused(i));
        Assert.Equal(32, good);
        Assert.Equal((long)((good * 2) + 2), await ScalarAsync<long>(dataSource, "SELECT count(*) FROM events"));
        Assert.Equal((long)((good * 2) + 2), await ScalarAsync<long>(dataSource, "SELECT sum(event_count)::bigint FROM users"));
        Assert.Equal((long)good, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM events WHERE occurred_at = '2026-12-01T12:00:00Z'"));
        Assert.Equal((long)(Writes - good), await ScalarAsync<long>(dataSource, "SELECT count(*) FROM users WHERE event_count = 0"));
        Assert.Equal(0L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM events WHERE type = 'refused'"));
    }

    [Fact]
    public async Task ReadingsPostgresRefuses_FailOnlyTheirCallers_AndTheRestOfTheirBatchCommits()
    {
        await using var dataSource = await postgres.CreateMigratedDataSourceAsync();
        await Sql.ExecuteAsync(dataSource, "ALTER TABLE metrics ADD CONSTRAINT metrics_value_not_negative CHECK (value >= 0)");
        static bool Refused(int i) => i % 4 == 1;
        static MetricReading[] Readings(int i) =>
        [
            new MetricReading("power", 1, FiveHoursBehindUtc),
            new MetricReading("power", Refused(i) ? -1 : 2, Now),
        ];

        await using var writer = new MetricsWriter(CommitLogOf(dataSource));
        using var commits = new GroupCommitCounter("metrics");
        var writes = await InOneBatchAsync(dataSource, "metrics", i => writer.WriteAsync($"d{i}", Readings(i), Now), plug => writer.WriteAsync($"plug{plug}", [new MetricReading("power", 5)], Now));

        for (var i = 0; i < Writes; i++)
        {
            if (Refused(i))
            {
                var refused = await Assert.ThrowsAsync<WriteRefusedException>(() => writes[i]);
                Assert.Contains("metrics_value_not_negative", refused.Message, StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal(2, await writes[i]);
            }
        }

        // Both flushers wake as the lock goes; the one that drains the queue first may share it with the other.
        Assert.InRange(commits.Batches, 3L, 4L);
        Assert.Equal(2L + Writes, commits.Callers);
        var good = Enumerable.Range(0, Writes).Count(i => !Refused(i));
        Assert.Equal(30, good);
        Assert.Equal((long)((good * 2) + 2), await ScalarAsync<long>(dataSource, "SELECT count(*) FROM metrics"));
        Assert.Equal((long)good, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM metrics WHERE time = '2026-12-01T12:00:00Z' AND value = 1"));
        Assert.Equal(0L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM metrics WHERE device_id IN (SELECT 'd' || i FROM generate_series(1, 40, 4) i)"));
    }

    /// <summary>
    /// Starts <see cref="Writes"/> writes that the writer is certain to commit as one batch: its two flushers are first
    /// held on a lock of the table by a plug write each, then the writes queue, then the lock goes.
    /// </summary>
    private static async Task<List<Task<T>>> InOneBatchAsync<T>(NpgsqlDataSource dataSource, string table, Func<int, Task<T>> write, Func<int, Task> plug)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand($"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE", connection, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        var plugs = new List<Task>();
        for (var i = 0; i < 2; i++)
        {
            plugs.Add(plug(i));
            var held = i + 1;
            await Eventually.TrueAsync(
                async () => await ScalarAsync<long>(dataSource, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") == held,
                $"{held} flushers waiting on the lock of {table}",
                TimeSpan.FromSeconds(30));
        }

        var writes = Enumerable.Range(0, Writes).Select(write).ToList();
        await transaction.CommitAsync();
        await Task.WhenAll(plugs);
        return writes;
    }

    private static CommitLog CommitLogOf(NpgsqlDataSource dataSource) => new(dataSource, TimeSpan.FromSeconds(5), TimeProvider.System, NullLogger<CommitLog>.Instance);

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
