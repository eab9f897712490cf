using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.GrainInterfaces.Records;

namespace PgAllInOne.Grains.Records;

/// <summary>
/// Turns a <see cref="RecordQuery"/> into SQL: fixed fragments from this class, every field path and value a
/// parameter. Comparisons follow the JSON type of the given value (numbers compare as numbers, strings as text),
/// so a stored value of another type never matches instead of failing the query.
/// </summary>
internal static partial class RecordFilter
{
    // The SQL of each of RecordRules.Orders.
    private static readonly Dictionary<string, string> Orders = new(StringComparer.Ordinal)
    {
        ["-createdAt"] = "created_at DESC, id",
        ["createdAt"] = "created_at ASC, id",
        ["-updatedAt"] = "updated_at DESC, id",
        ["updatedAt"] = "updated_at ASC, id",
    };

    public static NpgsqlCommand Build(NpgsqlDataSource dataSource, RecordQuery query, DateTimeOffset now)
    {
        if (query.Limit is < 1 or > RecordRules.MaxQueryLimit)
        {
            throw new ValidationException($"limit must be between 1 and {RecordRules.MaxQueryLimit}.");
        }

        var order = Orders.GetValueOrDefault(query.OrderBy ?? RecordRules.Orders[0])
            ?? throw new ValidationException($"orderBy must be one of {string.Join(", ", RecordRules.Orders)}.");
        RecordValidation.Short(query.Type, "type");
        RecordValidation.Short(query.SessionId, "sessionId");
        RecordValidation.Short(query.ThreadId, "threadId");

        var parameters = new List<NpgsqlParameter> { new NpgsqlParameter<int> { TypedValue = query.Limit }, new NpgsqlParameter<DateTimeOffset> { TypedValue = now } };
        var conditions = new StringBuilder();
        Column(conditions, parameters, "type", query.Type);
        Column(conditions, parameters, "session_id", query.SessionId);
        Column(conditions, parameters, "thread_id", query.ThreadId);
        if (query.Filter is { } filter && filter.ValueKind != JsonValueKind.Null)
        {
            if (filter.ValueKind != JsonValueKind.Object)
            {
                throw new ValidationException("filter must be a JSON object mapping fields of data to values or operators.");
            }

            JsonValueRules.Check(filter, "filter");

            foreach (var field in filter.EnumerateObject())
            {
                var path = Path(field.Name, parameters);
                if (field.Value.ValueKind == JsonValueKind.Object && field.Value.EnumerateObject().Any(p => p.Name.StartsWith('$')))
                {
                    foreach (var condition in field.Value.EnumerateObject())
                    {
                        Operator(conditions, parameters, field.Name, path, condition.Name, condition.Value);
                    }
                }
                else
                {
                    Operator(conditions, parameters, field.Name, path, "$eq", field.Value);
                }
            }
        }

        var sql = GrainsSql.Get("Records/QueryRecords.sql").Replace("{conditions}", conditions.ToString(), StringComparison.Ordinal).Replace("{order}", order, StringComparison.Ordinal);
        var command = dataSource.CreateCommand(sql);
        command.Parameters.AddRange(parameters.ToArray());
        return command;
    }

    private static void Column(StringBuilder conditions, List<NpgsqlParameter> parameters, string column, string? value)
    {
        if (value is not null)
        {
            parameters.Add(new NpgsqlParameter<string> { TypedValue = value });
            conditions.Append(" AND ").Append(column).Append(" = $").Append(parameters.Count);
        }
    }

    private static string Path(string field, List<NpgsqlParameter> parameters)
    {
        if (!FieldPattern().IsMatch(field))
        {
            throw new ValidationException($"Filter field '{field}' must be names of letters, digits, '_' or '-', joined by dots.");
        }

        parameters.Add(new NpgsqlParameter<string[]> { TypedValue = field.Split('.') });
        return "$" + parameters.Count;
    }

    private static void Operator(StringBuilder sql, List<NpgsqlParameter> parameters, string field, string path, string op, JsonElement value)
    {
        string Add(NpgsqlParameter parameter)
        {
            parameters.Add(parameter);
            return "$" + parameters.Count;
        }

        NpgsqlParameter Json(JsonElement element) => new NpgsqlParameter<string> { TypedValue = element.GetRawText(), NpgsqlDbType = NpgsqlDbType.Jsonb };

        sql.Append(" AND ");
        switch (op)
        {
            case "$eq":
                sql.Append($"data #> {path} = {Add(Json(value))}");
                break;
            case "$ne":
                sql.Append($"data #> {path} IS DISTINCT FROM {Add(Json(value))}");
                break;
            case "$gt" or "$gte" or "$lt" or "$lte":
                var comparison = op switch { "$gt" => ">", "$gte" => ">=", "$lt" => "<", _ => "<=" };
                if (value.ValueKind == JsonValueKind.Number)
                {
                    sql.Append($"(CASE WHEN jsonb_typeof(data #> {path}) = 'number' THEN (data #>> {path})::numeric END) {comparison} {Add(new NpgsqlParameter<decimal> { TypedValue = ReadNumber(value, field, op) })}");
                }
                else if (value.ValueKind == JsonValueKind.String)
                {
                    sql.Append($"(CASE WHEN jsonb_typeof(data #> {path}) = 'string' THEN data #>> {path} END) COLLATE \"C\" {comparison} {Add(new NpgsqlParameter<string> { TypedValue = value.GetString()! })}");
                }
                else
                {
                    throw new ValidationException($"{field}: {op} compares with a number or a string.");
                }

                break;
            case "$in":
                if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() is 0 or > 1000)
                {
                    throw new ValidationException($"{field}: $in takes an array of 1 to 1000 values.");
                }

                sql.Append($"data #> {path} = ANY({Add(new NpgsqlParameter<string[]> { TypedValue = value.EnumerateArray().Select(v => v.GetRawText()).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb })})");
                break;
            case "$like":
                if (value.ValueKind != JsonValueKind.String)
                {
                    throw new ValidationException($"{field}: $like takes a string pattern (% and _ as in SQL LIKE).");
                }

                sql.Append($"data #>> {path} LIKE {Add(new NpgsqlParameter<string> { TypedValue = value.GetString()! })}");
                break;
            default:
                throw new ValidationException($"{field}: unknown operator '{op}'; use $eq, $ne, $gt, $gte, $lt, $lte, $in or $like.");
        }
    }

    private static decimal ReadNumber(JsonElement value, string field, string op) =>
        value.TryGetDecimal(out var number) ? number : throw new ValidationException($"{field}: the number of {op} is out of range.");

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,64}(\.[A-Za-z0-9_-]{1,64}){0,7}$")]
    private static partial Regex FieldPattern();
}
