using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace PgAllInOne.Tests.HighAvailability;

/// <summary>
/// Writers and readers through the HTTP facade of every silo, each request after the last: events, metric readings
/// (their device grain's state is written with them), profile patches and record upserts; analytic, search and record
/// queries, event listings and the dashboard's database view. Every answer is kept (status, when sent, when answered); every acknowledged write is kept
/// by a value of its own, so that <see cref="CheckAsync"/> can look for each one in the database.
/// </summary>
internal sealed class HaLoad : IDisposable
{
    /// <summary>The longest a request may take: the HTTP client gives up after it (and the request counts as unanswered).</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private static readonly string[] WriteKinds = ["event", "metric", "profile", "record"];

    private readonly IReadOnlyList<HttpClient> clients;
    private readonly string tag;
    private readonly long[] eventUsers;
    private readonly long[] profileUsers;
    private readonly ConcurrentQueue<Answer> answers = new();
    private readonly ConcurrentBag<(string Kind, string Key, long Value)> acknowledged = [];
    private readonly ConcurrentDictionary<(string Kind, string Key), bool> keys = new();
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource stop = new();
    private List<Task> running = [];
    private int next;

    private HaLoad(IReadOnlyList<HttpClient> clients, string tag, long[] eventUsers, long[] profileUsers) =>
        (this.clients, this.tag, this.eventUsers, this.profileUsers) = (clients, tag, eventUsers, profileUsers);

    /// <summary>Creates the users the writers write to, and starts them all.</summary>
    public static async Task<HaLoad> StartAsync(IReadOnlyList<HttpClient> clients, string tag)
    {
        var users = new List<long>();
        for (var u = 0; u < 4; u++)
        {
            using var created = await clients[u % clients.Count].PostAsJsonAsync("/api/users", new { username = $"{tag}{u}", email = $"{tag}{u}@example.com" });
            created.EnsureSuccessStatusCode();
            users.Add((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
        }

        var load = new HaLoad(clients, tag, [users[0], users[1]], [users[2], users[3]]);
        load.running =
        [
            .. Enumerable.Range(0, 2).Select(w => load.WriteAsync("event", n => load.Post($"/api/users/{load.eventUsers[w]}/events", new { type = "ha", data = new { n } }), load.eventUsers[w].ToString(System.Globalization.CultureInfo.InvariantCulture))),
            .. Enumerable.Range(0, 2).Select(w => load.WriteAsync("metric", n => load.Post($"/api/devices/{tag}-d{w}/metrics", new[] { new { metric = "ha", value = (double)n } }), $"{tag}-d{w}")),
            .. Enumerable.Range(0, 2).Select(w => load.WriteAsync("profile", n => load.Patch($"/api/users/{load.profileUsers[w]}/profile", $$"""{"k{{n}}":{{n}}}"""), load.profileUsers[w].ToString(System.Globalization.CultureInfo.InvariantCulture))),
            .. Enumerable.Range(0, 2).Select(w => load.WriteAsync("record", n => load.Put($"/api/records/{tag}-r{w}-{n}", new { data = new { n }, type = tag }), $"{tag}-r{w}")),
            load.ReadAsync("analytics", i => $"/api/analytics/events?groupBy=type&from={DateTimeOffset.UtcNow.AddMinutes(-10 - (i % 50)):O}".Replace("+", "%2B", StringComparison.Ordinal)),
            load.ReadAsync("search", _ => "/api/search?q=patroni"),
            load.ReadAsync("records", _ => null),
            load.ReadAsync("listing", _ => $"/api/users/{load.eventUsers[0]}/events?limit=5"),
            load.ReadAsync("dashboard", _ => "/api/dashboard/database", pause: TimeSpan.FromMilliseconds(250)),
        ];
        return load;
    }

    public TimeSpan Now => clock.Elapsed;

    public IReadOnlyCollection<Answer> Answers => answers;

    public int AcknowledgedWrites => acknowledged.Count;

    /// <summary>Stops it too, for a test that failed before stopping it: nothing goes on into the next test.</summary>
    public void Dispose()
    {
        stop.Cancel();
        stop.Dispose();
    }

    public async Task StopAsync()
    {
        await stop.CancelAsync();
        await Task.WhenAll(running);
    }

    /// <summary>Answers by status, as <c>kind: status×count</c>.</summary>
    public string Statuses() => string.Join("; ", answers.GroupBy(a => a.Kind).OrderBy(g => g.Key, StringComparer.Ordinal)
        .Select(g => $"{g.Key}: {string.Join(", ", g.GroupBy(a => a.Status).OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Count()}"))}"));

    /// <summary>The longest time between two acknowledged writes of a kind within [from, to], the worst over the kinds.</summary>
    public TimeSpan WriteGap(TimeSpan from, TimeSpan to) => WriteKinds.Max(kind =>
    {
        var times = answers.Where(a => a.Kind == kind && a.IsSuccess && a.AnsweredAt >= from && a.AnsweredAt <= to).Select(a => a.AnsweredAt).Order().ToList();
        return times.Count < 2 ? to - from : times.Zip(times.Skip(1), (a, b) => b - a).Max();
    });

    /// <summary>When each kind of write first succeeded again after <paramref name="after"/> (null: never).</summary>
    public Dictionary<string, TimeSpan?> FirstSuccessAfter(TimeSpan after) => WriteKinds.ToDictionary(
        k => k,
        k => answers.Where(a => a.Kind == k && a.IsSuccess && a.SentAt >= after).Select(a => (TimeSpan?)a.AnsweredAt).DefaultIfEmpty(null).Min());

    /// <summary>
    /// Every write of this load looked for in the database, row by row: the acknowledged ones it does not hold (lost), and
    /// any value it holds more than once (stored twice; events and metric readings are rows of their own, records and
    /// profile keys cannot repeat). Read from the primary.
    /// </summary>
    public async Task<(List<string> Lost, List<string> Duplicated)> CheckAsync(string connectionString)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString + ";Target Session Attributes=primary");
        var stored = new Dictionary<(string, string, long), int>();
        foreach (var (kind, key) in keys.Keys)
        {
            var sql = kind switch
            {
                "event" => "SELECT (data->>'n')::bigint FROM events WHERE user_id = $1::text::bigint",
                "metric" => "SELECT value::bigint FROM metrics WHERE device_id = $1",
                "profile" => "SELECT (profile->>k)::bigint FROM users, jsonb_object_keys(profile) k WHERE id = $1::text::bigint",
                _ => "SELECT (data->>'n')::bigint FROM records WHERE id LIKE $1 || '-%'",
            };
            await using var command = dataSource.CreateCommand(sql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var row = (kind, key, reader.GetInt64(0));
                stored[row] = stored.GetValueOrDefault(row) + 1;
            }
        }

        return (
            [.. acknowledged.Where(a => !stored.ContainsKey(a)).Select(a => $"{a.Kind} {a.Key} #{a.Value}")],
            [.. stored.Where(s => s.Value > 1).Select(s => $"{s.Key.Item1} {s.Key.Item2} #{s.Key.Item3} ×{s.Value}")]);
    }

    private async Task WriteAsync(string kind, Func<long, Task<HttpResponseMessage>> send, string key)
    {
        keys[(kind, key)] = true;
        await Task.Yield();
        for (long n = 1; !stop.IsCancellationRequested; n++)
        {
            var answer = await SendAsync(kind, () => send(n));
            if (answer.IsSuccess)
            {
                acknowledged.Add((kind, key, n));
            }
            else
            {
                await Task.Delay(100);
            }
        }
    }

    private async Task ReadAsync(string kind, Func<int, string?> path, TimeSpan? pause = null)
    {
        await Task.Yield();
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var answer = await SendAsync(kind, () => path(i) is { } get
                ? clients[i % clients.Count].GetAsync(get)
                : clients[i % clients.Count].PostAsJsonAsync("/api/records/query", new { type = tag, limit = 5 }));
            await Task.Delay(answer.IsSuccess ? pause ?? TimeSpan.FromMilliseconds(20) : TimeSpan.FromMilliseconds(100));
        }
    }

    private async Task<Answer> SendAsync(string kind, Func<Task<HttpResponseMessage>> send)
    {
        var sent = clock.Elapsed;
        int status;
        var retryAfter = false;
        try
        {
            using var response = await send();
            status = (int)response.StatusCode;
            retryAfter = response.Headers.RetryAfter is not null;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            status = 0;
        }

        var answer = new Answer(kind, status, sent, clock.Elapsed, retryAfter);
        answers.Enqueue(answer);
        return answer;
    }

    private HttpClient Next() => clients[(int)((uint)Interlocked.Increment(ref next) % (uint)clients.Count)];

    private Task<HttpResponseMessage> Post<T>(string path, T body) => Next().PostAsJsonAsync(path, body);

    private Task<HttpResponseMessage> Put<T>(string path, T body) => Next().PutAsJsonAsync(path, body);

    private Task<HttpResponseMessage> Patch(string path, string mergePatch) =>
        Next().PatchAsync(path, new StringContent(mergePatch, Encoding.UTF8, "application/merge-patch+json"));

    /// <summary>One request's answer: <see cref="Status"/> 0 when none came within <see cref="RequestTimeout"/>.</summary>
    internal sealed record Answer(string Kind, int Status, TimeSpan SentAt, TimeSpan AnsweredAt, bool RetryAfter)
    {
        public bool IsSuccess => Status is >= 200 and < 300;

        public bool IsWrite => WriteKinds.Contains(Kind);

        /// <summary>2xx, or 503 with Retry-After: what every request must be answered with.</summary>
        public bool IsAcceptable => IsSuccess || (Status == (int)HttpStatusCode.ServiceUnavailable && RetryAfter);
    }
}
