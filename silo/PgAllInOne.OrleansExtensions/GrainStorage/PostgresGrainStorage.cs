using System.Globalization;
using System.Text.Json;
using Npgsql;
using Orleans.Runtime;
using Orleans.Storage;
using PgAllInOne.OrleansExtensions.DatabaseFailures;

namespace PgAllInOne.OrleansExtensions.GrainStorage;

/// <summary>
/// Orleans grain state in PostgreSQL: one <c>grain_state</c> row per (service, grain type, whole key text, state name),
/// the state as readable JSONB, the version as the ETag. Writes are conditional on that version and group-committed
/// across grains; a stale write throws <see cref="InconsistentStateException"/> and changes nothing.
/// </summary>
public sealed class PostgresGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>, IAsyncDisposable
{
    private static readonly string ReadSql = OrleansExtensionsSql.Get("GrainStorage/ReadGrainState.sql");

    private readonly string name;
    private readonly NpgsqlDataSource dataSource;
    private readonly string serviceId;
    private readonly JsonSerializerOptions json;
    private readonly GrainStateWriter writer;

    internal PostgresGrainStorage(string name, NpgsqlDataSource dataSource, string serviceId, PostgresGrainStorageOptions options)
    {
        this.name = name;
        this.dataSource = dataSource;
        this.serviceId = serviceId;
        json = options.JsonSerializerOptions;
        writer = new GrainStateWriter(dataSource, serviceId, options);
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        DatabaseFailure.TranslatedAsync(() => ReadAsync(stateName, grainId, grainState));

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        DatabaseFailure.TranslatedAsync(() => WriteAsync(stateName, grainId, grainState));

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        DatabaseFailure.TranslatedAsync(() => ClearAsync(stateName, grainId, grainState));

    private async Task ReadAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var command = dataSource.CreateCommand(ReadSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.Type.ToString() });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.Key.ToString() });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stateName });
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        grainState.ETag = reader.GetInt64(0).ToString(CultureInfo.InvariantCulture);
        if (await reader.IsDBNullAsync(1))
        {
            // Cleared: the row stays for its version, the state is fresh.
            grainState.State = CreateState<T>();
            grainState.RecordExists = false;
            return;
        }

        grainState.State = JsonSerializer.Deserialize<T>(reader.GetString(1), json) ?? CreateState<T>();
        grainState.RecordExists = true;
    }

    private async Task WriteAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var state = JsonSerializer.Serialize(grainState.State, json);
        var expected = ParseETag(grainState.ETag);
        var kind = expected == 0 ? StateWriteKind.Insert : StateWriteKind.Update;
        var version = await writer.WriteAsync(new PendingStateWrite(kind, grainId.Type.ToString(), grainId.Key.ToString(), stateName, state, expected))
            ?? throw Conflict(stateName, grainId, grainState.ETag);
        grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    private async Task ClearAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var expected = ParseETag(grainState.ETag);
        if (expected != 0)
        {
            var version = await writer.WriteAsync(new PendingStateWrite(StateWriteKind.Clear, grainId.Type.ToString(), grainId.Key.ToString(), stateName, null, expected))
                ?? throw Conflict(stateName, grainId, grainState.ETag);
            grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
        }

        grainState.State = CreateState<T>();
        grainState.RecordExists = false;
    }

    public void Participate(ISiloLifecycle lifecycle) =>

        // Stops after every grain has deactivated (and written its state): the queue is drained, then closed.
        lifecycle.Subscribe($"{nameof(PostgresGrainStorage)}-{name}", ServiceLifecycleStage.RuntimeStorageServices, _ => Task.CompletedTask, _ => writer.DisposeAsync().AsTask());

    public ValueTask DisposeAsync() => writer.DisposeAsync();

    private static long ParseETag(string? etag) =>
        etag is null ? 0 : long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version
            : throw new InconsistentStateException($"'{etag}' is not an ETag of this storage.");

    private static T CreateState<T>() => Activator.CreateInstance<T>();

    private static InconsistentStateException Conflict(string stateName, GrainId grainId, string? etag) =>
        new($"State '{stateName}' of {grainId} was written by someone else since version {etag ?? "(none)"} was read; nothing was written.", "(newer)", etag ?? "");
}
