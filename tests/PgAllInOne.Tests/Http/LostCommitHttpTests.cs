using System.Collections.Concurrent;
using System.Net.Http.Json;
using Npgsql;
using PgAllInOne.Postgres;
using PgAllInOne.Tests.Infrastructure;
using Xunit.Abstractions;
using static PgAllInOne.Tests.Http.HttpApiTests;

namespace PgAllInOne.Tests.Http;

/// <summary>
/// The README's promise through HTTP, with the silo's PostgreSQL behind a <see cref="CommitCuttingProxy"/>: sixteen
/// clients posting events while commits lose their answers, the last one followed by the database gone for longer than
/// the writer asks. A 2xx is stored once, a 503 "Unavailable" not at all, a 503 "Outcome unknown" (with Retry-After) says
/// so; the users' counts are their rows.
/// </summary>
[Trait("Category", "EndToEnd")] // a silo host behind a faulty network, for seconds at a time
[Collection(RunsAloneCollection.Name)] // runs alone: its dark spell is timed against the writers' bound
[Trait(RunsAloneCollection.Trait, RunsAloneCollection.Value)]
public sealed class LostCommitHttpTests(PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Clients = 16;
    private const int CutsToForce = 6;
    private static readonly TimeSpan DarkSpell = TimeSpan.FromSeconds(5);

    private string database = "";
    private CommitCuttingProxy proxy = null!;
    private SiloApp app = null!;
    private HttpClient http = null!;

    public async Task InitializeAsync()
    {
        database = await postgres.CreateDatabaseAsync();
        proxy = CommitCuttingProxy.Start(database, CommitLog.EntrySql);

        // The writers ask for half of the response timeout: 3 s, shorter than the dark spell. Sixteen clients on a fast
        // machine post faster than one key's default rate; what is measured here is commits, not the rate limit.
        app = await SiloApp.StartAsync(proxy.ConnectionString, new Dictionary<string, string?>
        {
            ["Runtime:ResponseTimeout"] = "00:00:06",
            ["Api:RateLimitPerSecond"] = "1000000",
            ["Api:RateLimitBurst"] = "1000000",
        });
        http = app.Admin();
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await app.DisposeAsync();
        await proxy.DisposeAsync();
    }

    [Fact]
    public async Task EventsPostedWhileCommitsLoseTheirAnswers_AreAnsweredAsTheyWereStored()
    {
        var users = new long[Clients];
        for (var i = 0; i < Clients; i++)
        {
            users[i] = (await Json(await http.PostAsJsonAsync("/api/users", new { username = $"client{i}", email = $"client{i}@example.com" }))).GetProperty("id").GetInt64();
        }

        var answers = new ConcurrentQueue<(string Type, int Status, string? Title, bool RetryAfter)>();
        var cutting = proxy.CutThenGoDarkAsync(CutsToForce, DarkSpell);
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            for (var n = 0; !cutting.IsCompleted; n++)
            {
                var type = $"c{client}-{n}";
                using var response = await http.PostAsJsonAsync($"/api/users/{users[client]}/events", new { type });
                var title = response.IsSuccessStatusCode ? null : (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("title").GetString();
                answers.Enqueue((type, (int)response.StatusCode, title, response.Headers.RetryAfter is not null));
                if (!response.IsSuccessStatusCode)
                {
                    await Task.Delay(50);
                }
            }
        })));
        await cutting;

        var stored = new Dictionary<string, long>();
        await using var dataSource = NpgsqlDataSource.Create(database);
        await using (var command = dataSource.CreateCommand("SELECT type, count(*) FROM events GROUP BY type"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                stored[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        var unknown = answers.Where(a => a.Title == "Outcome unknown").ToList();
        output.WriteLine($"{proxy.Cuts} commit answers cut (the last followed by {DarkSpell.TotalSeconds} s without the database); {answers.Count} requests: "
            + string.Join(", ", answers.GroupBy(a => $"{a.Status} {a.Title}".Trim()).Select(g => $"{g.Count()} × {g.Key}"))
            + $"; {unknown.Count(u => stored.ContainsKey(u.Type))} of the {unknown.Count} unknown were stored");
        foreach (var answer in answers)
        {
            var rows = stored.GetValueOrDefault(answer.Type);
            switch (answer.Status, answer.Title)
            {
                case (201 or 200, _):
                    Assert.True(rows == 1, $"{answer.Type} was answered {answer.Status} and is stored {rows} times");
                    break;
                case (503, "Outcome unknown"):
                    Assert.True(answer.RetryAfter);
                    Assert.InRange(rows, 0, 1);
                    break;
                case (503, _):
                    Assert.True(answer.RetryAfter);
                    Assert.True(rows == 0, $"{answer.Type} was answered 503 {answer.Title} and is stored");
                    break;
                default:
                    Assert.Fail($"{answer.Type} was answered {answer.Status} {answer.Title}");
                    break;
            }
        }

        Assert.Contains(answers, a => a.Status is 200 or 201);
        foreach (var user in users)
        {
            var read = await Json(await http.GetAsync($"/api/users/{user}"));
            await using var count = dataSource.CreateCommand($"SELECT count(*) FROM events WHERE user_id = {user}");
            Assert.Equal((long)(await count.ExecuteScalarAsync())!, read.GetProperty("eventCount").GetInt64());
        }
    }
}
