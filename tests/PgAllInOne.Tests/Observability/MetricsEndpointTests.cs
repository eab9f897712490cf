using System.Net;
using PgAllInOne.Tests.Infrastructure;
using static PgAllInOne.Tests.Observability.PrometheusScrape;

namespace PgAllInOne.Tests.Observability;

/// <summary>/metrics: OpenTelemetry's Prometheus exporter on a real silo, checked by promtool and by the text format's rules.</summary>
[Collection(RunsAloneCollection.Name)] // runs alone: the meters are the process's, and it counts exactly what it did
[Trait(RunsAloneCollection.Trait, RunsAloneCollection.Value)]
public sealed class MetricsEndpointTests(PostgresFixture postgres) : IAsyncLifetime
{
    private SiloApp app = null!;

    public async Task InitializeAsync() => app = await SiloApp.StartAsync(await postgres.CreateDatabaseAsync());

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Metrics_PassPromtool_FollowTheExpositionFormat_AndCountWhatHappened()
    {
        using var http = app.Admin();
        await DriveTrafficAsync(http);
        using var anonymous = app.Client(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);

        var response = await http.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(response.Content.Headers.ContentType!.Parameters, p => p.Name == "version" && p.Value == "0.0.4");
        var samples = ParseStrictly(text);
        // Orleans' own meter: application requests (the grain calls) and activations.
        Assert.True(samples.Where(s => s.Name.StartsWith("orleans_app_requests_latency", StringComparison.Ordinal) && s.Name.EndsWith("_count", StringComparison.Ordinal)).Sum(s => s.Value) >= 5);
        Assert.Contains(samples, s => s.Name.StartsWith("orleans_catalog_activations", StringComparison.Ordinal) && s.Value >= 1);
        Assert.Equal(5, Value(samples, "pgaio_ingest_rows_total", "kind", "events"));
        Assert.True(Value(samples, "pgaio_group_commit_batches_total", "queue", "events") is >= 1 and <= 5);
        // The queue-near-full alert's gauges: the events queue holds its default capacity and has drained.
        Assert.Equal(10_000, Value(samples, "pgaio_group_commit_queue_capacity", "queue", "events"));
        Assert.Contains(samples, s => s.Name == "pgaio_group_commit_queue_depth" && s.Labels.Contains("queue=\"events\"", StringComparison.Ordinal));
        Assert.Equal(1, Value(samples, "pgaio_cache_misses_total"));
        Assert.Equal(1, Value(samples, "pgaio_cache_hits_total", "source", "memory"));
        Assert.True(Value(samples, "http_server_request_duration_seconds_count", "http_route", "/api/users/{id}/events") >= 5);
        Assert.Contains(samples, s => s.Name == "db_client_connection_count");
        Assert.All(samples, s => Assert.Contains("silo=\"", s.Labels, StringComparison.Ordinal));

        // Prometheus' own checker.
        var (exitCode, output) = await CheckWithPromtoolAsync(text);

        // 1 is a parse error ("error while linting: ..."); 3 is lint problems only, here all in third-party
        // instrument names (Orleans' missing HELP and millisecond units, the runtime's and Npgsql's "_count" gauges).
        Assert.True(exitCode is 0 or 3, $"promtool exited {exitCode}:\n{output}");
        Assert.DoesNotContain("error while linting", output, StringComparison.Ordinal);
        var problems = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(exitCode == 3, problems.Length > 0);
        Assert.DoesNotContain(problems, problem => problem.StartsWith("pgaio_", StringComparison.Ordinal) || problem.StartsWith("target_info", StringComparison.Ordinal));
    }
}
