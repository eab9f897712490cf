using Npgsql;
using NpgsqlTypes;
using PgAllInOne.Postgres;

namespace PgAllInOne.OrleansExtensions.GrainStorage;

/// <summary>
/// Group commit for grain state: conditional writes of many grains travel in one round trip and commit together, and
/// each grain is answered only after that commit. A version conflict is answered to its own write alone (null).
/// </summary>
internal sealed class GrainStateWriter(CommitLog commitLog, string serviceId, PostgresGrainStorageOptions options)
    : GroupCommitWriter<PendingStateWrite, long?>("grain_state", commitLog, options.StateWriteConcurrency, options.StateWriteBatchSize, static _ => 1)
{
    private static readonly string InsertSql = OrleansExtensionsSql.Get("GrainStorage/InsertGrainState.sql");
    private static readonly string UpdateSql = OrleansExtensionsSql.Get("GrainStorage/UpdateGrainState.sql");
    private static readonly string ClearSql = OrleansExtensionsSql.Get("GrainStorage/ClearGrainState.sql");
    private static readonly string ReadWrittenSql = OrleansExtensionsSql.Get("GrainStorage/ReadWrittenGrainStates.sql");

    /// <summary>Queues a write; completes with the new version, or null when the expected version was not the stored one.</summary>
    public Task<long?> WriteAsync(PendingStateWrite write) => EnqueueAsync(write);

    protected override async Task CommitAsync(List<PendingStateWrite> batch, GroupCommit commit)
    {
        await using var connection = await commit.ConnectAsync();
        await using var command = new NpgsqlBatch(connection);
        command.BatchCommands.Add(commit.LogEntry()); // no result set: the reader starts at the first write's
        foreach (var write in batch)
        {
            command.BatchCommands.Add(CreateCommand(write));
        }

        var versions = new long?[batch.Count];

        // Every statement of one batch runs in one implicit transaction: results count only once the reader is done.
        await using (var reader = await command.ExecuteReaderAsync())
        {
            var index = 0;
            do
            {
                versions[index++] = await reader.ReadAsync() ? reader.GetInt64(0) : null;
            }
            while (await reader.NextResultAsync());
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Completion.TrySetResult(versions[i]);
        }
    }

    // The batch committed, but whether each write applied or met a newer version was in the lost answer: a write applied
    // when its row is now at the version after the one it expected, holding what it wrote (while a grain waits for its
    // write, nothing else writes its state).
    protected override async Task AnswerCommittedAsync(List<PendingStateWrite> batch, NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(ReadWrittenSql, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = batch.Select(w => w.GrainType).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = batch.Select(w => w.GrainKey).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = batch.Select(w => w.StateName).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = batch.Select(w => w.ExpectedVersion + 1).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = batch.Select(w => w.State).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        var applied = new bool[batch.Count];
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied[reader.GetInt64(0) - 1] = reader.GetBoolean(1);
            }
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Completion.TrySetResult(applied[i] ? batch[i].ExpectedVersion + 1 : null);
        }
    }

    private NpgsqlBatchCommand CreateCommand(PendingStateWrite write)
    {
        var command = new NpgsqlBatchCommand(write.Kind switch
        {
            StateWriteKind.Insert => InsertSql,
            StateWriteKind.Update => UpdateSql,
            _ => ClearSql,
        });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = write.GrainType });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = write.GrainKey });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = write.StateName });
        if (write.Kind != StateWriteKind.Clear)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = write.State, NpgsqlDbType = NpgsqlDbType.Jsonb });
        }

        if (write.Kind != StateWriteKind.Insert)
        {
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = write.ExpectedVersion });
        }

        return command;
    }
}
