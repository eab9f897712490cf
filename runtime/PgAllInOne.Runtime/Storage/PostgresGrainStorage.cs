using System.Text.Json;
using Npgsql;
using PgAllInOne.Runtime.Database;
using PgAllInOne.Runtime.Serialization;

namespace PgAllInOne.Runtime.Storage;

/// <summary>Grain state as JSONB rows of <c>grain_state</c>, written through the group-commit batcher.</summary>
internal sealed class PostgresGrainStorage(NpgsqlDataSource dataSource, StateWriteBatcher batcher) : IGrainStorage
{
    private static readonly string ReadSql = SqlResource.Runtime("ReadState.sql");

    public async Task<StoredState<TState>> ReadAsync<TState>(GrainId grainId, string stateName, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ReadSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.Type });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.Key });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stateName });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return new StoredState<TState>(default, 0, false);
        }

        var version = reader.GetInt64(0);
        if (await reader.IsDBNullAsync(1, cancellationToken))
        {
            return new StoredState<TState>(default, version, false);
        }

        var state = JsonSerializer.Deserialize<TState>(reader.GetString(1), DeepCopier.Options);
        return new StoredState<TState>(state, version, true);
    }

    public async Task<long> WriteAsync<TState>(GrainId grainId, string stateName, TState state, long expectedVersion, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.Serialize(state, DeepCopier.Options);
        var kind = expectedVersion == 0 ? StateWriteKind.Insert : StateWriteKind.Update;
        var version = await batcher.EnqueueAsync(new PendingStateWrite(kind, grainId, stateName, payload, expectedVersion));
        return version ?? throw new GrainStateConflictException(grainId, stateName, expectedVersion);
    }

    public async Task<long> ClearAsync(GrainId grainId, string stateName, long expectedVersion, CancellationToken cancellationToken)
    {
        if (expectedVersion == 0)
        {
            return 0;
        }

        var version = await batcher.EnqueueAsync(new PendingStateWrite(StateWriteKind.Clear, grainId, stateName, null, expectedVersion));
        return version ?? throw new GrainStateConflictException(grainId, stateName, expectedVersion);
    }
}
