using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.GrainInterfaces.Records;
using PgAllInOne.Grains.Audit;
using PgAllInOne.Postgres.Audit;

namespace PgAllInOne.Grains.Records;

/// <summary>One record of the store; its writes are serialized by the grain and version-checked by PostgreSQL.</summary>
public sealed class RecordGrain(NpgsqlDataSource dataSource, [FromKeyedServices(DataClock.Key)] TimeProvider clock) : Grain, IRecordGrain
{
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    public async Task<StoredRecord> Put(RecordWrite write)
    {
        RecordValidation.ValidateId(this.GetPrimaryKeyString());
        RecordValidation.Validate(write);
        var now = clock.GetUtcNow();
        var sql = write.ExpectedVersion is null ? "Records/UpsertRecord.sql" : "Records/UpdateRecordAtVersion.sql";
        await using var command = dataSource.CreateCommand(GrainsSql.Get(sql));
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = this.GetPrimaryKeyString() });
        command.Parameters.Add(new NpgsqlParameter<JsonElement> { TypedValue = write.Data, NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(RecordRows.Text(write.Type));
        command.Parameters.Add(RecordRows.Text(write.SessionId));
        command.Parameters.Add(RecordRows.Text(write.ThreadId));
        command.Parameters.Add(new NpgsqlParameter<JsonElement> { TypedValue = write.Metadata ?? EmptyObject, NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter
        {
            Value = write.TtlSeconds is { } ttl ? now.AddSeconds(ttl) : DBNull.Value,
            NpgsqlDbType = NpgsqlDbType.TimestampTz,
        });
        if (write.ExpectedVersion is { } expected)
        {
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = expected });
        }

        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });

        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            throw new VersionMismatchException($"Record '{this.GetPrimaryKeyString()}' is not at version {write.ExpectedVersion} (or does not exist); nothing was written.");
        }

        return RecordRows.Read(reader);
    }

    public async Task<StoredRecord?> Get()
    {
        await using var command = dataSource.CreateCommand(GrainsSql.Get("Records/ReadRecord.sql"));
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = this.GetPrimaryKeyString() });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() });
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? RecordRows.Read(reader) : null;
    }

    public Task<bool> Delete() =>
        AuditTrail.RunAsync(dataSource, AuditActions.RecordDeleted, $"records/{this.GetPrimaryKeyString()}", AuditRequestContext.Current, async connection =>
        {
            await using var command = new NpgsqlCommand(GrainsSql.Get("Records/DeleteRecord.sql"), connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = this.GetPrimaryKeyString() });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() });
            return await command.ExecuteNonQueryAsync() > 0;
        });
}
