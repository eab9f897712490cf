using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.GrainInterfaces.Users;
using PgAllInOne.Grains.Users;
using PgAllInOne.OrleansExtensions.DatabaseFailures;
using PgAllInOne.Postgres;
using PgAllInOne.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PgAllInOne.Tests.Postgres;

/// <summary>
/// The group-commit writer when the answer of a commit is lost (<see cref="CommitCuttingProxy"/> between it and
/// PostgreSQL): it asks the commit log before it answers anyone. Sixteen writers of events at once, several commits cut
/// after PostgreSQL committed them: every write is answered with its stored row, none twice. And when the database does
/// not answer the question in time, the callers hear that the outcome is unknown.
/// </summary>
[Collection(RunsAloneCollection.Name)] // runs alone: it counts lost commits on the process's meter, and cuts and darkens a proxy on a schedule
[Trait(RunsAloneCollection.Trait, RunsAloneCollection.Value)]
public sealed class LostCommitTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private const int Writers = 16;
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task CommitsWhoseAnswerIsLost_AreLookedUp_AndTheirWritesAnsweredAsStored_ExactlyOnce()
    {
        const int CutsToForce = 12;
        await using var rig = await WriterBehindProxy.StartAsync(postgres, TimeSpan.FromSeconds(10));
        var (database, users, proxy, writer, lost, ledger) = rig;

        var cutting = Task.Run(async () =>
        {
            for (var cut = 1; cut <= CutsToForce; cut++)
            {
                proxy.CutNextCommits(1);
                await Eventually.TrueAsync(() => proxy.Cuts >= cut, $"commit {cut} cut", TimeSpan.FromSeconds(60));
                await Task.Delay(20);
            }
        });
        await WriteUntilAsync(cutting, writer, ledger, users, atLeast: 20, events: n => 1 + (n % 3), pauseAfterFailure: TimeSpan.Zero);
        await cutting;

        output.WriteLine($"{proxy.Cuts} commit answers cut; {lost}; callers: {ledger}");
        Assert.Equal(CutsToForce, proxy.Cuts);
        Assert.Equal(proxy.Cuts, lost.Committed); // every cut came after PostgreSQL committed, and was found so
        Assert.Empty(ledger.Failures); // the database stayed up: no caller had to be told anything but its row
        await ledger.VerifyAsync(database);
    }

    [Fact]
    public async Task CommitsCutBeforePostgresHadThem_AreFoundNotCommitted_AndTheirCallersTold_NothingStored()
    {
        const int Each = 6;
        await using var rig = await WriterBehindProxy.StartAsync(postgres, TimeSpan.FromSeconds(10));
        var (database, users, proxy, writer, lost, ledger) = rig;

        // In turn: a commit dropped on its way to PostgreSQL, then one whose answer is cut on its way back.
        var cutting = Task.Run(async () =>
        {
            for (var round = 1; round <= Each; round++)
            {
                proxy.DropNextCommits(1);
                await Eventually.TrueAsync(() => proxy.Drops >= round, $"commit {round} dropped", TimeSpan.FromSeconds(60));
                proxy.CutNextCommits(1);
                await Eventually.TrueAsync(() => proxy.Cuts >= round, $"commit {round} cut", TimeSpan.FromSeconds(60));
                await Task.Delay(20);
            }
        });
        await WriteUntilAsync(cutting, writer, ledger, users, atLeast: 20, events: n => 1 + (n % 3), pauseAfterFailure: TimeSpan.Zero);
        await cutting;

        output.WriteLine($"{proxy.Drops} commits dropped before PostgreSQL had them, {proxy.Cuts} answers cut after it committed; {lost}; callers: {ledger}");
        Assert.Equal((long)Each, lost.NotCommitted);
        Assert.Equal((long)Each, lost.Committed);
        Assert.Equal(0L, lost.Unknown);
        Assert.NotEmpty(ledger.Failures);
        Assert.All(ledger.Failures, f => Assert.IsType<DatabaseUnavailableException>(DatabaseFailure.Translate(f.Error!))); // 503, nothing stored
        await ledger.VerifyAsync(database);
    }

    [Fact]
    public async Task ALostCommitTheDatabaseCannotBeAskedAbout_InTime_IsAnsweredAsUnknown_AndNoOtherWriteIsMisreported()
    {
        await using var rig = await WriterBehindProxy.StartAsync(postgres, TimeSpan.FromSeconds(2));
        var (database, users, proxy, writer, lost, ledger) = rig;

        // The first commit after the writers are going loses its answer, and the database is gone for longer than the writer asks.
        var cutting = Task.Run(async () =>
        {
            await Task.Delay(200);
            proxy.CutNextCommits(1, thenDarkFor: TimeSpan.FromSeconds(4));
            await Eventually.TrueAsync(() => proxy.Cuts == 1, "a commit cut", TimeSpan.FromSeconds(30));
            await Task.Delay(TimeSpan.FromSeconds(5));
        });
        await WriteUntilAsync(cutting, writer, ledger, users, atLeast: 0, events: _ => 2, pauseAfterFailure: TimeSpan.FromMilliseconds(50));
        await cutting;

        output.WriteLine($"{proxy.Cuts} commit answers cut, then 4 s without the database; {lost}; callers: {ledger}");
        Assert.Equal(1, proxy.Cuts);
        Assert.InRange(lost.Unknown, 1, long.MaxValue);
        Assert.All(ledger.Failures.Where(f => f.Error is CommitOutcomeUnknownException), f => Assert.IsType<WriteOutcomeUnknownException>(DatabaseFailure.Translate(f.Error!)));
        Assert.All(ledger.Failures.Where(f => f.Error is not CommitOutcomeUnknownException), f => Assert.IsType<DatabaseUnavailableException>(DatabaseFailure.Translate(f.Error!)));
        var stored = await ledger.VerifyAsync(database);
        Assert.InRange(stored.UnknownButStored, 1, int.MaxValue); // the cut commit itself had committed
    }

    /// <summary>
    /// A database with a user per writer, a cutting proxy in front of it, and the event writer behind the proxy, whose
    /// connections time out and whose lost commits are looked up within <c>lookupTimeout</c>.
    /// </summary>
    private sealed class WriterBehindProxy : IAsyncDisposable
    {
        private NpgsqlDataSource dataSource = null!;

        public string Database { get; private init; } = "";

        public long[] Users { get; private init; } = [];

        public CommitCuttingProxy Proxy { get; private init; } = null!;

        public EventWriter Writer { get; private set; } = null!;

        public LostCommitCounter Lost { get; } = new("events");

        public Ledger Ledger { get; } = new();

        public static async Task<WriterBehindProxy> StartAsync(PostgresFixture postgres, TimeSpan lookupTimeout)
        {
            var database = await postgres.CreateDatabaseAsync();
            var rig = new WriterBehindProxy { Database = database, Users = await CreateUsersAsync(database, Writers), Proxy = CommitCuttingProxy.Start(database, CommitLog.EntrySql) };
            rig.dataSource = NpgsqlDataSource.Create($"{rig.Proxy.ConnectionString};Timeout={Math.Max(1, (int)lookupTimeout.TotalSeconds)}");
            rig.Writer = new EventWriter(new CommitLog(rig.dataSource, lookupTimeout, TimeProvider.System, NullLogger<CommitLog>.Instance));
            return rig;
        }

        public void Deconstruct(out string database, out long[] users, out CommitCuttingProxy proxy, out EventWriter writer, out LostCommitCounter lost, out Ledger ledger) =>
            (database, users, proxy, writer, lost, ledger) = (Database, Users, Proxy, Writer, Lost, Ledger);

        public async ValueTask DisposeAsync()
        {
            await Writer.DisposeAsync();
            await dataSource.DisposeAsync();
            await Proxy.DisposeAsync();
            Lost.Dispose();
        }
    }

    // Each writer appends to its own user until the faults are over (and at least atLeast times), each answer in the ledger.
    private static Task WriteUntilAsync(Task faults, EventWriter writer, Ledger ledger, long[] users, int atLeast, Func<int, int> events, TimeSpan pauseAfterFailure) =>
        Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var n = 0; !faults.IsCompleted || n < atLeast; n++)
            {
                var write = ledger.Start($"w{w}-{n}", users[w], events(n));
                try
                {
                    var user = await writer.WriteAsync(users[w], Enumerable.Repeat(new NewEvent(write.Marker), write.Events).ToList(), Now);
                    write.EventCount = user.EventCount;
                }
                catch (Exception exception)
                {
                    write.Error = exception;
                    await Task.Delay(pauseAfterFailure);
                }
            }
        })));

    private static async Task<long[]> CreateUsersAsync(string database, int count)
    {
        await using var dataSource = NpgsqlDataSource.Create(database);
        await using var insert = dataSource.CreateCommand("INSERT INTO users (username, email) SELECT 'u' || g, 'u' || g || '@example.com' FROM generate_series(1, $1) g RETURNING id");
        insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = count });
        var ids = new List<long>();
        await using var reader = await insert.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt64(0));
        }

        return [.. ids];
    }

    /// <summary>Every write and how it was answered; then what the database holds, against it.</summary>
    private sealed class Ledger
    {
        private readonly ConcurrentQueue<Write> writes = new();

        public IEnumerable<Write> Failures => writes.Where(w => w.Error is not null);

        public Write Start(string marker, long user, int events)
        {
            var write = new Write(marker, user, events);
            writes.Enqueue(write);
            return write;
        }

        public override string ToString() =>
            $"{writes.Count} writes, {writes.Count(w => w.Error is null)} answered stored, {writes.Count(w => w.Error is CommitOutcomeUnknownException)} outcome unknown, {writes.Count(w => w.Error is not null and not CommitOutcomeUnknownException)} failed";

        /// <summary>Each write answered stored is stored once, each failed one not at all; each user's count is its rows.</summary>
        public async Task<(int Stored, int UnknownButStored)> VerifyAsync(string database)
        {
            await using var dataSource = NpgsqlDataSource.Create(database);
            var rows = new Dictionary<string, long>();
            await using (var command = dataSource.CreateCommand("SELECT type, count(*) FROM events GROUP BY type"))
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    rows[reader.GetString(0)] = reader.GetInt64(1);
                }
            }

            var unknownButStored = 0;
            foreach (var write in writes)
            {
                var stored = rows.GetValueOrDefault(write.Marker);
                switch (write.Error)
                {
                    case null:
                        Assert.True(stored == write.Events, $"{write.Marker} was answered stored and has {stored} of its {write.Events} events");
                        break;
                    case CommitOutcomeUnknownException:
                        Assert.True(stored == 0 || stored == write.Events, $"{write.Marker} has {stored} of its {write.Events} events");
                        unknownButStored += stored == 0 ? 0 : 1;
                        break;
                    default:
                        Assert.True(stored == 0, $"{write.Marker} failed ({write.Error.GetType().Name}) and has {stored} events stored");
                        break;
                }
            }

            await using (var command = dataSource.CreateCommand("SELECT count(*) FROM users WHERE event_count <> (SELECT count(*) FROM events WHERE events.user_id = users.id)"))
            {
                Assert.Equal(0L, (long)(await command.ExecuteScalarAsync())!);
            }

            // The last answer each user got is its count, unless a write after it is in doubt.
            await using (var command = dataSource.CreateCommand("SELECT id, event_count FROM users"))
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    var (user, count) = (reader.GetInt64(0), reader.GetInt64(1));
                    var ofUser = writes.Where(w => w.User == user).ToList();
                    var lastStored = ofUser.FindLastIndex(w => w.Error is null);
                    if (lastStored >= 0 && !ofUser.Skip(lastStored).Any(w => w.Error is CommitOutcomeUnknownException))
                    {
                        Assert.Equal(count, ofUser[lastStored].EventCount);
                    }
                }
            }

            return (writes.Count(w => w.Error is null), unknownButStored);
        }
    }

    private sealed record Write(string Marker, long User, int Events)
    {
        public long EventCount { get; set; }

        public Exception? Error { get; set; }
    }
}
