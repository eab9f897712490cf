using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Security;

/// <summary>
/// The silo as a user runs it, logging everything (Trace, Npgsql and ASP.NET Core included): after a session that
/// exercised every HTTP feature, no password, API key or connection-string secret is anywhere in its output.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class SecretsInLogsTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>, IDisposable
{
    private readonly TempFolder temp = Created(new TempFolder("pgaio-secrets"));
    private readonly ConcurrentQueue<string> output = new();

    public void Dispose() => temp.Dispose();

    private static TempFolder Created(TempFolder folder)
    {
        Directory.CreateDirectory(folder.Path);
        return folder;
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task TheEmbeddedDefault_AtTrace_ThroughEveryFeature_LogsNoSecret_AndWritesTheJoinStringsToPrivateFiles()
    {
        var data = Path.Combine(temp.Path, "data");
        var port = Ports.Free();
        var secrets = new List<string>();
        using var silo = Start(new Dictionary<string, string>(), $"--Urls=http://127.0.0.1:{port}", $"--Silo:DataDirectory={data}", "--Silo:Port=0", "--Silo:GatewayPort=0");
        try
        {
            using var anonymous = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
            await WaitReadyAsync(anonymous, silo);
            var adminKey = (await File.ReadAllTextAsync(Path.Combine(data, "admin.key"))).Trim();
            secrets.Add(adminKey);
            secrets.Add((await File.ReadAllTextAsync(Path.Combine(data, "postgres.password"))).Trim());
            secrets.Add((await File.ReadAllTextAsync(Path.Combine(data, "postgres-serving.password"))).Trim());

            foreach (var file in new[] { "postgres.connection", "postgres-admin.connection", "postgres.password", "postgres-serving.password", "admin.key" })
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(data, file)));
            }

            var serving = new NpgsqlConnectionStringBuilder((await File.ReadAllTextAsync(Path.Combine(data, "postgres.connection"))).Trim());
            Assert.Equal("pgaio_app", serving.Username);
            Assert.Equal(secrets[2], serving.Password);
            Assert.Equal(secrets[1], new NpgsqlConnectionStringBuilder((await File.ReadAllTextAsync(Path.Combine(data, "postgres-admin.connection"))).Trim()).Password);

            secrets.AddRange(await ExerciseEveryFeatureAsync(anonymous, adminKey));

            Assert.Equal(0, await TerminateAsync(silo));
        }
        finally
        {
            if (!silo.HasExited)
            {
                silo.Kill(entireProcessTree: true);
            }
        }

        var log = output.ToList();
        Assert.Contains(log, line => line.Contains("postgres.connection", StringComparison.Ordinal) && line.Contains("Postgres_FILE", StringComparison.Ordinal));
        AssertNoSecret(log, secrets);
    }

    [Fact]
    public async Task ConnectionStrings_FromFiles_ServeOnTheServingLogin_AndAreNotLogged()
    {
        var owner = await postgres.CreateDatabaseAsync();
        var serving = PostgresServer.Serving(owner);
        var adminFile = Path.Combine(temp.Path, "admin-connection");
        var servingFile = Path.Combine(temp.Path, "serving-connection");
        await File.WriteAllTextAsync(adminFile, owner + "\n");
        await File.WriteAllTextAsync(servingFile, serving + "\n");
        var port = Ports.Free();
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__PostgresAdmin_FILE"] = adminFile,
            ["ConnectionStrings__Postgres_FILE"] = servingFile,
        };
        using var silo = Start(environment, $"--Urls=http://127.0.0.1:{port}", $"--Silo:DataDirectory={Path.Combine(temp.Path, "data")}", "--Silo:Port=0", "--Silo:GatewayPort=0");
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
            await WaitReadyAsync(http, silo);
            var adminKey = (await File.ReadAllTextAsync(Path.Combine(temp.Path, "data", "admin.key"))).Trim();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
            Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("/api/users", new { username = "fromfiles", email = "files@example.com" })).StatusCode);

            await using var dataSource = NpgsqlDataSource.Create(owner);
            await using var who = dataSource.CreateCommand("SELECT array_agg(DISTINCT usename::text) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pgallinone-silo'");
            Assert.Equal([PostgresServer.ServingLogin], (string[])(await who.ExecuteScalarAsync())!);
            Assert.Equal(0, await TerminateAsync(silo));
            AssertNoSecret(output.ToList(), [new NpgsqlConnectionStringBuilder(owner).Password!, new NpgsqlConnectionStringBuilder(serving).Password!, adminKey]);
        }
        finally
        {
            if (!silo.HasExited)
            {
                silo.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task ASecretFileThatCannotBeRead_StopsTheSilo_NamingTheSetting()
    {
        var missing = Path.Combine(temp.Path, "no-such-secret");
        using var silo = Start(new Dictionary<string, string> { ["ConnectionStrings__Postgres_FILE"] = missing }, $"--Urls=http://127.0.0.1:{Ports.Free()}");
        using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await silo.WaitForExitAsync(exited.Token);
        await Task.Delay(200); // the last lines of the asynchronous readers

        Assert.Equal(1, silo.ExitCode);
        Assert.Contains(output, line => line.Contains("ConnectionStrings:Postgres_FILE", StringComparison.Ordinal) && line.Contains(missing, StringComparison.Ordinal));
    }

    /// <summary>Every feature of the HTTP facade once, with keys by both headers; returns the keys it created (secrets too).</summary>
    private static async Task<List<string>> ExerciseEveryFeatureAsync(HttpClient anonymous, string adminKey)
    {
        using var admin = Client(anonymous.BaseAddress!, adminKey);
        var writerKey = (await Json(await admin.PostAsJsonAsync("/api/keys", new { name = "writer", role = "writer" }))).GetProperty("key").GetString()!;
        var reader = await Json(await admin.PostAsJsonAsync("/api/keys", new { name = "reader", role = "reader" }));
        var readerKey = reader.GetProperty("key").GetString()!;
        using var writer = new HttpClient { BaseAddress = anonymous.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        writer.DefaultRequestHeaders.Add("X-Api-Key", writerKey);
        using var readerClient = Client(anonymous.BaseAddress!, readerKey);

        var user = (await Json(await writer.PostAsJsonAsync("/api/users", new { username = "secretive", email = "s@example.com", profile = new { a = 1 } }))).GetProperty("id").GetInt64();
        await Json(await readerClient.GetAsync($"/api/users/{user}"));
        using (var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/users/{user}/profile") { Content = new StringContent("""{"b":2}""", Encoding.UTF8, "application/merge-patch+json") })
        {
            await Json(await writer.SendAsync(patch));
        }

        await Json(await writer.PostAsync($"/api/users/{user}/events", new StringContent("""[{"type":"click"},{"type":"view"}]""", Encoding.UTF8, "application/json")));
        await Json(await readerClient.GetAsync($"/api/users/{user}/events?type=click&limit=5"));
        await Json(await writer.PostAsync("/api/devices/d1/metrics", new StringContent("""[{"metric":"temp","value":21.5}]""", Encoding.UTF8, "application/json")));
        await Json(await readerClient.GetAsync("/api/devices/d1/latest"));
        await Json(await readerClient.GetAsync("/api/devices/d1/metrics?metric=temp&bucket=1m&agg=avg"));
        await Json(await writer.PutAsJsonAsync("/api/records/r1", new { data = new { n = 1 }, type = "t" }));
        await Json(await readerClient.GetAsync("/api/records/r1"));
        await Json(await writer.PostAsJsonAsync("/api/records/query", new { type = "t" }));
        Assert.Equal(HttpStatusCode.NoContent, (await writer.DeleteAsync("/api/records/r1")).StatusCode);
        var document = (await Json(await writer.PostAsJsonAsync("/api/documents", new { title = "Secrets", content = "nothing to hide here" }))).GetProperty("id").GetInt64();
        await Json(await readerClient.GetAsync($"/api/documents/{document}"));
        await Json(await writer.PutAsJsonAsync($"/api/documents/{document}", new { title = "Secrets", content = "still nothing" }));
        await Json(await readerClient.GetAsync("/api/search?q=nothing&limit=5"));
        Assert.Equal(HttpStatusCode.NoContent, (await writer.DeleteAsync($"/api/documents/{document}")).StatusCode);
        await Json(await readerClient.GetAsync("/api/analytics/events?groupBy=type"));
        await Json(await readerClient.GetAsync("/api/analytics/metrics?metric=temp&bucket=1h&agg=avg"));
        await Json(await writer.PostAsync("/api/analytics/cache/invalidate", null));
        await Json(await readerClient.GetAsync("/api/cluster"));
        await Json(await admin.GetAsync("/api/keys"));
        await Json(await admin.GetAsync("/api/audit?limit=50"));
        Assert.Equal(HttpStatusCode.OK, (await readerClient.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/openapi/v1.json")).StatusCode);

        // The dashboard: its key page, a session opened with a key (cookie), its pages and the database view.
        using (var handler = new HttpClientHandler { CookieContainer = new CookieContainer() })
        using (var browser = new HttpClient(handler) { BaseAddress = anonymous.BaseAddress, Timeout = TimeSpan.FromSeconds(60) })
        {
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/dashboard/login")).StatusCode);
            var session = await browser.PostAsJsonAsync("/dashboard/session", new { key = readerKey });
            Assert.True(session.IsSuccessStatusCode, $"session: {(int)session.StatusCode}");
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/dashboard/database")).StatusCode);
            await Json(await browser.GetAsync("/api/dashboard/database"));
        }

        // Refused keys are secrets too (a mistyped real key): by header, by X-Api-Key and in a session request.
        const string Wrong = "pgaio_WrongKeyThatMustNotBeLogged0000000000000";
        using (var wrong = Client(anonymous.BaseAddress!, Wrong))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/api/keys")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/dashboard/session", new { key = Wrong })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/keys/{reader.GetProperty("id").GetInt64()}")).StatusCode);
        return [writerKey, readerKey, Wrong];
    }

    private static void AssertNoSecret(List<string> log, IEnumerable<string> secrets)
    {
        Assert.True(log.Count > 200, $"only {log.Count} lines were logged");
        Assert.Contains(log, line => line.StartsWith("dbug:", StringComparison.Ordinal) || line.StartsWith("trce:", StringComparison.Ordinal));
        foreach (var secret in secrets)
        {
            Assert.True(secret.Length >= 16, "a secret this short would match by chance");
            var leaks = log.Where(line => line.Contains(secret, StringComparison.Ordinal)).ToList();
            Assert.True(leaks.Count == 0, $"a secret is in the log: {string.Join('\n', leaks.Take(3)).Replace(secret, "<secret>", StringComparison.Ordinal)}");
        }

        Assert.DoesNotContain(log, line => line.Contains("Password=", StringComparison.OrdinalIgnoreCase));
    }

    private Process Start(Dictionary<string, string> environment, params string[] arguments)
    {
        // Everything, also the categories appsettings.json quiets.
        environment["Logging__LogLevel__Default"] = "Trace";
        environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Trace";
        environment["Logging__LogLevel__Npgsql"] = "Trace";
        environment["Logging__LogLevel__Orleans"] = "Trace";
        return Processes.StartDotnet("PgAllInOne.Silo.dll", environment, arguments).ReadingLines(output.Enqueue);
    }

    private static async Task WaitReadyAsync(HttpClient http, Process silo) =>
        await Eventually.TrueAsync(
            async () =>
            {
                Assert.False(silo.HasExited, "the silo exited early");
                try
                {
                    return (await http.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            "the silo to be ready",
            TimeSpan.FromSeconds(120));

    private static async Task<int> TerminateAsync(Process silo)
    {
        using (var kill = Process.Start("kill", ["-15", silo.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(45));
        await silo.WaitForExitAsync(timeout.Token);
        return silo.ExitCode;
    }

    private static HttpClient Client(Uri address, string key)
    {
        var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
