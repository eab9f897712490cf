using Npgsql;
using PgAllInOne.Postgres;

namespace PgAllInOne.Silo;

public static class HealthEndpoints
{
    /// <summary><c>/healthz</c>: the process is alive. <c>/readyz</c>: PostgreSQL answers, migrations are applied, the silo is active.</summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => TypedResults.Ok(new HealthReport("alive")));
        endpoints.MapGet("/readyz", ReadyAsync);
        return endpoints;
    }

    private static async Task<IResult> ReadyAsync(ISiloStatusOracle silo, PostgresDatabase database, CancellationToken cancellationToken)
    {
        if (!database.MigrationsApplied)
        {
            return NotReady("The silo is starting: migrations are not applied yet.");
        }

        if (silo.CurrentStatus != SiloStatus.Active)
        {
            return NotReady($"Silo {silo.SiloAddress} is {silo.CurrentStatus}, not active in the membership of its cluster.");
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await using var command = database.DataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(timeout.Token);
        }
        catch (Exception exception) when (exception is NpgsqlException or OperationCanceledException or InvalidOperationException)
        {
            return NotReady($"PostgreSQL is not reachable: {exception.Message}");
        }

        return TypedResults.Ok(new HealthReport("ready"));
    }

    private static IResult NotReady(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready");
}

public sealed record HealthReport(string Status);
