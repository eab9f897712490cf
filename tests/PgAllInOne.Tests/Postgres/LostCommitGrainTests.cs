using System.Collections.Concurrent;
using System.Text.Json;
using Npgsql;
using PgAllInOne.GrainInterfaces.Devices;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.GrainInterfaces.Users;
using PgAllInOne.OrleansExtensions.DatabaseFailures;
using PgAllInOne.Postgres;
using PgAllInOne.Tests.Grains;
using PgAllInOne.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PgAllInOne.Tests.Postgres;

/// <summary>
/// Lost commit answers under the grains: a silo whose PostgreSQL is behind a <see cref="CommitCuttingProxy"/>, sixteen
/// callers writing events, readings or grain state at once, several commits cut after PostgreSQL committed them, and at
/// the end one cut after which the database is gone for longer than the writers ask. Every write answered stored is stored
/// once, every write answered unavailable is not stored, the writes answered "outcome unknown" are counted, and each
/// user's event count (in its grain and in its row) is its rows.
/// </summary>
[Trait("Category", "EndToEnd")] // a silo behind a faulty network, for seconds at a time
[Collection(RunsAloneCollection.Name)] // runs alone: it counts lost commits on the process's meter, and cuts and darkens a proxy on a schedule
[Trait(RunsAloneCollection.Trait, RunsAloneCollection.Value)]
public sealed class LostCommitGrainTests(PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Callers = 16;
    private const int CutsToForce = 8;

    // The writers ask for half of it: 3 s, shorter than the dark spell of the last cut.
    private static readonly Dictionary<string, string?> Settings = new() { ["Runtime:ResponseTimeout"] = "00:00:06" };
    private static readonly TimeSpan DarkSpell = TimeSpan.FromSeconds(5);

    private string database = "";
    private CommitCuttingProxy proxy = null!;
    private TestSilo silo = null!;

    public async Task InitializeAsync()
    {
        database = await postgres.CreateDatabaseAsync();
        proxy = CommitCuttingProxy.Start(database, CommitLog.EntrySql);
        silo = await TestSilo.StartAsync(proxy.ConnectionString, Settings);
    }

    public async Task DisposeAsync()
    {
        await silo.DisposeAsync();
        await proxy.DisposeAsync();
    }

    [Fact]
    public async Task Events_LostCommits_AnswerEachCallerAsStoredOrNot_AndCountsStayTheRows()
    {
        var registry = silo.Grains.GetGrain<IUserRegistryGrain>("any");
        var users = new long[Callers];
        for (var i = 0; i < Callers; i++)
        {
            users[i] = (await registry.Create(new NewUser($"writer{i}", $"writer{i}@example.org"))).Id;
        }

        using var lost = new LostCommitCounter("events");
        var ledger = await RunAsync(async (caller, write) =>
        {
            var user = silo.Grains.GetGrain<IUserGrain>(users[caller]);
            await user.RecordEvents(Enumerable.Repeat(new NewEvent(write.Marker), write.Size).ToList());
        });

        var stored = await CountByAsync("SELECT type, count(*) FROM events GROUP BY type");
        Report("events", lost, ledger, stored);
        ledger.Verify(stored);
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM users WHERE event_count <> (SELECT count(*) FROM events WHERE events.user_id = users.id)"));
        foreach (var id in users)
        {
            var inGrain = (await silo.Grains.GetGrain<IUserGrain>(id).Get())!.EventCount;
            Assert.Equal(await ScalarAsync($"SELECT count(*) FROM events WHERE user_id = {id}"), inGrain);
        }
    }

    [Fact]
    public async Task Readings_LostCommits_AnswerEachCallerAsStoredOrNot()
    {
        using var lost = new LostCommitCounter("metrics");
        using var lostLatest = new LostCommitCounter("grain_state"); // each device also saves its newest values
        var ledger = await RunAsync((caller, write) =>
            silo.Grains.GetGrain<IDeviceGrain>($"device{caller}").Ingest(Enumerable.Range(0, write.Size).Select(i => new MetricReading(write.Marker, i)).ToList()));

        var stored = await CountByAsync("SELECT metric, count(*) FROM metrics GROUP BY metric");
        Report("metrics", lost, ledger, stored);
        output.WriteLine($"the devices' newest values: {lostLatest}");
        ledger.Verify(stored);
    }

    [Fact]
    public async Task GrainState_LostCommits_AnswerEachVersionCheckedWriteAsStoredOrNot()
    {
        using var lost = new LostCommitCounter("grain_state");
        var ledger = await RunAsync(async (caller, write) =>
        {
            var grain = silo.Grains.GetGrain<IStatefulGrain>($"tally{caller}");
            try
            {
                await grain.Add(write.Size, write.Marker);
            }
            catch
            {
                // The activation keeps the add in memory; the next one reads what was stored.
                await grain.Deactivate();
                throw;
            }
        });

        var stored = new Dictionary<string, long>();
        await using (var dataSource = NpgsqlDataSource.Create(database))
        await using (var command = dataSource.CreateCommand("SELECT grain_key, version, state::text FROM grain_state WHERE grain_key LIKE 'tally%'"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var state = JsonDocument.Parse(reader.GetString(2)).RootElement;
                var notes = state.GetProperty("notes").EnumerateArray().Select(n => n.GetString()!).ToList();
                foreach (var note in notes)
                {
                    stored[note] = stored.GetValueOrDefault(note) + 1;
                }

                // Each stored write moved the version on by one (the first made it 1) and added its amount.
                Assert.Equal(notes.Count, reader.GetInt64(1));
                Assert.Equal(ledger.Writes.Where(w => notes.Contains(w.Marker)).Sum(w => (long)w.Size), state.GetProperty("total").GetInt64());
                var grain = silo.Grains.GetGrain<IStatefulGrain>(reader.GetString(0));
                Assert.Equal(notes, (await grain.Get()).Notes);
            }
        }

        // A note is the write's; a write stored is there once.
        Report("grain_state", lost, ledger, stored.ToDictionary(s => s.Key, s => s.Value * Size(s.Key, ledger)));
        ledger.Verify(stored.ToDictionary(s => s.Key, s => s.Value * Size(s.Key, ledger)));
    }

    private static long Size(string marker, Ledger ledger) => ledger.Writes.First(w => w.Marker == marker).Size;

    /// <summary>
    /// Sixteen callers write until <see cref="CutsToForce"/> commits have lost their answer, then until one more has
    /// and the database has been gone for <see cref="DarkSpell"/> and back.
    /// </summary>
    private async Task<Ledger> RunAsync(Func<int, Write, Task> write)
    {
        var ledger = new Ledger();
        var cutting = proxy.CutThenGoDarkAsync(CutsToForce, DarkSpell);
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(caller => Task.Run(async () =>
        {
            for (var n = 0; !cutting.IsCompleted; n++)
            {
                var next = ledger.Start($"c{caller}-{n}", 1 + (n % 3));
                try
                {
                    await write(caller, next);
                }
                catch (Exception exception)
                {
                    next.Error = exception;
                    await Task.Delay(50);
                }
            }
        })));
        try
        {
            await cutting;
        }
        catch
        {
            output.WriteLine($"Only {proxy.Cuts} commit answers cut; callers: {ledger.Describe([])}; last failures: {string.Join(" | ", ledger.Writes.Where(w => w.Error is not null).TakeLast(3).Select(w => w.Error!.Message))}");
            throw;
        }

        return ledger;
    }

    private void Report(string what, LostCommitCounter lost, Ledger ledger, Dictionary<string, long> stored) =>
        output.WriteLine($"{what}: {proxy.Cuts} commit answers cut (the last followed by {DarkSpell.TotalSeconds} s without the database); {lost}; callers: {ledger.Describe(stored)}");

    private Task<Dictionary<string, long>> CountByAsync(string sql) => Sql.CountByAsync(database, sql);

    private Task<long> ScalarAsync(string sql) => Sql.CountAsync(database, sql);

    /// <summary>Every write (its marker and its number of rows) and how it was answered.</summary>
    private sealed class Ledger
    {
        private readonly ConcurrentQueue<Write> writes = new();

        public IReadOnlyCollection<Write> Writes => writes;

        public Write Start(string marker, int size)
        {
            var write = new Write(marker, size);
            writes.Enqueue(write);
            return write;
        }

        public string Describe(Dictionary<string, long> stored)
        {
            var unknown = writes.Where(w => w.Unknown).ToList();
            var failed = writes.Where(w => w.Error is not null && !w.Unknown).ToList();
            return $"{writes.Count} writes: {writes.Count(w => w.Error is null)} answered stored, {failed.Count} answered 503 unavailable "
                + $"({string.Join(", ", failed.GroupBy(f => f.Error!.GetType().Name).Select(g => $"{g.Count()} {g.Key}"))}), "
                + $"{unknown.Count} answered 503 outcome unknown ({unknown.Count(u => stored.ContainsKey(u.Marker))} of them stored)";
        }

        /// <summary>Stored once when answered stored, not at all when answered unavailable, wholly or not at all when unknown.</summary>
        public void Verify(Dictionary<string, long> stored)
        {
            Assert.Contains(writes, w => w.Error is null);
            foreach (var write in writes)
            {
                var rows = stored.GetValueOrDefault(write.Marker);
                if (write.Error is null)
                {
                    Assert.True(rows == write.Size, $"{write.Marker} was answered stored and has {rows} of its {write.Size} rows");
                }
                else if (write.Unknown)
                {
                    Assert.True(rows == 0 || rows == write.Size, $"{write.Marker} has {rows} of its {write.Size} rows");
                }
                else if (DatabaseFailure.IsTransientWithin(write.Error) || write.Error is SiloUnavailableException)
                {
                    Assert.True(rows == 0, $"{write.Marker} was answered unavailable ({write.Error.Message}) and has {rows} rows stored");
                }
                else
                {
                    Assert.Fail($"{write.Marker} failed unexpectedly: {write.Error}");
                }
            }
        }
    }

    private sealed record Write(string Marker, int Size)
    {
        public Exception? Error { get; set; }

        /// <summary>Answered "outcome unknown" (Orleans hands a storage failure on wrapped).</summary>
        public bool Unknown => DatabaseFailure.IsOutcomeUnknownWithin(Error);
    }
}
