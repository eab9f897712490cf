using Microsoft.AspNetCore.Http.HttpResults;
using PgAllInOne.Api.Contracts.Backups;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.Postgres.Backups;
using PgAllInOne.Silo.Api.Audit;
using PgAllInOne.Silo.Api.OpenApi;
using PgAllInOne.Silo.Auth;

namespace PgAllInOne.Silo.Api.Backups;

/// <summary>
/// Continuous backups for operators (admin): a base backup now, the list with the restorable window, named restore
/// points. A silo without <c>Backup:Directory</c> answers 503 (nothing to do here; another silo of the cluster may be
/// the one that takes the backups).
/// </summary>
public static class BackupsApi
{
    private const string NotConfigured = "Backups are not configured on this silo: set Backup:Directory (see README, \"Backups and restore\").";

    public static RouteGroupBuilder MapBackupsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/backups").WithTags("Backups").RequireAuthorization(ApiRoles.Admin);
        group.MapPost("/", StartAsync).ProducesProblem(503)
            .WithExamples(BackupsContract.BackupStarted);
        group.MapGet("/", ListAsync).ProducesProblem(503)
            .WithExamples(BackupsContract.BackupList, BackupsContract.BaseBackupView, BackupsContract.RestoreWindowView, BackupsContract.RestorePointView);
        group.MapPost("/restore-points", SetRestorePointAsync).ProducesProblem(409).ProducesProblem(503)
            .WithBody(BackupsContract.NewRestorePoint)
            .WithExamples(BackupsContract.RestorePointView);
        return group;
    }

    private static async Task<Results<Accepted<BackupStarted>, ProblemHttpResult>> StartAsync(HttpContext context, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (services.GetService<BackupService>() is not { } backups)
        {
            return Unavailable(context, NotConfigured);
        }

        // The one place where an operator starts a base backup.
        var id = await backups.RequestBaseBackupAsync(HttpAuditActor.Of(context), cancellationToken);
        return TypedResults.Accepted("/api/backups", new BackupStarted(id));
    }

    private static async Task<Results<Ok<BackupList>, ProblemHttpResult>> ListAsync(HttpContext context, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (services.GetService<BackupService>() is not { } backups)
        {
            return Unavailable(context, NotConfigured);
        }

        var catalog = backups.Catalog;
        var window = await catalog.WindowAsync(cancellationToken);
        return TypedResults.Ok(new BackupList(
            catalog.List().Select(b => new BaseBackupView(b.Id, b.Started, b.Finished, b.SizeBytes, b.Verified)).ToList(),
            new RestoreWindowView(window.Earliest, window.Latest),
            catalog.RestorePoints().Select(p => new RestorePointView(p.Name, p.Time, p.Lsn)).ToList(),
            backups.Running,
            Math.Round(backups.WalLag.TotalSeconds, 3)));
    }

    private static async Task<Results<Created<RestorePointView>, ProblemHttpResult>> SetRestorePointAsync(
        CreateRestorePointRequest request, HttpContext context, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (!BackupService.IsValidRestorePointName(request.Name))
        {
            throw new ValidationException(BackupsContract.NameRule + ".");
        }

        if (services.GetService<BackupService>() is not { } backups)
        {
            return Unavailable(context, NotConfigured);
        }

        if (backups.Catalog.RestorePoints().Any(p => p.Name == request.Name))
        {
            throw new ConflictException($"There is a restore point named '{request.Name}' already; names are unique.");
        }

        try
        {
            // The one place where an operator sets a restore point.
            var point = await backups.SetRestorePointAsync(request.Name!, HttpAuditActor.Of(context), cancellationToken);
            return TypedResults.Created("/api/backups", new RestorePointView(point.Name, point.Time, point.Lsn));
        }
        catch (BackupUnavailableException unavailable)
        {
            return Unavailable(context, unavailable.Message);
        }
    }

    private static ProblemHttpResult Unavailable(HttpContext context, string detail)
    {
        context.Response.Headers.RetryAfter = "1";
        return TypedResults.Problem(detail, statusCode: 503, title: "Unavailable");
    }
}
