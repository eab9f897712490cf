using Microsoft.AspNetCore.Http.HttpResults;
using PgAllInOne.Api.Contracts.Records;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.GrainInterfaces.Records;
using PgAllInOne.Silo.Api.OpenApi;
using PgAllInOne.Silo.Auth;
using StoredRecord = PgAllInOne.Api.Contracts.Records.StoredRecord;

namespace PgAllInOne.Silo.Api.Records;

public static class RecordsApi
{
    public static RouteGroupBuilder MapRecordsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/records").WithTags("Records").RequireAuthorization(ApiRoles.Reader)
            .WithParameter("id", RecordsContract.Id)
            .WithExamples(RecordsContract.StoredRecord);
        group.MapPut("/{id}", PutAsync).RequireAuthorization(ApiRoles.Writer).ProducesProblem(412).ProducesProblem(409)
            .WithBody(RecordsContract.Record)
            .WithExamples(RecordsContract.RecordWritten);
        group.MapGet("/{id}", GetAsync).ProducesProblem(404);
        group.MapDelete("/{id}", DeleteAsync).RequireAuthorization(ApiRoles.Writer).ProducesProblem(404);

        // A read, but a POST: API.md gives readers GET only, so a query needs a writer key.
        group.MapPost("/query", QueryAsync).RequireAuthorization(ApiRoles.Writer)
            .WithBody(RecordsContract.Query);
        return group;
    }

    private static async Task<Ok<RecordWritten>> PutAsync(string id, RecordRequest request, HttpRequest http, IGrainFactory grains)
    {
        var write = new RecordWrite(
            request.Data ?? throw new ValidationException("data is required."),
            request.Type, request.SessionId, request.ThreadId, request.Metadata, request.TtlSeconds, HttpInput.IfMatch(http));
        var stored = await Record(grains, id).Put(write);
        return TypedResults.Ok(stored.ToWritten());
    }

    private static async Task<Results<Ok<StoredRecord>, ProblemHttpResult>> GetAsync(string id, IGrainFactory grains) =>
        await Record(grains, id).Get() is { } record ? TypedResults.Ok(record.ToResponse()) : NotFound(id);

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, IGrainFactory grains) =>
        await Record(grains, id).Delete() ? TypedResults.NoContent() : NotFound(id);

    private static async Task<Ok<IReadOnlyList<StoredRecord>>> QueryAsync(RecordQueryRequest request, IGrainFactory grains)
    {
        var records = await grains.GetGrain<IRecordQueryGrain>("http").Query(
            new RecordQuery(request.Filter, request.Type, request.SessionId, request.ThreadId, request.Limit ?? RecordRules.DefaultQueryLimit, request.OrderBy));
        return TypedResults.Ok<IReadOnlyList<StoredRecord>>(records.Select(r => r.ToResponse()).ToList());
    }

    private static IRecordGrain Record(IGrainFactory grains, string id) => grains.GetGrain<IRecordGrain>(HttpInput.Key(id, "record id", RecordRules.MaxIdLength));

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem($"There is no record '{id}' (or it has expired).", statusCode: 404, title: "Not found");
}
