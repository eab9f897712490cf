using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using PgAllInOne.Grains;
using PgAllInOne.Postgres;

namespace PgAllInOne.Silo.GrainStorage;

/// <summary>
/// Group commit for grain state: conditional writes of many grains travel in one round trip and commit together,
/// and each writer is answered only after that commit. A version conflict affects only its own write.
/// </summary>
internal sealed partial class StateWriteBatcher : IAsyncDisposable
{
    private static readonly string InsertSql = SiloSql.Get("InsertGrainState.sql");
    private static readonly string UpdateSql = SiloSql.Get("UpdateGrainState.sql");
    private static readonly string ClearSql = SiloSql.Get("ClearGrainState.sql");

    private readonly GroupCommitQueue<PendingStateWrite> queue;
    private readonly NpgsqlDataSource dataSource;
    private readonly string serviceId;
    private readonly ILogger log;

    public StateWriteBatcher(NpgsqlDataSource dataSource, string serviceId, PostgresGrainStorageOptions options, ILogger log)
    {
        this.dataSource = dataSource;
        this.serviceId = serviceId;
        this.log = log;
        queue = new GroupCommitQueue<PendingStateWrite>("grain_state", options.StateWriteConcurrency, options.StateWriteBatchSize, static _ => 1, FlushAsync);
    }

    /// <summary>Queues a write; completes with the new version, or null when the expected version was not the stored one.</summary>
    public Task<long?> EnqueueAsync(PendingStateWrite write)
    {
        if (QueueRefusal.For(queue.TryEnqueue(write), "state writes") is { } refusal)
        {
            write.Completion.TrySetException(refusal);
        }

        return write.Completion.Task;
    }

    /// <summary>Stops taking writes and waits until everything queued is committed.</summary>
    public ValueTask DisposeAsync() => queue.DisposeAsync();

    private async Task FlushAsync(List<PendingStateWrite> batch)
    {
        try
        {
            var versions = await ExecuteAsync(batch);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(versions[i]);
            }
        }
        catch (PostgresException exception) when (batch.Count > 1)
        {
            // One bad write rolled back the whole batch: retry each alone so that only the bad one fails.
            LogBatchFailed(log, batch.Count, exception);
            foreach (var write in batch)
            {
                await FlushAsync([write]);
            }
        }
        catch (Exception exception)
        {
            foreach (var write in batch)
            {
                write.Completion.TrySetException(exception);
            }
        }
    }

    private async Task<long?[]> ExecuteAsync(List<PendingStateWrite> batch)
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

        return versions;
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

    [LoggerMessage(EventId = 500, Level = LogLevel.Warning, Message = "A group commit of {Count} grain state writes failed; retrying each alone")]
    private static partial void LogBatchFailed(ILogger logger, int count, Exception exception);
}
