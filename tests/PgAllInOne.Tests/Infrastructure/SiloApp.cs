using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PgAllInOne.Tests.Infrastructure;

/// <summary>The real silo host (its Program) on Kestrel and a real PostgreSQL database, with its first admin key read from admin.key.</summary>
public sealed class SiloApp : WebApplicationFactory<PgAllInOne.Silo.Api.ApiOptions> // any type of the silo assembly names its entry point
{
    private readonly Dictionary<string, string?> settings;
    private readonly TimeProvider? clock;
    private readonly TempFolder folder = new("pgaio-http");

    private SiloApp(Dictionary<string, string?> settings, TimeProvider? clock) => (this.settings, this.clock) = (settings, clock);

    public string DataDirectory => folder.Path;

    public string AdminKey { get; private set; } = "";

    public Uri BaseAddress { get; private set; } = null!;

    /// <param name="connectionString">The owner's; the silo serves on the run's serving login (settings may name others).</param>
    /// <param name="clock">The data features' clock (<see cref="PgAllInOne.Grains.DataClock"/>); Orleans keeps real time.</param>
    public static Task<SiloApp> StartAsync(string connectionString, IDictionary<string, string?>? extra = null, TimeProvider? clock = null) =>
        // The two roles of a production silo (the given connection is the owner's): every HTTP test runs on the serving rights.
        StartAsync(PostgresServer.TwoRoles(connectionString), extra, clock);

    /// <summary>
    /// The embedded default: no connection string, so the silo starts its own PostgreSQL in <see cref="DataDirectory"/>
    /// (what a feature that needs the whole server needs, such as backups; slower than a database of the run's server).
    /// </summary>
    public static Task<SiloApp> StartEmbeddedAsync(IDictionary<string, string?>? extra = null) => StartAsync(new Dictionary<string, string?>(), extra, clock: null);

    private static async Task<SiloApp> StartAsync(Dictionary<string, string?> settings, IDictionary<string, string?>? extra, TimeProvider? clock)
    {
        settings["Silo:Port"] = "0";
        // Tests hold stored readings against SQL over the raw table: no compaction of their past days unless asked for.
        settings["Metrics:CompressAfter"] = "36500.00:00:00";
        foreach (var (key, value) in InProcessMembership.Settings.Concat(extra ?? new Dictionary<string, string?>()))
        {
            settings[key] = value;
        }

        var app = new SiloApp(settings, clock);
        settings["Silo:DataDirectory"] = app.folder.Path;
        app.UseKestrel(0);
        app.StartServer();
        app.BaseAddress = app.ClientOptions.BaseAddress;
        var keyFile = Path.Combine(app.folder.Path, "admin.key");
        app.AdminKey = File.Exists(keyFile) ? (await File.ReadAllTextAsync(keyFile)).Trim() : "";
        return app;
    }

    /// <summary>
    /// A client with the given key (none when null). A request that asks first (Expect: 100-continue) waits for the
    /// server's answer for 30 s rather than the default second: in the suite's lower-priority lane the server took longer
    /// to refuse an oversized body, the body went out anyway, and the refusal's closed connection broke its sending.
    /// </summary>
    public HttpClient Client(string? key)
    {
        var client = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(30) }) { BaseAddress = BaseAddress };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    public HttpClient Admin() => Client(AdminKey);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.ClearProviders());
        if (clock is not null)
        {
            builder.ConfigureServices(services => services.AddKeyedSingleton(PgAllInOne.Grains.DataClock.Key, clock));
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        folder.Dispose();
    }
}
