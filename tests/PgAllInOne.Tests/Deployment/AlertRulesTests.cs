using System.Diagnostics;
using PgAllInOne.Tests.Observability;

using static PgAllInOne.Tests.Deployment.DeploymentFiles;

namespace PgAllInOne.Tests.Deployment;

/// <summary>docker/prometheus/alerts.yml: loaded by Prometheus, valid for promtool, and each alert unit-tested both ways.</summary>
public sealed class AlertRulesTests
{
    public const string RulesFile = "docker/prometheus/alerts.yml";
    public const string RulesTestFile = "docker/prometheus/alerts.test.yml";

    /// <summary>What an operator must be told of (issue 20, issue 21): silo, PostgreSQL, replication, HTTP, group commit, backups.</summary>
    private static readonly string[] RequiredAlerts =
    [
        "PgaioSiloDown", "PgaioPostgresUnreachable", "PgaioPostgresNoStandby", "PgaioStandbyLagHigh",
        "PgaioHttpServerErrors", "PgaioHttp503RateHigh", "PgaioGroupCommitQueueNearFull", "PgaioBackupTooOld",
        "PgaioBackupRefusingWrites",
    ];

    private static readonly string[] Severities = ["critical", "warning"];

    [Fact]
    public void Prometheus_LoadsTheRulesFromItsMountedFolder()
    {
        var config = Yaml.LoadAll(FullPath("docker/prometheus/prometheus.yml")).Single();
        var ruleFile = Assert.Single(config.Items("rule_files").Cast<string>());

        // Relative paths are resolved against prometheus.yml's folder, which compose mounts whole.
        Assert.Equal(RulesFile, "docker/prometheus/" + ruleFile);
        Assert.True(File.Exists(FullPath(RulesFile)));
        Assert.Contains("./prometheus:/etc/prometheus:ro", Compose().Items("services", "prometheus", "volumes").Cast<string>());
    }

    [Fact]
    public async Task Rules_PassPromtoolCheck()
    {
        var (exitCode, output) = await PromtoolAsync("check", "rules", Path.GetFileName(RulesFile));
        Assert.True(exitCode == 0, output);
        Assert.Contains($"SUCCESS: {Alerts().Count} rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rules_PassTheirPromtoolUnitTests()
    {
        var (exitCode, output) = await PromtoolAsync("test", "rules", Path.GetFileName(RulesTestFile));
        Assert.True(exitCode == 0, output);
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryAlert_IsUnitTestedFiring_AndQuiet_AndHasASeverityAndSummary()
    {
        var alerts = Alerts();
        Assert.Empty(RequiredAlerts.Except(alerts.Select(alert => alert.Text("alert")!)));

        var checks = Yaml.LoadAll(FullPath(RulesTestFile)).Single().Items("tests").SelectMany(test => test.Items("alert_rule_test")).ToList();
        foreach (var alert in alerts)
        {
            var name = alert.Text("alert")!;
            Assert.Contains(alert.Text("labels", "severity"), Severities);
            Assert.False(string.IsNullOrWhiteSpace(alert.Text("annotations", "summary")), $"{name} has no summary");
            var own = checks.Where(check => check.Text("alertname") == name).ToList();
            Assert.True(own.Any(check => check.Items("exp_alerts").Count > 0), $"no unit test sees {name} fire");
            Assert.True(own.Any(check => check.Items("exp_alerts").Count == 0), $"no unit test sees {name} stay quiet");
        }
    }

    /// <summary>The metric names the alert expressions read.</summary>
    public static IReadOnlyList<string> MetricNames() =>
        Alerts().SelectMany(alert => DeploymentFileTests.MetricNamesIn(alert.Text("expr")!)).Distinct(StringComparer.Ordinal).ToList();

    private static List<object?> Alerts() =>
        Yaml.LoadAll(FullPath(RulesFile)).Single().Items("groups").SelectMany(group => group.Items("rules")).Where(rule => rule.Text("alert") is not null).ToList();

    /// <summary>Runs Prometheus' promtool in the rules' folder (the unit tests name the rules file relative to it).</summary>
    private static async Task<(int ExitCode, string Output)> PromtoolAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(PrometheusScrape.Promtool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(FullPath(RulesFile))!,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var promtool = Process.Start(start)!;
        var output = promtool.StandardOutput.ReadToEndAsync();
        var errors = promtool.StandardError.ReadToEndAsync();
        await promtool.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (promtool.ExitCode, (await output) + (await errors));
    }
}
