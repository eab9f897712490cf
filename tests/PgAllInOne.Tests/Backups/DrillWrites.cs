using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using PgAllInOne.Tests.Cli;
using Xunit.Abstractions;

namespace PgAllInOne.Tests.Backups;

/// <summary>What the restore drills write through the HTTP facade, and read back from a restored database.</summary>
internal static class DrillWrites
{
    public const string Device = "drill-device";

    /// <summary>3 users with 2 batches of 5 events each, 3 batches of 20 readings of one device, 5 records: each acknowledged (2xx).</summary>
    public static async Task<Written> WriteAsync(HttpClient http, string phase)
    {
        var users = new List<long>();
        for (var u = 0; u < 3; u++)
        {
            var created = await http.PostAsJsonAsync("/api/users", new { username = $"{phase}-{u}-{Guid.NewGuid():N}"[..40], email = $"{phase}{u}{Guid.NewGuid():N}@example.com" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
            users.Add(id);
            for (var batch = 0; batch < 2; batch++)
            {
                var events = Enumerable.Range(0, 5).Select(i => new { type = $"{phase}-event", data = new { batch, i } }).ToArray();
                Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync($"/api/users/{id}/events", events)).StatusCode);
            }
        }

        for (var batch = 0; batch < 3; batch++)
        {
            var readings = Enumerable.Range(0, 20).Select(i => new { metric = $"{phase}-temperature", value = (batch * 20) + i }).ToArray();
            Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsJsonAsync($"/api/devices/{Device}/metrics", readings)).StatusCode);
        }

        for (var r = 0; r < 5; r++)
        {
            Assert.True((await http.PutAsJsonAsync($"/api/records/{phase}-record-{r}", new { data = new { phase, r } })).IsSuccessStatusCode);
        }

        return new Written(users, 30, 60, 5);
    }

    /// <summary>The drill's rows a restored database holds: the users with events, and the counts of its rows.</summary>
    public static async Task<Written> ReadAsync(NpgsqlDataSource source)
    {
        var users = new List<long>();
        await using (var command = source.CreateCommand("SELECT DISTINCT user_id FROM events ORDER BY 1"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                users.Add(reader.GetInt64(0));
            }
        }

        var events = await CountAsync(source, "SELECT count(*) FROM events");
        var readings = await CountAsync(source, $"SELECT count(*) FROM metrics WHERE device_id = '{Device}'");
        var records = await CountAsync(source, "SELECT count(*) FROM records WHERE id LIKE '%-record-%'");
        Assert.Equal(events, users.Count * 10);
        return new Written(users, (int)events, (int)readings, (int)records);
    }

    /// <summary>
    /// pgaio restore from <paramref name="backups"/> into <paramref name="folder"/>, which ends telling how to serve the
    /// folder (<paramref name="serveWith"/>); its time and output go to the test's output.
    /// </summary>
    public static async Task<string> RestoreAsync(string backups, string folder, string serveWith, ITestOutputHelper output, params string[] target)
    {
        var started = Stopwatch.GetTimestamp();
        var run = await CliRunner.RunRawAsync(["restore", "--backup-dir", backups, "--data-dir", folder, .. target]);
        Assert.True(run.ExitCode == 0 && run.Output.Contains(serveWith, StringComparison.Ordinal), run.ToString());
        output.WriteLine($"restore {string.Join(' ', target)}: {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s\n{run.Output.Trim()}");
        return folder;
    }

    private static async Task<long> CountAsync(NpgsqlDataSource source, string sql)
    {
        await using var command = source.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

/// <summary>What a drill's phase wrote (users and the counts of their rows); two are equal when they hold the same users and counts.</summary>
internal sealed record Written(IReadOnlyList<long> UserIds, int Events, int Readings, int Records)
{
    public int EventsPerUser => UserIds.Count == 0 ? 0 : Events / UserIds.Count;

    public static Written operator +(Written a, Written b) => new([.. a.UserIds, .. b.UserIds], a.Events + b.Events, a.Readings + b.Readings, a.Records + b.Records);

    public bool Equals(Written? other) => other is not null && UserIds.Order().SequenceEqual(other.UserIds.Order()) && (Events, Readings, Records) == (other.Events, other.Readings, other.Records);

    public override int GetHashCode() => HashCode.Combine(UserIds.Count, Events, Readings, Records);

    public override string ToString() => $"{UserIds.Count} users [{string.Join(',', UserIds)}], {Events} events, {Readings} readings, {Records} records";
}
