using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.GrainInterfaces.Search;

namespace PgAllInOne.Grains.Search;

[StatelessWorker]
public sealed class DocumentsGrain(NpgsqlDataSource dataSource) : Grain, IDocumentsGrain
{
    private const int MaxContentChars = 1_000_000;
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    public async Task<long> Add(NewDocument document)
    {
        if (string.IsNullOrWhiteSpace(document.Title) || document.Title.Length > 500)
        {
            throw new ValidationException("title must be 1-500 characters.");
        }

        if (document.Content is null || document.Content.Length > MaxContentChars)
        {
            throw new ValidationException($"content is required, at most {MaxContentChars} characters.");
        }

        if (document.Metadata is { ValueKind: not JsonValueKind.Object and not JsonValueKind.Null and not JsonValueKind.Undefined })
        {
            throw new ValidationException("metadata must be a JSON object.");
        }

        if (document.Language is { Length: 0 or > 20 })
        {
            throw new ValidationException("language must be 1-20 characters when given.");
        }

        await using var command = dataSource.CreateCommand(GrainsSql.Get("InsertDocument.sql"));
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = document.Title });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = document.Content });
        command.Parameters.Add(new NpgsqlParameter<JsonElement> { TypedValue = document.Metadata is { ValueKind: JsonValueKind.Object } metadata ? metadata : EmptyObject, NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)document.Language ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
