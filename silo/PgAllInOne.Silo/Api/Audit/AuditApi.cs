using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;
using PgAllInOne.Api.Contracts.Audit;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.Postgres;
using PgAllInOne.Postgres.Audit;
using PgAllInOne.Silo.Api.OpenApi;
using PgAllInOne.Silo.Auth;

namespace PgAllInOne.Silo.Api.Audit;

public static class AuditApi
{
    public static RouteGroupBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/audit").WithTags("Audit").RequireAuthorization(ApiRoles.Admin);
        group.MapGet("/", ListAsync)
            .WithParameter("from", AuditContract.From)
            .WithParameter("to", AuditContract.To)
            .WithParameter("action", AuditContract.Action)
            .WithParameter("limit", AuditContract.Limit)
            .WithExamples(AuditContract.Entry);
        return group;
    }

    private static async Task<Ok<IReadOnlyList<AuditEntry>>> ListAsync(
        DateTimeOffset? from, DateTimeOffset? to, string? action, int? limit, PostgresDatabase database, CancellationToken cancellationToken)
    {
        if (from is { } start && to is { } end && start > end)
        {
            throw new ValidationException("from must not be after to.");
        }

        if (action is not null && !AuditActions.All.Contains(action))
        {
            throw new ValidationException($"action must be one of {string.Join(", ", AuditActions.All)}.");
        }

        if (limit is < 1 or > AuditContract.MaxLimit)
        {
            throw new ValidationException($"limit must be between 1 and {AuditContract.MaxLimit}.");
        }

        return TypedResults.Ok(await ReadAsync(database.DataSource, from, to, action, limit ?? AuditContract.DefaultLimit, cancellationToken));
    }

    /// <summary>The newest entries within the bounds (also the dashboard's).</summary>
    internal static async Task<IReadOnlyList<AuditEntry>> ReadAsync(NpgsqlDataSource dataSource, DateTimeOffset? from, DateTimeOffset? to, string? action, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SiloSql.Get("Api/Audit/ListAudit.sql"));
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)from ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)to ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)action ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<AuditEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new AuditEntry(
                reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetInt64(4), Nullable(reader, 5), Nullable(reader, 6), Nullable(reader, 7)));
        }

        return entries;
    }

    private static string? Nullable(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
