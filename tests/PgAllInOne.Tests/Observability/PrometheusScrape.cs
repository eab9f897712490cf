using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Observability;

/// <summary>One sample line of a scrape: its metric name, its labels as written, its value.</summary>
public sealed record PrometheusSample(string Name, string Labels, double Value);

/// <summary>A scrape of a silo's /metrics: the text, parsed strictly, and Prometheus' own checker of it.</summary>
public static partial class PrometheusScrape
{
    public const string Promtool = "/usr/bin/promtool";

    private static readonly string[] MetricTypes = ["counter", "gauge", "histogram", "summary", "untyped"];

    /// <summary>What the counts checks and the dashboard need to see: users, events ingested, a cache miss then a hit.</summary>
    public static async Task DriveTrafficAsync(HttpClient http)
    {
        var user = await (await http.PostAsJsonAsync("/api/users", new { username = $"metered{Guid.NewGuid():N}"[..20], email = $"{Guid.NewGuid():N}@example.com" })).Content.ReadFromJsonAsync<JsonElement>();
        for (var i = 0; i < 5; i++)
        {
            (await http.PostAsJsonAsync($"/api/users/{user.GetProperty("id").GetInt64()}/events", new { type = "t" })).EnsureSuccessStatusCode();
        }

        // An explicit range: an open one ends at the next whole minute, and two requests either side of it miss twice.
        (await http.GetAsync("/api/analytics/events?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z")).EnsureSuccessStatusCode();
        (await http.GetAsync("/api/analytics/events?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z")).EnsureSuccessStatusCode();
    }

    /// <summary>Parses the exposition, failing on anything the text format does not allow.</summary>
    public static List<PrometheusSample> ParseStrictly(string text)
    {
        var samples = new List<PrometheusSample>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                Assert.Matches(MetricName(), parts[2]);
                Assert.Contains(parts[3], MetricTypes);
                Assert.True(types.TryAdd(parts[2], parts[3]), $"TYPE given twice for {parts[2]}");
                continue;
            }

            if (line.StartsWith('#'))
            {
                Assert.True(line.StartsWith("# HELP ", StringComparison.Ordinal) || line.StartsWith("# UNIT ", StringComparison.Ordinal), $"unexpected comment: {line}");
                continue;
            }

            var match = SampleLine().Match(line);
            Assert.True(match.Success, $"not a valid sample line: {line}");
            var name = match.Groups["name"].Value;
            var family = types.Keys.FirstOrDefault(t => name == t || (types[t] == "histogram" && (name == t + "_bucket" || name == t + "_sum" || name == t + "_count")));
            Assert.True(family is not null, $"sample {name} before (or without) its TYPE line");
            if (types[family!] == "counter")
            {
                Assert.EndsWith("_total", name, StringComparison.Ordinal);
            }

            var value = match.Groups["value"].Value.Replace("+Inf", "Infinity", StringComparison.Ordinal).Replace("-Inf", "-Infinity", StringComparison.Ordinal);
            samples.Add(new PrometheusSample(name, match.Groups["labels"].Value, double.Parse(value, CultureInfo.InvariantCulture)));
        }

        // Histogram buckets are cumulative and end at +Inf, equal to the count.
        foreach (var series in samples.Where(s => s.Name.EndsWith("_bucket", StringComparison.Ordinal)).GroupBy(s => (s.Name, Labels: LeRemoved().Replace(s.Labels, ""))))
        {
            var values = series.Select(s => s.Value).ToList();
            Assert.Equal(values.Order(), values);
            Assert.Matches(LastLe(), series.Last().Labels);
            var count = samples.Single(s => s.Name == series.Key.Name[..^"_bucket".Length] + "_count" && s.Labels == series.Key.Labels);
            Assert.Equal(count.Value, values[^1]);
        }

        return samples;
    }

    /// <summary>The metric names the scrape has samples of (histograms as their _bucket, _sum and _count).</summary>
    public static HashSet<string> SampleNames(IEnumerable<PrometheusSample> samples) => samples.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Runs <c>promtool check metrics</c> on the text. It exits 0 when the text is clean, 3 when it parses but has lint
    /// problems (printed on stderr, one per line, starting with the metric name) and 1 when it does not parse
    /// ("error while linting: ...").
    /// </summary>
    public static async Task<(int ExitCode, string Output)> CheckWithPromtoolAsync(string text)
    {
        var start = new ProcessStartInfo(Promtool, "check metrics")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var promtool = Process.Start(start)!;
        var output = promtool.StandardOutput.ReadToEndAsync();
        var errors = promtool.StandardError.ReadToEndAsync();
        await promtool.StandardInput.WriteAsync(text);
        promtool.StandardInput.Close();
        await promtool.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (promtool.ExitCode, (await output) + (await errors));
    }

    public static double Value(IEnumerable<PrometheusSample> samples, string name, string? label = null, string? value = null) =>
        samples.Where(s => s.Name == name && (label is null || s.Labels.Contains($"{label}=\"{value}\"", StringComparison.Ordinal))).Sum(s => s.Value);

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\["\\n])*")(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\["\\n])*")*)\})? (?<value>[-+]?(\d+(\.\d+)?([eE][-+]?\d+)?|Inf|NaN))( -?\d+)?$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex(""",?le="[^"]*"(?=,|$)""")]
    private static partial Regex LeRemoved();

    [GeneratedRegex("""(^|,)le="\+Inf"(,|$)""")]
    private static partial Regex LastLe();
}
