using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace PgAllInOne.Benchmarks.Load;

/// <summary>
/// A long run of mixed traffic through the HTTP facade of a silo process (user reads, events, metrics, search,
/// analytics, records) at half of the peak rate measured first; per minute: the silo's RSS, GC heap, threads, its
/// PostgreSQL connections, p50/p99 and errors. Targets: after minute 2 RSS grows less than 10 %, no errors, and p99
/// stays within 1.5× of minute 3's.
/// </summary>
internal static class SoakScenario
{
    private const int Callers = 32;
    private const int Users = 64;
    private const int Devices = 16;

    private static readonly string[] Words = ["postgres", "orleans", "grain", "cluster", "search", "partition", "commit", "metric", "record", "cache"];

    public static async Task RunAsync(TimeSpan duration)
    {
        using var silo = await SiloUnderTest.StartAsync("soak", Callers);
        var http = silo.Http;
        var run = Guid.NewGuid().ToString("N")[..8];
        var users = new long[Users];
        for (var i = 0; i < Users; i++)
        {
            var created = await http.PostAsJsonAsync("/api/users", new { username = $"s{run}{i}", email = $"s{run}{i}@example.com" });
            users[i] = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        }

        for (var i = 0; i < 200; i++)
        {
            (await http.PostAsJsonAsync("/api/documents", new { title = $"note {i}", content = $"{Words[i % Words.Length]} {Words[(i * 7) % Words.Length]} notes about {Words[(i * 3) % Words.Length]} number {i}" })).EnsureSuccessStatusCode();
        }

        var operations = Operations(http, users, run);
        Console.WriteLine("Measuring the peak (closed loop, 20 s) ...");
        var peak = await DriveAsync(operations, TimeSpan.FromSeconds(20), rate: null, _ => { });
        var rate = peak.Count / 20.0 / 2;
        Console.WriteLine($"peak {peak.Count / 20.0:F0} requests/s; soaking at {rate:F0}/s for {duration.TotalMinutes:F0} min");

        await using var database = NpgsqlDataSource.Create(BenchmarkPostgres.ConnectionString);
        var minutes = new List<Minute>();
        var started = Stopwatch.StartNew();
        await DriveAsync(operations, duration, rate, window =>
        {
            var minute = new Minute(minutes.Count + 1, window.Count, window.Errors, window.Percentile(0.50), window.Percentile(0.99),
                silo.ProcStatus("VmRSS") / 1024, GcHeapMegabytes(http), silo.ProcStatus("Threads"), Connections(database));
            minutes.Add(minute);
            Console.WriteLine(minute);
        });

        Console.WriteLine();
        Console.WriteLine($"Soak: {Callers} callers, open loop at {rate:F0} requests/s (half of the peak {rate * 2:F0}/s), {started.Elapsed.TotalMinutes:F1} min");
        Console.WriteLine("| minute | requests | errors | p50 ms | p99 ms | RSS MiB | GC heap MiB | threads | PG connections |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        minutes.ForEach(Console.WriteLine);
        if (minutes.Count >= 3)
        {
            var rssGrowth = (double)minutes[^1].RssMegabytes / minutes[1].RssMegabytes - 1;
            var p99Worst = minutes.Skip(2).Max(m => m.P99Ms) / minutes[2].P99Ms;
            Console.WriteLine($"RSS growth after minute 2: {rssGrowth:P1} (target < 10 %); errors: {minutes.Sum(m => m.Errors)} (target 0); worst p99 / minute 3: {p99Worst:F2} (target <= 1.5)");
        }
    }

    private static Func<int, long, Task<bool>>[] Operations(HttpClient http, long[] users, string run) =>
    [
        async (caller, n) => await Ok(http.GetAsync($"/api/users/{users[n % Users]}")),
        async (caller, n) => await Ok(http.GetAsync($"/api/users/{users[(n + 7) % Users]}")),
        async (caller, n) => await Ok(http.PostAsJsonAsync($"/api/users/{users[n % Users]}/events", new { type = n % 3 == 0 ? "view" : "click", data = new { n } })),
        async (caller, n) => await Ok(http.PostAsJsonAsync($"/api/devices/{run}-{n % Devices}/metrics", new[] { new { metric = "temp", value = n % 40 }, new { metric = "load", value = n % 7 } })),
        async (caller, n) => await Ok(http.GetAsync($"/api/search?q={Words[n % Words.Length]}&limit=10")),
        async (caller, n) => await Ok(http.GetAsync(n % 2 == 0 ? "/api/analytics/events?groupBy=type" : "/api/analytics/metrics?metric=temp&bucket=1h&agg=avg")),
        async (caller, n) => await Ok(http.PutAsJsonAsync($"/api/records/{run}-{n % 1000}", new { data = new { n, caller }, type = "soak", ttlSeconds = 600 })),
        async (caller, n) => await Ok(http.GetAsync($"/api/records/{run}-{(n + 1) % 1000}"), alsoFine: 404),
    ];

    private static async Task<bool> Ok(Task<HttpResponseMessage> send, int alsoFine = 0)
    {
        using var response = await send;
        return response.IsSuccessStatusCode || (int)response.StatusCode == alsoFine;
    }

    // Callers pick operations round-robin; with a rate, each caller keeps its share of it (open loop); every minute
    // (and at the end) the window of calls so far is handed over and a new one begins.
    private static async Task<Window> DriveAsync(Func<int, long, Task<bool>>[] operations, TimeSpan duration, double? rate, Action<Window> minuteDone)
    {
        var window = new Window();
        var total = new Window();
        var started = Stopwatch.StartNew();
        var counter = 0L;
        var interval = rate is { } r ? TimeSpan.FromSeconds(Callers / r) : TimeSpan.Zero;
        using var ticker = new CancellationTokenSource();
        var reporter = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1));
            try
            {
                while (await timer.WaitForNextTickAsync(ticker.Token))
                {
                    minuteDone(Interlocked.Exchange(ref window, new Window()));
                }
            }
            catch (OperationCanceledException)
            {
                // the run is over
            }
        });

        await Task.WhenAll(Enumerable.Range(0, Callers).Select(caller => Task.Run(async () =>
        {
            var next = started.Elapsed + interval * caller / Callers;
            while (started.Elapsed < duration)
            {
                if (rate is not null)
                {
                    var wait = next - started.Elapsed;
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait);
                    }

                    next += interval;
                }

                var n = Interlocked.Increment(ref counter);
                var before = Stopwatch.GetTimestamp();
                bool ok;
                try
                {
                    ok = await operations[n % operations.Length](caller, n);
                }
                catch (HttpRequestException)
                {
                    ok = false;
                }

                var latency = Stopwatch.GetElapsedTime(before).TotalMilliseconds;
                Volatile.Read(ref window).Add(latency, ok);
                total.Add(latency, ok);
            }
        })));

        await ticker.CancelAsync();
        await reporter;
        if (rate is not null && window.Count > 0 && started.Elapsed.TotalMinutes % 1 > 0.5)
        {
            minuteDone(window); // a last part-minute only when it is most of one
        }

        return total;
    }

    private static double GcHeapMegabytes(HttpClient http)
    {
        var text = http.GetStringAsync("/metrics").GetAwaiter().GetResult();
        var bytes = text.Split('\n')
            .Where(l => l.StartsWith("dotnet_gc_last_collection_heap_size_bytes", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
        return bytes / 1048576;
    }

    private static long Connections(NpgsqlDataSource database)
    {
        using var command = database.CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
        return (long)command.ExecuteScalar()!;
    }

    private sealed class Window
    {
        private readonly ConcurrentBag<double> latencies = [];
        private int errors;

        public int Count => latencies.Count;

        public int Errors => errors;

        public void Add(double latency, bool ok)
        {
            latencies.Add(latency);
            if (!ok)
            {
                Interlocked.Increment(ref errors);
            }
        }

        public double Percentile(double p)
        {
            var sorted = latencies.Order().ToArray();
            return sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
        }
    }

    private sealed record Minute(int Number, int Requests, int Errors, double P50Ms, double P99Ms, long RssMegabytes, double GcHeapMegabytes, long Threads, long Connections)
    {
        public override string ToString() =>
            $"| {Number} | {Requests:N0} | {Errors} | {P50Ms:F2} | {P99Ms:F2} | {RssMegabytes} | {GcHeapMegabytes:F0} | {Threads} | {Connections} |";
    }
}
