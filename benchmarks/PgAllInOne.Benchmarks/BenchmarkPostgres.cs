using Microsoft.Extensions.Logging.Abstractions;
using PgAllInOne.Runtime.Database;

namespace PgAllInOne.Benchmarks;

/// <summary>One embedded PostgreSQL (default durability: fsync on) shared by every benchmark of the process.</summary>
internal static class BenchmarkPostgres
{
    private static readonly Lazy<EmbeddedPostgres> Server = new(() =>
    {
        var folder = Path.Combine(Path.GetTempPath(), $"pgaio-bench-{Environment.ProcessId}");
        var server = EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = folder }, NullLogger.Instance).GetAwaiter().GetResult();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            Directory.Delete(folder, recursive: true);
        };
        return server;
    });

    public static string ConnectionString => Server.Value.ConnectionString;
}
