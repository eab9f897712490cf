using PgAllInOne.Tests.Infrastructure;
using PgAllInOne.Tests.Observability;

namespace PgAllInOne.Tests.Deployment;

/// <summary>The Grafana dashboard against what a real silo's /metrics exposes after some traffic.</summary>
[Collection(RunsAloneCollection.Name)] // runs alone: the meters are the process's, and silos beside it would add their series to its /metrics
public sealed class GrafanaDashboardMetricsTests(PostgresFixture postgres)
{
    [Fact]
    public async Task EveryPanelsMetric_IsInTheExportersOutput()
    {
        await using var app = await SiloApp.StartAsync(await postgres.CreateDatabaseAsync());
        using var http = app.Admin();
        await PrometheusScrape.DriveTrafficAsync(http);
        var exposed = PrometheusScrape.SampleNames(PrometheusScrape.ParseStrictly(await http.GetStringAsync("/metrics")));

        var panels = DeploymentFileTests.GrafanaPanels();
        Assert.NotEmpty(panels);
        foreach (var (title, _, expressions) in panels)
        {
            foreach (var expression in expressions)
            {
                var names = DeploymentFileTests.MetricNamesIn(expression);
                Assert.NotEmpty(names);
                var missing = names.Where(name => !exposed.Contains(name)).ToList();
                Assert.True(missing.Count == 0, $"panel \"{title}\" queries {string.Join(", ", missing)}, which /metrics does not expose");
            }
        }
    }
}
