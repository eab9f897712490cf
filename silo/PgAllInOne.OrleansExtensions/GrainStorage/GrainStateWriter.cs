using Npgsql;
using NpgsqlTypes;
using PgAllInOne.Postgres;

namespace PgAllInOne.OrleansExtensions.GrainStorage;

/// <summary>
/// Group commit for grain state: conditional writes of many grains travel in one round trip and commit together, and
/// each grain is answered only after that commit. A version conflict is answered to its own write alone (null).
/// </summary>
internal sealed class GrainStateWriter(NpgsqlDataSource dataSource, string serviceId, PostgresGrainStorageOptions options)
    : GroupCommitWriter<PendingStateWrite, long?>("grain_state", options.StateWriteConcurrency, options.StateWriteBatchSize, static _ => 1)
{
    private static readonly string InsertSql = OrleansExtensionsSql.Get("GrainStorage/InsertGrainState.sql");
    private static readonly string UpdateSql = OrleansExtensionsSql.Get("GrainStorage/UpdateGrainState.sql");
    private static readonly string ClearSql = OrleansExtensionsSql.Get("GrainStorage/ClearGrainState.sql");

    /// <summary>Queues a write; completes with the new version, or null when the expected version was not the stored one.</summary>
    public Task<long?> WriteAsync(PendingStateWrite write) => EnqueueAsync(write);

    protected override async Task CommitAsync(List<PendingStateWrite> batch)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlBatch(connection);
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
