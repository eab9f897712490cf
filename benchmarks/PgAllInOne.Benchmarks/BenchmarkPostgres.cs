using Microsoft.Extensions.Logging.Abstractions;
using PgAllInOne.Postgres;

namespace PgAllInOne.Benchmarks;

/// <summary>One embedded PostgreSQL (default durability: fsync on) shared by every benchmark of the process.</summary>
internal static class BenchmarkPostgres
{
    private static readonly Lazy<EmbeddedPostgres> Server = new(() =>
    {
        var folder = Path.Combine(Path.GetTempPath(), $"pgaio-bench-{Environment.ProcessId}");
        var server = EmbeddedPostgres.StartAsync(
            new EmbeddedPostgresOptions
            {
                DataDirectory = folder,
                // Durability stays at PostgreSQL's defaults (fsync, synchronous_commit, full_page_writes on): its cost is the point.
                Settings = new Dictionary<string, string> { ["fsync"] = "on", ["synchronous_commit"] = "on", ["max_connections"] = "200" },
            },
            NullLogger.Instance).GetAwaiter().GetResult();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return server;
    });

    public static string ConnectionString => Server.Value.ConnectionString;
}
