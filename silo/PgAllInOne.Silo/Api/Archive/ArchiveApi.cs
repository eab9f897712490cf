using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using PgAllInOne.Api.Contracts.Archive;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.Grains;
using PgAllInOne.Grains.Archive;
using PgAllInOne.Silo.Api.OpenApi;
using PgAllInOne.Silo.Auth;

namespace PgAllInOne.Silo.Api.Archive;

/// <summary>
/// The metric days archived to Parquet files (<c>Metrics:ArchiveAfter</c>) for operators (admin): the list, and an
/// attach that copies a day's readings back into PostgreSQL.
/// </summary>
public static class ArchiveApi
{
    public static RouteGroupBuilder MapArchiveApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/archive").WithTags("Archive").RequireAuthorization(ApiRoles.Admin);
        group.MapGet("/", ListAsync)
            .WithExamples(ArchiveContract.ArchivedDayView);
        group.MapPost("/{day}/attach", AttachAsync).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422)
            .WithParameter("day", ArchiveContract.Day)
            .WithExamples(ArchiveContract.ArchivedDayView);
        return group;
    }

    private static async Task<Ok<IReadOnlyList<ArchivedDayView>>> ListAsync(ArchiveAttach archive, CancellationToken cancellationToken) =>
        TypedResults.Ok<IReadOnlyList<ArchivedDayView>>((await archive.ListAsync(cancellationToken)).Select(View).ToList());

    private static async Task<Results<Ok<ArchivedDayView>, ProblemHttpResult>> AttachAsync(
        string day, ArchiveAttach archive, [FromKeyedServices(DataClock.Key)] TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            throw new ValidationException($"day must be {ArchiveContract.DayForm} (was '{day}').");
        }

        try
        {
            return TypedResults.Ok(View(await archive.AttachAsync(date, clock.GetUtcNow(), cancellationToken)));
        }
        catch (ArchiveFileException invalid)
        {
            return TypedResults.Problem(invalid.Message + " Nothing was written.", statusCode: 422, title: "Archive file invalid");
        }
    }

    private static ArchivedDayView View(ArchivedDay day) =>
        new(day.Day, day.File, day.Generation, day.Readings, day.Bytes, day.Sha256, day.ArchivedAt, day.AttachedAt);
}
