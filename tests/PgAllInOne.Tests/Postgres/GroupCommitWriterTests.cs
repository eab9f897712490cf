using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.OrleansExtensions.DatabaseFailures;
using PgAllInOne.Postgres;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Postgres;

/// <summary>
/// The one group-commit writer's policy, pinned once on a real PostgreSQL with a writer of numbers into a table that
/// refuses negative ones: many callers share one commit; a refused batch is split until only the writes PostgreSQL
/// refuses fail; an unreachable database fails the batch; a full queue refuses at once, a closed one refuses too; a
/// closed write gate refuses at once, and answers a batch already on its way as of unknown outcome without waiting.
/// Each failure is also shown as what the grains hand on (<see cref="DatabaseFailure.Translate"/>).
/// </summary>
public sealed class GroupCommitWriterTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task ManyCallers_ShareOneCommit_AndEachIsAnsweredAfterIt()
    {
        await using var dataSource = await NumbersDatabaseAsync();
        await using var writer = new NumberWriter(dataSource);

        var writes = await BehindAPlugAsync(writer, () => Enumerable.Range(1, 100).Select(writer.WriteAsync).ToList());

        Assert.Equal(Enumerable.Range(1, 100), await Task.WhenAll(writes));
        Assert.Equal([1, 100], writer.Commits.Select(c => c.Length));
        Assert.Equal(101L, await CountAsync(dataSource));
    }

    [Fact]
    public async Task ABatchPostgresRefuses_IsSplit_UntilOnlyTheRefusedWritesFail()
    {
        await using var dataSource = await NumbersDatabaseAsync();
        await using var writer = new NumberWriter(dataSource);
        static bool Refused(int i) => i % 7 == 3;

        var writes = await BehindAPlugAsync(writer, () => Enumerable.Range(0, 40).Select(i => writer.WriteAsync(Refused(i) ? -i : i)).ToList());

        for (var i = 0; i < 40; i++)
        {
            if (Refused(i))
            {
                var refused = await Assert.ThrowsAsync<WriteRefusedException>(() => writes[i]);
                Assert.Equal(PostgresErrorCodes.CheckViolation, Assert.IsType<PostgresException>(refused.InnerException).SqlState);
                Assert.Contains("PostgreSQL refused the numbers of this request", refused.Message, StringComparison.Ordinal);
                Assert.IsType<ValidationException>(DatabaseFailure.Translate(refused)); // HTTP 400
            }
            else
            {
                Assert.Equal(i, await writes[i]);
            }
        }

        // The forty came in one batch; each refused write was finally tried alone, and no commit that held one succeeded.
        Assert.Equal(40, writer.Commits[1].Length);
        Assert.All(Enumerable.Range(0, 40).Where(Refused), i => Assert.Contains(writer.Commits, c => c is [var only] && only == -i));
        Assert.All(writer.Committed, c => Assert.DoesNotContain(c, v => v < 0));
        Assert.Equal(1L + Enumerable.Range(0, 40).Count(i => !Refused(i)), await CountAsync(dataSource));
    }

    [Fact]
    public async Task ADatabaseThatCannotBeReached_FailsTheWholeBatch_AsUnavailable()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // a port nobody listens on
        await using var dataSource = NpgsqlDataSource.Create($"Host=127.0.0.1;Port={port};Username=postgres;Timeout=3");
        await using var writer = new NumberWriter(dataSource);

        var writes = Enumerable.Range(0, 10).Select(writer.WriteAsync).ToList();

        foreach (var write in writes)
        {
            var failure = await Assert.ThrowsAnyAsync<NpgsqlException>(() => write);
            Assert.IsNotType<PostgresException>(failure);
            Assert.IsType<DatabaseUnavailableException>(DatabaseFailure.Translate(failure)); // HTTP 503
        }

        Assert.Equal(10, writer.Commits.Sum(c => c.Length)); // failed as batches, never split
    }

    [Fact]
    public async Task AFullQueue_RefusesAtOnce_AndAClosedOne_Refuses()
    {
        await using var dataSource = await NumbersDatabaseAsync();
        var writer = new NumberWriter(dataSource, capacity: 3);
        var plug = writer.Hold();
        var first = writer.WriteAsync(0);
        await writer.Held; // the first is being committed; three more may wait
        var waiting = Enumerable.Range(1, 3).Select(writer.WriteAsync).ToList();

        var overflow = writer.WriteAsync(4);

        Assert.True(overflow.IsFaulted); // at once, not after a wait
        var full = await Assert.ThrowsAsync<GroupCommitRefusedException>(() => overflow);
        Assert.Equal(Enqueued.Full, full.Reason);
        Assert.IsType<OverloadedException>(DatabaseFailure.Translate(full)); // HTTP 503 with Retry-After

        plug.SetResult();
        await writer.DisposeAsync(); // drains what was queued
        Assert.Equal(Enumerable.Range(0, 4), await Task.WhenAll(waiting.Prepend(first)));
        Assert.Equal(4L, await CountAsync(dataSource));

        var closed = await Assert.ThrowsAsync<GroupCommitRefusedException>(() => writer.WriteAsync(5));
        Assert.Equal(Enqueued.Closed, closed.Reason);
        Assert.IsType<SiloUnavailableException>(DatabaseFailure.Translate(closed)); // HTTP 503
    }

    [Fact]
    public async Task AClosingGate_AnswersTheBatchOnItsWay_AsOfUnknownOutcome_AtOnce_AndRefusesTheRest_UntilItOpens()
    {
        await using var dataSource = await NumbersDatabaseAsync();
        using var gate = new WriteGate();
        await using var writer = new NumberWriter(dataSource, gate: gate);
        var plug = writer.Hold();
        var onItsWay = writer.WriteAsync(1);
        await writer.Held; // its commit is under way (held before it reaches PostgreSQL, as a commit waiting there would be)
        var queued = writer.WriteAsync(2);

        gate.Close("The backup location has not taken the WAL for 5 s");

        // Answered without waiting for the commit: it may be stored, and is told so.
        var unknown = await Assert.ThrowsAsync<CommitOutcomeUnknownException>(() => onItsWay.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.StartsWith("The backup location has not taken the WAL for 5 s; the numbers of this request were being committed and may be stored", unknown.Message, StringComparison.Ordinal);
        Assert.IsType<WriteOutcomeUnknownException>(DatabaseFailure.Translate(unknown)); // HTTP 503 "Outcome unknown"
        var refusedAtOnce = writer.WriteAsync(3);
        Assert.True(refusedAtOnce.IsFaulted);
        Assert.Equal("The backup location has not taken the WAL for 5 s; nothing was written, try again.", (await Assert.ThrowsAsync<GroupCommitRefusedException>(() => refusedAtOnce)).Message);

        plug.SetResult();
        // The queued write reaches its flush with the gate closed: refused, nothing sent; the held commit ends as it would.
        Assert.IsType<OverloadedException>(DatabaseFailure.Translate(await Assert.ThrowsAsync<GroupCommitRefusedException>(() => queued))); // HTTP 503 with Retry-After
        Assert.Equal(1L, await CountAsync(dataSource)); // flushes follow one another: the held one had ended
        Assert.Equal([[1]], writer.Committed);

        gate.Open();
        Assert.Equal(4, await writer.WriteAsync(4));
        Assert.Equal(2L, await CountAsync(dataSource));
    }

    /// <summary>Holds the writer's one flusher on a first write, starts the others so that they queue, then lets it go.</summary>
    private static async Task<List<Task<int>>> BehindAPlugAsync(NumberWriter writer, Func<List<Task<int>>> start)
    {
        var plug = writer.Hold();
        var first = writer.WriteAsync(1_000_000);
        await writer.Held;
        var writes = start();
        plug.SetResult();
        await first;
        return writes;
    }

    private async Task<NpgsqlDataSource> NumbersDatabaseAsync()
    {
        var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        await using var create = dataSource.CreateCommand("CREATE TABLE numbers (value int NOT NULL CHECK (value >= 0))");
        await create.ExecuteNonQueryAsync();
        return dataSource;
    }

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM numbers");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private sealed record PendingNumber(int Value) : PendingWrite<int>;

    /// <summary>A writer of the kind the product has (one INSERT per batch), with one flusher, that records what it tried and what committed.</summary>
    private sealed class NumberWriter(NpgsqlDataSource dataSource, int capacity = 10_000, WriteGate? gate = null)
        : GroupCommitWriter<PendingNumber, int>("numbers", new CommitLog(dataSource, TimeSpan.FromSeconds(5), TimeProvider.System, NullLogger<CommitLog>.Instance, gate), concurrency: 1, maxWeightPerCommit: 1_000, static _ => 1, capacity)
    {
        private readonly ConcurrentQueue<int[]> commits = new();
        private readonly ConcurrentQueue<int[]> committed = new();
        private readonly TaskCompletionSource held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource? plug;

        /// <summary>Every batch a commit was tried with, in order.</summary>
        public int[][] Commits => commits.ToArray();

        /// <summary>The batches that committed.</summary>
        public int[][] Committed => committed.ToArray();

        /// <summary>Completes once the next commit waits on the plug that <see cref="Hold"/> returned.</summary>
        public Task Held => held.Task;

        public TaskCompletionSource Hold() => plug = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<int> WriteAsync(int value) => EnqueueAsync(new PendingNumber(value));

        protected override async Task CommitAsync(List<PendingNumber> batch, GroupCommit commit)
        {
            var values = batch.Select(p => p.Value).ToArray();
            commits.Enqueue(values);
            if (Interlocked.Exchange(ref plug, null) is { } waitFor)
            {
                held.TrySetResult();
                await waitFor.Task;
            }

            await using var connection = await commit.ConnectAsync();
            await using var insert = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    commit.LogEntry(),
                    new NpgsqlBatchCommand("INSERT INTO numbers (value) SELECT unnest($1::int[])") { Parameters = { new NpgsqlParameter<int[]> { TypedValue = values } } },
                },
            };
            await insert.ExecuteNonQueryAsync();
            committed.Enqueue(values);
            batch.ForEach(p => p.Completion.TrySetResult(p.Value));
        }

        protected override Task AnswerCommittedAsync(List<PendingNumber> batch, NpgsqlConnection connection, CancellationToken cancellationToken)
        {
            batch.ForEach(p => p.Completion.TrySetResult(p.Value));
            return Task.CompletedTask;
        }
    }
}
