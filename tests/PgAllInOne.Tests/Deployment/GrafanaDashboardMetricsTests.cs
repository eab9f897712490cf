using PgAllInOne.Tests.Infrastructure;
using PgAllInOne.Tests.Observability;

namespace PgAllInOne.Tests.Deployment;

/// <summary>The Grafana dashboard and the alert rules against what a real silo's /metrics exposes after some traffic.</summary>
[Trait("Category", "EndToEnd")] // a silo under traffic, then every dashboard panel and alert rule against its /metrics
[Collection(RunsAloneCollection.Name)] // runs alone: the meters are the process's, and silos beside it would add their series to its /metrics
[Trait(RunsAloneCollection.Trait, RunsAloneCollection.Value)]
public sealed class GrafanaDashboardMetricsTests(PostgresFixture postgres)
{
    /// <summary>
    /// What an alert reads that a one-host silo without backups does not expose: Prometheus' own <c>up</c>; the standby
    /// lag and standby reads of a multi-host connection string; the backup metrics of Backup:Directory.
    /// </summary>
    private static readonly string[] NotOnAPlainSilo =
    [
        "up", "pgaio_postgres_standby_lag_seconds", "pgaio_postgres_standby_reads_total",
        "pgaio_backup_newest_verified_age_seconds", "pgaio_backup_wal_lag_seconds", "pgaio_backup_writes_refused_seconds_total",
    ];

    [Fact]
    public async Task EveryPanelsAndAlertRulesMetric_IsInTheExportersOutput()
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

        var alerting = AlertRulesTests.MetricNames();
        Assert.Contains("pgaio_group_commit_queue_depth", alerting);
        Assert.Contains("pgaio_postgres_host_role", alerting); // a one-host silo reports its host as primary
        var unknown = alerting.Except(NotOnAPlainSilo).Where(name => !exposed.Contains(name)).ToList();
        Assert.True(unknown.Count == 0, $"alerts.yml reads {string.Join(", ", unknown)}, which /metrics does not expose");
    }
}
