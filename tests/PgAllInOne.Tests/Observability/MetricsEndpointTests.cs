using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Observability;

/// <summary>/metrics: the Prometheus text exposition of the silo's meters, checked against the format's rules.</summary>
[Collection(PostgresCollection.Name)]
public sealed partial class MetricsEndpointTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly string[] MetricTypes = ["counter", "gauge", "histogram", "summary", "untyped"];
    private SiloApp app = null!;

    public async Task InitializeAsync() => app = await SiloApp.StartAsync(await postgres.CreateDatabaseAsync());

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Metrics_FollowTheExpositionFormat_AndCountWhatHappened()
    {
        using var http = app.Admin();
        var user = await (await http.PostAsJsonAsync("/api/users", new { username = "metered", email = "metered@example.com" })).Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        for (var i = 0; i < 5; i++)
        {
            await http.PostAsJsonAsync($"/api/users/{user.GetProperty("id").GetInt64()}/events", new { type = "t" });
        }

        await http.GetAsync("/api/analytics/events");
        await http.GetAsync("/api/analytics/events");
        using var anonymous = app.Client(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);

        var response = await http.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var samples = ParseStrictly(text);
        // Orleans' own meter: application requests (the grain calls) and activations.
        Assert.True(samples.Where(s => s.Name.StartsWith("orleans_app_requests_latency", StringComparison.Ordinal) && s.Name.EndsWith("_count", StringComparison.Ordinal)).Sum(s => s.Value) >= 5);
        Assert.Contains(samples, s => s.Name.StartsWith("orleans_catalog_activations", StringComparison.Ordinal) && s.Value >= 1);
        Assert.Equal(5, Value(samples, "pgaio_ingest_rows_total", "kind", "events"));
        Assert.True(Value(samples, "pgaio_group_commit_batches_total", "queue", "events") is >= 1 and <= 5);
        Assert.Equal(1, Value(samples, "pgaio_cache_misses_total", null, null));
        Assert.Equal(1, Value(samples, "pgaio_cache_hits_total", "source", "memory"));
        Assert.True(Value(samples, "http_server_request_duration_seconds_count", "http_route", "/api/users/{id:long}/events") >= 5);
        Assert.Contains(samples, s => s.Name == "db_client_connection_count");
        Assert.All(samples, s => Assert.Contains("silo=\"", s.Labels, StringComparison.Ordinal));
    }

    private sealed record Sample(string Name, string Labels, double Value);

    /// <summary>Parses the exposition, failing on anything the format does not allow.</summary>
    private static List<Sample> ParseStrictly(string text)
    {
        var samples = new List<Sample>();
        var types = new Dictionary<string, string>();
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

            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
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

            samples.Add(new Sample(name, match.Groups["labels"].Value, double.Parse(match.Groups["value"].Value.Replace("+Inf", "Infinity", StringComparison.Ordinal), CultureInfo.InvariantCulture)));
        }

        // Histogram buckets are cumulative and end at +Inf, equal to the count.
        foreach (var series in samples.Where(s => s.Name.EndsWith("_bucket", StringComparison.Ordinal)).GroupBy(s => (s.Name, LeRemoved().Replace(s.Labels, ""))))
        {
            var values = series.Select(s => s.Value).ToList();
            Assert.Equal(values.Order(), values);
            Assert.Contains("le=\"+Inf\"", series.Last().Labels, StringComparison.Ordinal);
            var count = samples.Single(s => s.Name == series.Key.Name[..^"_bucket".Length] + "_count" && s.Labels == series.Key.Item2);
            Assert.Equal(count.Value, values[^1]);
        }

        return samples;
    }

    private static double Value(List<Sample> samples, string name, string? label, string? value) =>
        samples.Where(s => s.Name == name && (label is null || s.Labels.Contains($"{label}=\"{value}\"", StringComparison.Ordinal))).Sum(s => s.Value);

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\["\\n])*")(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\["\\n])*")*)\})? (?<value>[-+]?(\d+(\.\d+)?([eE][-+]?\d+)?|Inf|NaN))$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex(""",?le="[^"]*"$""")]
    private static partial Regex LeRemoved();
}
