using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PgAllInOne.Api.Contracts;
using PgAllInOne.Api.Contracts.Analytics;
using PgAllInOne.Api.Contracts.Archive;
using PgAllInOne.Api.Contracts.Backups;
using PgAllInOne.Api.Contracts.Cluster;
using PgAllInOne.Api.Contracts.Devices;
using PgAllInOne.Api.Contracts.Documents;
using PgAllInOne.Api.Contracts.Users;

namespace PgAllInOne.Cli.Http;

/// <summary>
/// The facade's endpoints the CLI uses, typed; any non-success answer becomes a <see cref="PgaioApiException"/>. A write
/// sent with an idempotency key is sent again, with the same key, when it was answered 503, 429, 502 or 504, timed out
/// or lost its connection (as Retry-After asks, else backing off), for at most <see cref="RetryFor"/>: the key makes the
/// repeat store nothing more when the first one was stored.
/// </summary>
public sealed class PgaioHttpClient : IDisposable
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>How long a keyed write is retried before its failure is reported.</summary>
    public static readonly TimeSpan RetryFor = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LongestRetryAfter = TimeSpan.FromSeconds(30);

    private readonly HttpClient http;
    private long retries;

    public PgaioHttpClient(Uri baseAddress, string? apiKey)
    {
        // Load runs keep many requests in flight: one pooled connection each, reused, no per-host cap.
        http = new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1) })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(100),
        };
        if (!string.IsNullOrEmpty(apiKey))
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
    }

    /// <summary>The silos of the cluster; those that left (dead) only when <paramref name="includeDead"/> is true.</summary>
    public Task<ClusterInfo> GetClusterAsync(bool includeDead, CancellationToken cancellationToken) =>
        SendAsync<ClusterInfo>(HttpMethod.Get, includeDead ? "api/cluster?all=true" : "api/cluster", null, cancellationToken);

    /// <summary>Writes sent again so far (keyed writes only).</summary>
    public long Retries => Interlocked.Read(ref retries);

    public Task<UserView> CreateUserAsync(CreateUserRequest user, CancellationToken cancellationToken, string? idempotencyKey = null) =>
        SendAsync<UserView>(HttpMethod.Post, "api/users", user, cancellationToken, idempotencyKey);

    public Task<UserView> GetUserAsync(long id, CancellationToken cancellationToken) =>
        SendAsync<UserView>(HttpMethod.Get, $"api/users/{id.ToString(CultureInfo.InvariantCulture)}", null, cancellationToken);

    public async Task<int> AddEventsAsync(long userId, IReadOnlyList<NewEventRequest> events, CancellationToken cancellationToken, string? idempotencyKey = null) =>
        (await SendAsync<AcceptedCount>(HttpMethod.Post, $"api/users/{userId.ToString(CultureInfo.InvariantCulture)}/events", events, cancellationToken, idempotencyKey)).Accepted;

    public async Task<int> AddMetricsAsync(string deviceId, IReadOnlyList<MetricReadingRequest> readings, CancellationToken cancellationToken, string? idempotencyKey = null) =>
        (await SendAsync<AcceptedCount>(HttpMethod.Post, $"api/devices/{Uri.EscapeDataString(deviceId)}/metrics", readings, cancellationToken, idempotencyKey)).Accepted;

    public async Task<long> AddDocumentAsync(DocumentRequest document, CancellationToken cancellationToken, string? idempotencyKey = null) =>
        (await SendAsync<CreatedId>(HttpMethod.Post, "api/documents", document, cancellationToken, idempotencyKey)).Id;

    public Task<SearchResult> SearchAsync(string query, int limit, int offset, string? language, CancellationToken cancellationToken) =>
        SendAsync<SearchResult>(HttpMethod.Get, "api/search" + Query(("q", query), ("limit", Invariant(limit)), ("offset", Invariant(offset)), ("language", language)), null, cancellationToken);

    public Task<CachedAnswer<EventAnalyticsResponse>> EventAnalyticsAsync(
        string groupBy, DateTimeOffset? from, DateTimeOffset? to, string? type, int? top, CancellationToken cancellationToken) =>
        SendCachedAsync<EventAnalyticsResponse>(
            "api/analytics/events" + Query(("groupBy", groupBy), ("from", Time(from)), ("to", Time(to)), ("type", type), ("top", top is { } t ? Invariant(t) : null)),
            cancellationToken);

    public Task<CachedAnswer<MetricAnalyticsResponse>> MetricAnalyticsAsync(
        string metric, string bucket, string agg, string groupBy, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken) =>
        SendCachedAsync<MetricAnalyticsResponse>(
            "api/analytics/metrics" + Query(("metric", metric), ("bucket", bucket), ("agg", agg), ("groupBy", groupBy), ("from", Time(from)), ("to", Time(to))),
            cancellationToken);

    public Task<BackupStarted> StartBackupAsync(CancellationToken cancellationToken) =>
        SendAsync<BackupStarted>(HttpMethod.Post, "api/backups", null, cancellationToken);

    public Task<BackupList> ListBackupsAsync(CancellationToken cancellationToken) =>
        SendAsync<BackupList>(HttpMethod.Get, "api/backups", null, cancellationToken);

    public Task<IReadOnlyList<ArchivedDayView>> ListArchiveAsync(CancellationToken cancellationToken) =>
        SendAsync<IReadOnlyList<ArchivedDayView>>(HttpMethod.Get, "api/archive", null, cancellationToken);

    public Task<ArchivedDayView> AttachArchivedDayAsync(string day, CancellationToken cancellationToken) =>
        SendAsync<ArchivedDayView>(HttpMethod.Post, $"api/archive/{Uri.EscapeDataString(day)}/attach", null, cancellationToken);

    public void Dispose() => http.Dispose();

    private async Task<CachedAnswer<TResult>> SendCachedAsync<TResult>(string path, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(HttpMethod.Get, path, null, cancellationToken);
        var cache = response.Headers.TryGetValues("X-Cache", out var values) ? values.FirstOrDefault() : null;
        return new CachedAnswer<TResult>(await ReadAsync<TResult>(response, cancellationToken), cache);
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken, string? idempotencyKey = null)
    {
        var started = Stopwatch.GetTimestamp();
        var pause = FirstPause;
        while (true)
        {
            try
            {
                using var response = await SendRawAsync(method, path, body, cancellationToken, idempotencyKey);
                return await ReadAsync<T>(response, cancellationToken);
            }
            catch (Exception exception) when (idempotencyKey is not null && !cancellationToken.IsCancellationRequested
                && WaitBeforeRetry(exception, pause) is { } wait && Stopwatch.GetElapsedTime(started) + wait < RetryFor)
            {
                Interlocked.Increment(ref retries);
                await Task.Delay(wait, cancellationToken);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
            }
        }
    }

    // What may pass: the silo or the database busy, restarting or failing over (503, 502, 504, no connection, no answer
    // in time), or the key's rate (429). Anything else is the request's own and is reported at once.
    private static TimeSpan? WaitBeforeRetry(Exception exception, TimeSpan pause) => exception switch
    {
        PgaioApiException { Status: 503 or 429 or 502 or 504 } problem => problem.RetryAfter is { } asked && asked > TimeSpan.Zero
            ? TimeSpan.FromTicks(Math.Min(asked.Ticks, LongestRetryAfter.Ticks))
            : pause,
        HttpRequestException { StatusCode: null } => pause,
        TaskCanceledException { InnerException: TimeoutException } => pause,
        _ => null,
    };

    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await ProblemAsync(response, cancellationToken);
            }
        }

        return response;
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken) =>
        await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
            ?? throw new PgaioApiException((int)response.StatusCode, "The response body was empty.");

    /// <summary>The problem document's detail, else its title, else the body itself: whatever says most about what went wrong.</summary>
    private static async Task<PgaioApiException> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var detail = text.Trim();
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                detail = Property(document.RootElement, "detail") ?? Property(document.RootElement, "title") ?? detail;
            }
        }
        catch (JsonException)
        {
            // Not a problem document (a proxy's error page, say): the raw text is the best detail there is.
        }

        if (detail.Length == 0)
        {
            detail = response.ReasonPhrase ?? "no detail";
        }

        var retryAfter = response.Headers.RetryAfter?.Delta;
        return new PgaioApiException((int)response.StatusCode, detail, retryAfter);
    }

    private static string? Property(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var builder = new StringBuilder();
        foreach (var (name, value) in parameters)
        {
            if (value is null)
            {
                continue;
            }

            builder.Append(builder.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }

        return builder.ToString();
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string? Time(DateTimeOffset? value) => value?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}
