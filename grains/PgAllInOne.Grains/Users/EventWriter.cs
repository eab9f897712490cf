using Npgsql;
using NpgsqlTypes;
using PgAllInOne.GrainInterfaces.Users;
using PgAllInOne.Grains.Partitions;
using PgAllInOne.Postgres;

namespace PgAllInOne.Grains.Users;

/// <summary>
/// Group commit for events: the events of many users go into one INSERT, their counts into one UPDATE, under one
/// commit; each user grain is answered with its new row only after that commit.
/// </summary>
/// <remarks>Before writing, the partitions of the batch's months are made sure of, when a <see cref="PartitionCatalog"/> is given.</remarks>
public sealed class EventWriter(CommitLog commitLog, PartitionCatalog? partitions = null)
    : PartitionedTableWriter<EventWriter.PendingEvents, UserView>("events", commitLog, MaxEventsPerCommit, static pending => pending.Events.Count)
{
    private const int MaxEventsPerCommit = 20_000;

    /// <summary>Stores the events and adds their number to the user's count; returns the user's row after the commit.</summary>
    public Task<UserView> WriteAsync(long userId, IReadOnlyList<NewEvent> events, DateTimeOffset now) =>
        EnqueueAsync(new PendingEvents(userId, events, now));

    protected override async Task CommitRowsAsync(List<PendingEvents> batch, GroupCommit commit)
    {
        if (partitions is not null)
        {
            await partitions.EnsureAsync(PartitionScheme.Events, batch.SelectMany(p => p.Events.Select(e => e.Timestamp ?? p.Now)));
        }

        Answer(batch, await InsertAsync(batch, commit));
    }

    // The batch committed: each user's row holds its events (no other writes to a user come while its grain waits for this one).
    protected override async Task AnswerCommittedAsync(List<PendingEvents> batch, NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(GrainsSql.Get("Users/ReadUsers.sql"), connection);
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = batch.Select(p => p.UserId).Distinct().ToArray() });
        var users = new Dictionary<long, UserView>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var user = UserRows.Read(reader);
                users[user.Id] = user;
            }
        }

        Answer(batch, users);
    }

    private static void Answer(List<PendingEvents> batch, Dictionary<long, UserView> users)
    {
        foreach (var pending in batch)
        {
            if (users.TryGetValue(pending.UserId, out var user))
            {
                pending.Completion.TrySetResult(user);
            }
            else
            {
                pending.Completion.TrySetException(new InvalidOperationException($"User {pending.UserId} has no row; its events were not stored."));
            }
        }
    }

    private static async Task<Dictionary<long, UserView>> InsertAsync(List<PendingEvents> batch, GroupCommit commit)
    {
        var total = batch.Sum(p => p.Events.Count);
        var userIds = new long[total];
        var types = new string[total];
        var data = new string[total];
        var times = new DateTimeOffset[total];
        var counts = new SortedDictionary<long, long>(); // rows locked in one order: no deadlock between two commits
        var row = 0;
        foreach (var pending in batch)
        {
            foreach (var e in pending.Events)
            {
                (userIds[row], types[row], data[row], times[row]) = (pending.UserId, e.Type, e.Data?.GetRawText() ?? "{}", (e.Timestamp ?? pending.Now).ToUniversalTime()); // timestamptz takes the instant, in UTC
                row++;
            }

            counts[pending.UserId] = counts.GetValueOrDefault(pending.UserId) + pending.Events.Count;
        }

        // One round trip: the batch's statements, its commit log entry first, run in one implicit transaction, committed as it ends.
        await using var connection = await commit.ConnectAsync();
        await using var commands = new NpgsqlBatch(connection);
        commands.BatchCommands.Add(commit.LogEntry());
        var insert = new NpgsqlBatchCommand(GrainsSql.Get("Users/InsertEvents.sql"));
        insert.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = userIds });
        insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = types });
        insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = data, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = times });
        var count = new NpgsqlBatchCommand(GrainsSql.Get("Users/CountEvents.sql"));
        count.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = counts.Keys.ToArray() });
        count.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = counts.Values.ToArray() });
        commands.BatchCommands.Add(insert);
        commands.BatchCommands.Add(count);

        var users = new Dictionary<long, UserView>(counts.Count);
        // The INSERTs have no result set: the reader starts at the UPDATE's rows.
        await using (var reader = await commands.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var user = UserRows.Read(reader);
                users[user.Id] = user;
            }
        }

        GrainsTelemetry.Ingested("events", total);
        return users;
    }

    public sealed record PendingEvents(long UserId, IReadOnlyList<NewEvent> Events, DateTimeOffset Now) : PendingWrite<UserView>;
}
