using BenchmarkDotNet.Attributes;
using Npgsql;

namespace PgAllInOne.Benchmarks;

/// <summary>
/// Durable, version-checked state writes by 16 concurrent writers: grains (group commit through the runtime) beside a
/// raw Npgsql conditional upsert per writer, against the same PostgreSQL in the same run.
/// </summary>
[MemoryDiagnoser]
public class StateWriteBenchmarks
{
    private const int Writers = 16;
    private const int WritesPerWriter = 100;
    private BenchmarkSilo silo = null!;
    private NpgsqlDataSource dataSource = null!;
    private ITallyGrain[] grains = null!;
    private long[] versions = null!;
    private string[] keys = null!;
    private string upsertSql = null!;

    [GlobalSetup]
    public void Setup()
    {
        silo = BenchmarkSilo.Start();
        dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(BenchmarkPostgres.ConnectionString) { MaxPoolSize = Writers }.ConnectionString);
        var run = Guid.NewGuid().ToString("N")[..8];
        grains = Enumerable.Range(0, Writers).Select(i => silo.Grains.GetGrain<ITallyGrain>($"{run}-{i}")).ToArray();
        keys = Enumerable.Range(0, Writers).Select(i => $"raw-{run}-{i}").ToArray();
        versions = new long[Writers];
        upsertSql = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Sql", "RawConditionalUpsert.sql"));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        dataSource.Dispose();
        silo.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Writers * WritesPerWriter)]
    public Task RawNpgsqlConditionalUpsert() => Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
    {
        for (var i = 0; i < WritesPerWriter; i++)
        {
            await using var command = dataSource.CreateCommand(upsertSql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = keys[writer] });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $$"""{"total": {{i}}}""", NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = versions[writer] });
            versions[writer] = (long)(await command.ExecuteScalarAsync())!;
        }
    })));

    [Benchmark(OperationsPerInvoke = Writers * WritesPerWriter)]
    public Task GrainStateWrite() => Task.WhenAll(grains.Select(grain => Task.Run(async () =>
    {
        for (var i = 0; i < WritesPerWriter; i++)
        {
            await grain.Add(1);
        }
    })));
}
