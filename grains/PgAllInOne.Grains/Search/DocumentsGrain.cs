using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.GrainInterfaces.Search;
using PgAllInOne.Grains.Audit;
using PgAllInOne.Postgres.Audit;

namespace PgAllInOne.Grains.Search;

[StatelessWorker]
public sealed class DocumentsGrain(NpgsqlDataSource dataSource) : Grain, IDocumentsGrain
{
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    public async Task<long> Add(NewDocument document)
    {
        await using var command = dataSource.CreateCommand(GrainsSql.Get("Search/InsertDocument.sql"));
        AddFields(command, document);
        try
        {
            return (long)(await command.ExecuteScalarAsync())!;
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.ProgramLimitExceeded)
        {
            throw TooLargeToIndex(exception);
        }
    }

    public async Task<DocumentView?> Get(long id)
    {
        await using var command = dataSource.CreateCommand(GrainsSql.Get("Search/ReadDocument.sql"));
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        return await ReadOneAsync(command);
    }

    public async Task<DocumentView?> Replace(long id, NewDocument document)
    {
        await using var command = dataSource.CreateCommand(GrainsSql.Get("Search/ReplaceDocument.sql"));
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        AddFields(command, document);
        try
        {
            return await ReadOneAsync(command);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.ProgramLimitExceeded)
        {
            throw TooLargeToIndex(exception);
        }
    }

    public Task<bool> Delete(long id) =>
        AuditTrail.RunAsync(dataSource, AuditActions.DocumentDeleted, $"documents/{id}", AuditRequestContext.Current, async connection =>
        {
            await using var command = new NpgsqlCommand(GrainsSql.Get("Search/DeleteDocument.sql"), connection);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
            return await command.ExecuteNonQueryAsync() > 0;
        });

    private static void AddFields(NpgsqlCommand command, NewDocument document)
    {
        Validate(document);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = document.Title });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = document.Content });
        command.Parameters.Add(new NpgsqlParameter<JsonElement> { TypedValue = document.Metadata is { ValueKind: JsonValueKind.Object } metadata ? metadata : EmptyObject, NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)DocumentLanguages.Check(document.Language) ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
    }

    private static void Validate(NewDocument document)
    {
        if (string.IsNullOrWhiteSpace(document.Title) || document.Title.Length > DocumentRules.MaxTitleLength)
        {
            throw new ValidationException($"title must be 1-{DocumentRules.MaxTitleLength} characters.");
        }

        if (document.Content is null || document.Content.Length > DocumentRules.MaxContentLength)
        {
            throw new ValidationException($"content is required, at most {DocumentRules.MaxContentLength} characters.");
        }

        if (document.Metadata is { ValueKind: not JsonValueKind.Object and not JsonValueKind.Null and not JsonValueKind.Undefined })
        {
            throw new ValidationException("metadata must be a JSON object.");
        }

        DocumentLanguages.Check(document.Language);
        TextRules.Check(document.Title, "title");
        TextRules.Check(document.Content, "content", freeText: true);
        JsonValueRules.Check(document.Metadata, "metadata");
    }

    // The search index of one document (its tsvector) holds at most 1 MiB: content of that many distinct words cannot be indexed.
    private static ValidationException TooLargeToIndex(PostgresException exception) =>
        new($"content has too many distinct words to be indexed for search ({exception.MessageText}); nothing was stored.");

    private static async Task<DocumentView?> ReadOneAsync(NpgsqlCommand command)
    {
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return null;
        }

        return new DocumentView(
            reader.GetInt64(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetFieldValue<JsonElement>(3),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            reader.GetFieldValue<DateTimeOffset>(5),
            reader.GetFieldValue<DateTimeOffset>(6));
    }
}
