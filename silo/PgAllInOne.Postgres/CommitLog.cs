using Microsoft.Extensions.Logging;
using Npgsql;

namespace PgAllInOne.Postgres;

/// <summary>
/// The commit log of group commits (table <c>group_commit_log</c>): each batch writes its id in its own transaction, and
/// a writer that lost the answer of a commit asks here whether that id committed, once the database answers again and
/// for at most <see cref="ResolveWithin"/>. Asking fences the id, so the answer is final: a commit still in flight
/// either committed before the question or can no longer commit.
/// </summary>
public sealed class CommitLog
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(1);

    private readonly TimeProvider time;
    private readonly ILogger logger;

    /// <param name="dataSource">The database the group commits go to.</param>
    /// <param name="resolveWithin">How long a lost answer may be asked after before its callers are told that the outcome is unknown; shorter than the callers' own timeout, so that they hear it.</param>
    /// <param name="gate">Closed while writes must be refused at once (synchronous backups that cannot keep up); null: always open.</param>
    public CommitLog(NpgsqlDataSource dataSource, TimeSpan resolveWithin, TimeProvider time, ILogger<CommitLog> logger, WriteGate? gate = null)
    {
        Gate = gate;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(resolveWithin, TimeSpan.Zero);
        DataSource = dataSource;
        ResolveWithin = resolveWithin;
        this.time = time;
        this.logger = logger;
    }

    public NpgsqlDataSource DataSource { get; }

    public TimeSpan ResolveWithin { get; }

    public WriteGate? Gate { get; }

    /// <summary>The statement that logs a commit; exposed so that a test can recognise a batch's commit on the wire.</summary>
    internal static string EntrySql => SqlResource.Own("LogCommit.sql");

    /// <summary>Deletes the entries logged before <paramref name="before"/>; returns how many.</summary>
    public static async Task<int> PurgeAsync(NpgsqlConnection connection, DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand(SqlResource.Own("PurgeCommitLog.sql"), connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = FirstIdAt(before) });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A new batch's commit, with a time-ordered id.</summary>
    internal GroupCommit Begin() => new(Guid.CreateVersion7(time.GetUtcNow()), DataSource);

    /// <summary>
    /// Finds out whether the commit whose answer was lost committed: asks (and fences) until the database answers or
    /// <see cref="ResolveWithin"/> has passed. When it committed, <paramref name="answerCommitted"/> reads, on the
    /// connection that asked, what its callers are answered with.
    /// </summary>
    internal async Task<CommitOutcome> ResolveAsync(string queue, GroupCommit commit, int callers, Func<NpgsqlConnection, CancellationToken, Task> answerCommitted)
    {
        var started = time.GetTimestamp();
        var pause = FirstPause;
        var outcome = CommitOutcome.Unknown;
        for (var attempt = 1; ; attempt++)
        {
            var left = ResolveWithin - time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                break;
            }

            using var deadline = new CancellationTokenSource(left, time);
            try
            {
                await using var connection = await DataSource.OpenConnectionAsync(deadline.Token);
                if (await FenceAsync(connection, commit.Id, deadline.Token))
                {
                    await answerCommitted(connection, deadline.Token);
                    outcome = CommitOutcome.Committed;
                }
                else
                {
                    outcome = CommitOutcome.NotCommitted;
                }

                break;
            }
            catch (Exception exception) when (PostgresFailure.IsTransient(exception) || exception is OperationCanceledException)
            {
                left = ResolveWithin - time.GetElapsedTime(started);
                if (left <= pause)
                {
                    break;
                }

                logger.CommitStillInDoubt(queue, commit.Id, attempt, exception.Message); // debug: the outage itself is logged once, by the reachability watch
                await Task.Delay(pause, time);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
            }
        }

        logger.LostCommitResolved(queue, commit.Id, callers, outcome, time.GetElapsedTime(started).TotalMilliseconds);
        PostgresTelemetry.LostCommitResolved(queue, outcome);
        return outcome;
    }

    private static async Task<bool> FenceAsync(NpgsqlConnection connection, Guid id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(SqlResource.Own("FenceCommit.sql"), connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    // The smallest UUIDv7 of that millisecond: 48 bits of Unix time in milliseconds first, in the order PostgreSQL compares.
    private static Guid FirstIdAt(DateTimeOffset time)
    {
        var bytes = new byte[16];
        var milliseconds = time.ToUnixTimeMilliseconds();
        for (var i = 0; i < 6; i++)
        {
            bytes[i] = (byte)(milliseconds >> (8 * (5 - i)));
        }

        return new Guid(bytes, bigEndian: true);
    }
}
