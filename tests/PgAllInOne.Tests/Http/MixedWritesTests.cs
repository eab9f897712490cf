using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using Npgsql;
using PgAllInOne.Tests.Infrastructure;
using Xunit.Abstractions;
using static PgAllInOne.Tests.Http.HttpApiTests;

namespace PgAllInOne.Tests.Http;

/// <summary>
/// Many callers at once, through HTTP, mixing valid writes (timestamps with any RFC 3339 offset among them) with bad
/// ones (text that is not valid Unicode, NUL, control characters, numbers beyond numeric, and values only PostgreSQL
/// refuses, by a CHECK constraint of this test's database): every good write is acknowledged and stored exactly, at
/// the instant it names; every bad one is answered 400 and leaves nothing behind, whatever batch it shared.
/// </summary>
public sealed class MixedWritesTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private const int Users = 12;
    private const int Devices = 12;
    private const int Requests = 720;
    private const int Callers = 48;
    private const string RefusedByPostgres = "refused-by-postgres";

    private static readonly string[] Offsets = ["Z", "-05:00", "+09:30", "+14:00", "-12:00", "+00:00", ".123456+05:45"];

    private string database = "";
    private SiloApp app = null!;
    private HttpClient http = null!;

    public async Task InitializeAsync()
    {
        database = await postgres.CreateDatabaseAsync();
        app = await SiloApp.StartAsync(database);
        http = app.Admin();
        await ExecuteAsync($"ALTER TABLE events ADD CONSTRAINT test_type_refused CHECK (type <> '{RefusedByPostgres}')");
        await ExecuteAsync($"ALTER TABLE metrics ADD CONSTRAINT test_metric_refused CHECK (metric <> '{RefusedByPostgres}')");
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task BadWritesAmongGoodOnes_FailAlone_AndEveryGoodOneIsStoredExactly()
    {
        var users = new List<long>();
        for (var i = 0; i < Users; i++)
        {
            users.Add((await Json(await http.PostAsJsonAsync("/api/users", new { username = $"mixed{i}", email = $"mixed{i}@example.com" }))).GetProperty("id").GetInt64());
        }

        // What must be stored: a unique tag of every good row, with the UTC instant it must be stored at.
        var expectedEvents = new ConcurrentDictionary<string, DateTimeOffset>();
        var expectedReadings = new ConcurrentDictionary<string, DateTimeOffset>();
        var failures = new ConcurrentQueue<string>();
        var (goodAcknowledged, badRefused) = (0, 0);
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
        {
            for (var n = Interlocked.Increment(ref next); n < Requests; n = Interlocked.Increment(ref next))
            {
                var bad = n % 3 == 1;
                var (path, body, rows, created) = n % 2 == 0
                    ? Events(n, users[n % Users], bad)
                    : Readings(n, $"dev{n % Devices}", bad);
                using var response = await http.PostAsync(path, new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } });
                var status = (int)response.StatusCode;
                if (bad ? status != 400 : status != created)
                {
                    failures.Enqueue($"{(bad ? "bad" : "good")} #{n} {path} {Encoding.UTF8.GetString(body)} → {status} {await response.Content.ReadAsStringAsync()}");
                }
                else if (bad)
                {
                    Interlocked.Increment(ref badRefused);
                }
                else
                {
                    Interlocked.Increment(ref goodAcknowledged);
                    foreach (var (tag, at) in rows)
                    {
                        (n % 2 == 0 ? expectedEvents : expectedReadings)[tag] = at;
                    }
                }
            }
        })));

        output.WriteLine($"{goodAcknowledged} good requests acknowledged ({expectedEvents.Count} events, {expectedReadings.Count} readings), {badRefused} bad ones refused with 400");
        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(20)));
        Assert.Equal(Requests - (Requests / 3), goodAcknowledged);
        Assert.Equal(Requests / 3, badRefused);

        Assert.Equal(expectedEvents.OrderBy(e => e.Key, StringComparer.Ordinal).ToList(), await RowsAsync("SELECT data->>'tag', occurred_at FROM events"));
        Assert.Equal(expectedReadings.OrderBy(e => e.Key, StringComparer.Ordinal).ToList(), await RowsAsync("SELECT tags->>'tag', time FROM metrics"));
        Assert.Equal((long)expectedEvents.Count, await ScalarAsync("SELECT sum(event_count)::bigint FROM users"));
        foreach (var user in users)
        {
            var counted = (await Json(await http.GetAsync($"/api/users/{user}"))).GetProperty("eventCount").GetInt64();
            Assert.Equal(await ScalarAsync($"SELECT count(*) FROM events WHERE user_id = {user}"), counted);
        }
    }

    // A good request: one to three events, each with a tag and a timestamp in some offset. A bad one: the same with one
    // event that cannot be stored.
    private static (string Path, byte[] Body, List<(string Tag, DateTimeOffset At)> Rows, int Created) Events(int n, long user, bool bad)
    {
        var rows = new List<(string, DateTimeOffset)>();
        var items = new List<string>();
        for (var i = 0; i < 1 + (n % 3); i++)
        {
            var (text, at) = Timestamp(n, i);
            items.Add($$"""{"type":"mixed","data":{"tag":"e{{n}}-{{i}}","n":{{i}} },"timestamp":"{{text}}"}""");
            rows.Add(($"e{n}-{i}", at));
        }

        if (bad)
        {
            items.Insert((n / 3) % items.Count, ((n / 6) % 6) switch
            {
                0 => """{"type":"bad","data":{"text":"\ud800"}}""",
                1 => """{"type":"bad\u0000"}""",
                2 => $$"""{"type":"{{RefusedByPostgres}}","data":{"tag":"refused"} }""",
                3 => """{"type":"bad","data":{"n":1e131072}}""",
                4 => """{"type":"bad\u0007bell"}""",
                _ => """{"type":"bad","timestamp":"2026-12-01T07:00:00-25:00"}""",
            });
        }

        return ($"/api/users/{user}/events", Encoding.UTF8.GetBytes("[" + string.Join(',', items) + "]"), rows, 201);
    }

    private static (string Path, byte[] Body, List<(string Tag, DateTimeOffset At)> Rows, int Created) Readings(int n, string device, bool bad)
    {
        var rows = new List<(string, DateTimeOffset)>();
        var items = new List<string>();
        for (var i = 0; i < 1 + (n % 4); i++)
        {
            var (text, at) = Timestamp(n, i);
            items.Add($$"""{"metric":"power","value":{{n}}.5,"time":"{{text}}","tags":{"tag":"m{{n}}-{{i}}"} }""");
            rows.Add(($"m{n}-{i}", at));
        }

        if (bad)
        {
            items.Insert((n / 3) % items.Count, ((n / 6) % 6) switch
            {
                0 => """{"metric":"bad\udc00","value":1}""",
                1 => """{"metric":"power","value":1,"tags":{"t":"\u0000"}}""",
                2 => $$"""{"metric":"{{RefusedByPostgres}}","value":1}""",
                3 => """{"metric":"power","value":1e400}""",
                4 => """{"metric":"power\u001b[31m","value":1}""",
                _ => """{"metric":"power","value":1,"tags":{"\ud800x":1}}""",
            });
        }

        return ($"/api/devices/{device}/metrics", Encoding.UTF8.GetBytes("[" + string.Join(',', items) + "]"), rows, 202);
    }

    private static (string Text, DateTimeOffset At) Timestamp(int n, int i)
    {
        var utc = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(n).AddSeconds(i);
        var offset = Offsets[(n + i) % Offsets.Length];
        if (offset == "Z")
        {
            return (utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), utc);
        }

        var fraction = offset.StartsWith('.') ? 0.123456 : 0;
        var zone = offset.StartsWith('.') ? offset[7..] : offset;
        var span = TimeSpan.ParseExact(zone.TrimStart('+', '-'), "hh\\:mm", CultureInfo.InvariantCulture) * (zone[0] == '-' ? -1 : 1);
        var local = utc.ToOffset(span);
        return (local.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + (fraction > 0 ? ".123456" : "") + zone, utc.AddTicks(fraction > 0 ? 1_234_560 : 0));
    }

    private async Task<List<KeyValuePair<string, DateTimeOffset>>> RowsAsync(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(database);
        await using var command = dataSource.CreateCommand($"SELECT tag, at FROM ({sql}) AS stored(tag, at) ORDER BY tag COLLATE \"C\"");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<KeyValuePair<string, DateTimeOffset>>();
        while (await reader.ReadAsync())
        {
            rows.Add(new(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1)));
        }

        return rows;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(database);
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private Task<long> ScalarAsync(string sql) => Sql.CountAsync(database, sql);
}
