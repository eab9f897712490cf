using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using Npgsql;
using PgAllInOne.GrainInterfaces.Analytics;
using PgAllInOne.Grains.Maintenance;

namespace PgAllInOne.Benchmarks;

/// <summary>
/// An events-by-type query over one million partitioned rows: the single SQL statement (PostgreSQL's own parallel plan)
/// beside the cold path (cache TTL 0: fan-out to OLAP workers and merge, every time) and the warm path through the
/// cluster client (served from the cache grain).
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // disposed in [GlobalCleanup], which BenchmarkDotNet calls
public class OlapBenchmarks
{
    private const int Rows = 1_000_000;
    private static readonly DateTimeOffset From = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = new(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);

    private BenchmarkSilo cold = null!;
    private BenchmarkSilo warm = null!;
    private BenchmarkClient client = null!;
    private NpgsqlDataSource dataSource = null!;
    private readonly AnalyticsQuery query = AnalyticsQuery.Events("type", From, To);

    [GlobalSetup]
    public void Setup()
    {
        dataSource = NpgsqlDataSource.Create(BenchmarkPostgres.ConnectionString);
        cold = BenchmarkSilo.Start(new Dictionary<string, string?> { ["Analytics:CacheTtl"] = "00:00:00", ["Silo:ClusterId"] = "cold" });
        warm = BenchmarkSilo.Start(new Dictionary<string, string?> { ["Silo:ClusterId"] = "warm" });
        new PartitionMaintenance(dataSource, Options.Create(new MaintenanceOptions { EventMonthsAhead = 4 })).RunOnceAsync(From).GetAwaiter().GetResult();
        using (var count = dataSource.CreateCommand("SELECT count(*) FROM events WHERE occurred_at >= $1 AND occurred_at < $2"))
        {
            count.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = From });
            count.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = To });
            if ((long)count.ExecuteScalar()! < Rows)
            {
                using var insert = dataSource.CreateCommand($"""
                    INSERT INTO events (user_id, type, occurred_at)
                    SELECT 1 + i % 5000, (ARRAY['click','view','buy','login','logout','share','like','search'])[1 + (i * 31) % 8],
                           TIMESTAMPTZ '2026-01-01 00:00:00+00' + i * interval '10 seconds'
                    FROM generate_series(1::bigint, {Rows}) AS i;
                    ANALYZE events;
                    """);
                insert.CommandTimeout = 600;
                insert.ExecuteNonQuery();
            }
        }

        client = BenchmarkClient.ConnectAsync($"127.0.0.1:{warm.GatewayPort}", warm.ClusterId).GetAwaiter().GetResult();
        client.Grains.QueryAnalyticsAsync(query).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        client.DisposeAsync().AsTask().GetAwaiter().GetResult();
        cold.DisposeAsync().AsTask().GetAwaiter().GetResult();
        warm.DisposeAsync().AsTask().GetAwaiter().GetResult();
        dataSource.Dispose();
    }

    [Benchmark(Baseline = true)]
    public async Task<int> SingleSqlStatement()
    {
        await using var command = dataSource.CreateCommand("""
            SELECT type, count(*), min(occurred_at), max(occurred_at)
            FROM events WHERE occurred_at >= $1 AND occurred_at < $2
            GROUP BY type ORDER BY count(*) DESC, type COLLATE "C"
            """);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = From });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = To });
        var rows = 0;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows++;
        }

        return rows;
    }

    [Benchmark]
    public async Task<int> ColdFanOut() => (await cold.Grains.QueryAnalyticsAsync(query)).Result.Events.Length;

    [Benchmark]
    public async Task<int> WarmThroughClient() => (await client.Grains.QueryAnalyticsAsync(query)).Result.Events.Length;
}
