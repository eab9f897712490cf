using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace PgAllInOne.Tests.Cluster;

/// <summary>
/// Writers through the HTTP facade, as an operator's clients are: each writes one kind (events, profile patches, record
/// upserts, metric readings with their device grain's state) to grain keys of its own in turn, each request after the
/// last, through the silos given (in turn). Every answer is kept with its key, so that the time each key takes to answer
/// again after a fault can be read (<see cref="AnsweringAgain"/>), and every acknowledged write by a value of its own,
/// so that <see cref="CheckAsync"/> can look for it in the database.
/// </summary>
internal sealed class KeyedHttpWriters : IDisposable
{
    private static readonly string[] Kinds = ["event", "profile", "record", "metric"];

    private IReadOnlyList<HttpClient> clients = [];
    private List<(string Kind, string[] Keys)> plans = [];
    private readonly ConcurrentQueue<Answer> answers = new();
    private readonly ConcurrentDictionary<(string Kind, string Key), ConcurrentBag<long>> acknowledged = new();
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource stop = new();
    private List<Task> running = [];

    public TimeSpan Now => clock.Elapsed;

    public IReadOnlyCollection<Answer> Answers => answers;

    public int AcknowledgedWrites => acknowledged.Values.Sum(v => v.Count);

    /// <summary>Every grain key written to, as <c>kind key</c>.</summary>
    public IEnumerable<(string Kind, string Key)> Keys => acknowledged.Keys;

    /// <summary>
    /// Creates the users written to and writes each key once through <paramref name="through"/> in turn, so that each grain
    /// is active before any fault; <see cref="Start"/> then starts the writers.
    /// </summary>
    public static async Task<KeyedHttpWriters> ActivateAsync(IReadOnlyList<HttpClient> through, string tag, int writers, int keysPerWriter)
    {
        var load = new KeyedHttpWriters();
        var plans = new List<(string Kind, string[] Keys)>();
        for (var w = 0; w < writers; w++)
        {
            var kind = Kinds[w % Kinds.Length];
            var keys = new string[keysPerWriter];
            for (var k = 0; k < keysPerWriter; k++)
            {
                keys[k] = kind is "event" or "profile" ? await CreateUserAsync(through[0], $"{tag}w{w}k{k}") : $"{tag}-w{w}-k{k}";
                load.acknowledged[(kind, keys[k])] = [];
            }

            plans.Add((kind, keys));
        }

        await Task.WhenAll(plans.Select((p, w) => WriteOnceEachAsync(through, w, p.Kind, p.Keys)));
        load.plans = plans;
        return load;
    }

    /// <summary>Starts the writers, each sending through <paramref name="clients"/> in turn.</summary>
    public void Start(IReadOnlyList<HttpClient> clients)
    {
        this.clients = clients;
        running = [.. plans.Select((p, w) => WriteAsync(w, p.Kind, p.Keys))];
    }

    /// <summary>Stops it too, for a test that failed before stopping it.</summary>
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

    /// <summary>
    /// For each key, how long after <paramref name="after"/> it was first answered 2xx to a write sent after it (null: never).
    /// A writer's keys wait for each other's answers, so this bounds from above what a key alone would see.
    /// </summary>
    public Dictionary<(string Kind, string Key), TimeSpan?> AnsweringAgain(TimeSpan after) => acknowledged.Keys.ToDictionary(
        k => k,
        k => answers.Where(a => a.Kind == k.Kind && a.Key == k.Key && a.IsSuccess && a.SentAt >= after).Select(a => (TimeSpan?)(a.AnsweredAt - after)).DefaultIfEmpty(null).Min());

    /// <summary>Answers by status, as <c>kind: status×count</c>.</summary>
    public string Statuses() => string.Join("; ", answers.GroupBy(a => a.Kind).OrderBy(g => g.Key, StringComparer.Ordinal)
        .Select(g => $"{g.Key}: {string.Join(", ", g.GroupBy(a => a.Status).OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Count()}"))}"));

    /// <summary>
    /// Every acknowledged write looked for in the database: missing ones (lost), and values stored more than once (events
    /// and readings are rows of their own); a record holds its last write, so its stored value must be at least the last
    /// one acknowledged.
    /// </summary>
    public async Task<(List<string> Lost, List<string> Duplicated)> CheckAsync(string connectionString)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var lost = new List<string>();
        var duplicated = new List<string>();
        foreach (var ((kind, key), values) in acknowledged)
        {
            var sql = kind switch
            {
                "event" => "SELECT (data->>'n')::bigint FROM events WHERE user_id = $1::text::bigint",
                "profile" => "SELECT (profile->>k)::bigint FROM users, jsonb_object_keys(profile) k WHERE id = $1::text::bigint",
                "record" => "SELECT (data->>'n')::bigint FROM records WHERE id = $1",
                _ => "SELECT value::bigint FROM metrics WHERE device_id = $1",
            };
            await using var command = dataSource.CreateCommand(sql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
            var stored = new List<long>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    stored.Add(reader.GetInt64(0));
                }
            }

            if (kind == "record")
            {
                if (!values.IsEmpty && (stored.Count == 0 || stored[0] < values.Max()))
                {
                    lost.Add($"record {key}: stored #{(stored.Count == 0 ? "none" : stored[0].ToString(CultureInfo.InvariantCulture))}, acknowledged up to #{values.Max()}");
                }

                continue;
            }

            lost.AddRange(values.Where(v => !stored.Contains(v)).Select(v => $"{kind} {key} #{v}"));
            duplicated.AddRange(stored.GroupBy(v => v).Where(g => g.Count() > 1).Select(g => $"{kind} {key} #{g.Key} ×{g.Count()}"));
        }

        return (lost, duplicated);
    }

    private static async Task<string> CreateUserAsync(HttpClient http, string name)
    {
        using var created = await http.PostAsJsonAsync("/api/users", new { username = name, email = $"{name}@example.com" });
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture);
    }

    // Value 0 of each key: not counted, it only activates the grain before the fault.
    private static async Task WriteOnceEachAsync(IReadOnlyList<HttpClient> through, int writer, string kind, string[] keys)
    {
        for (var k = 0; k < keys.Length; k++)
        {
            using var response = await Send(through[((writer * keys.Length) + k) % through.Count], kind, keys[k], 0);
            response.EnsureSuccessStatusCode();
        }
    }

    private async Task WriteAsync(int writer, string kind, string[] keys)
    {
        await Task.Yield();
        var next = new long[keys.Length];
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var k = i % keys.Length;
            var n = ++next[k];
            var sent = clock.Elapsed;
            int status;
            try
            {
                using var response = await Send(clients[(writer + i) % clients.Count], kind, keys[k], n);
                status = (int)response.StatusCode;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                status = 0;
            }

            var answer = new Answer(kind, keys[k], status, sent, clock.Elapsed);
            answers.Enqueue(answer);
            if (answer.IsSuccess)
            {
                acknowledged[(kind, keys[k])].Add(n);
            }
            else
            {
                await Task.Delay(50);
            }
        }
    }

    private static Task<HttpResponseMessage> Send(HttpClient http, string kind, string key, long n) => kind switch
    {
        "event" => http.PostAsJsonAsync($"/api/users/{key}/events", new { type = "silokill", data = new { n } }),
        "profile" => http.PatchAsync($"/api/users/{key}/profile", new StringContent($$"""{"k{{n}}":{{n}}}""", Encoding.UTF8, "application/merge-patch+json")),
        "record" => http.PutAsJsonAsync($"/api/records/{key}", new { data = new { n }, type = "silokill" }),
        _ => http.PostAsJsonAsync($"/api/devices/{key}/metrics", new[] { new { metric = "silokill", value = (double)n } }),
    };

    /// <summary>One write's answer: <see cref="Status"/> 0 when none came within the client's timeout.</summary>
    internal sealed record Answer(string Kind, string Key, int Status, TimeSpan SentAt, TimeSpan AnsweredAt)
    {
        public bool IsSuccess => Status is >= 200 and < 300;

        public bool Is500 => Status >= 500 && Status != (int)HttpStatusCode.ServiceUnavailable;
    }
}
