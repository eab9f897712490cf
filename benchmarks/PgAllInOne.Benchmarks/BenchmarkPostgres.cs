using Microsoft.Extensions.Logging.Abstractions;
using PgAllInOne.Postgres;

namespace PgAllInOne.Benchmarks;

/// <summary>
/// One embedded PostgreSQL (default durability: fsync on) shared by every benchmark of the process. In a temp folder
/// removed at exit, or, when <c>PGAIO_BENCH_DATA</c> names a folder, in that folder, kept (a large data set loaded once
/// and measured by later runs, e.g. <c>analytics-scale</c> at 10 M rows).
/// </summary>
internal static class BenchmarkPostgres
{
    private static readonly string? KeptFolder = Environment.GetEnvironmentVariable("PGAIO_BENCH_DATA") is { Length: > 0 } kept ? Path.GetFullPath(kept) : null;

    private static readonly Lazy<EmbeddedPostgres> Server = new(() =>
    {
        var folder = KeptFolder ?? Path.Combine(Path.GetTempPath(), $"pgaio-bench-{Environment.ProcessId}");
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
            if (KeptFolder is not null)
            {
                return;
            }

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

    /// <summary>Whether the data outlive the process (<c>PGAIO_BENCH_DATA</c>).</summary>
    public static bool Kept => KeptFolder is not null;
}
