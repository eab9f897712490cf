using BenchmarkDotNet.Attributes;
using Npgsql;
using NpgsqlTypes;
using Microsoft.Extensions.Logging.Abstractions;
using PgAllInOne.Postgres;

namespace PgAllInOne.Benchmarks;

/// <summary>
/// Durable, version-checked state writes by 16 concurrent writers on a private PostgreSQL with fsync on: 16 grains
/// writing their <c>IPersistentState</c> through our grain storage (group commit), beside 16 connections of an
/// <see cref="NpgsqlDataSource"/> each running the same conditional INSERT / UPDATE … WHERE version = $n, one commit
/// per write, against a table of the same shape, in the same run.
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // disposed in [GlobalCleanup], which BenchmarkDotNet calls
public class StateWriteBenchmarks
{
    private const int Writers = 16;
    private const int WritesPerWriter = 100;
    private BenchmarkSilo? silo;
    private NpgsqlDataSource? dataSource;
    private ITallyGrain[] grains = null!;
    private long[] versions = null!;
    private string[] keys = null!;
    private string insertSql = null!;
    private string updateSql = null!;

    /// <summary>
    /// <c>Runtime:StateWriteConcurrency</c> of the grain side: batches in flight (4, the default; 1 puts every pending
    /// write in one commit). The anchor ignores it and simply runs again beside each.
    /// </summary>
    [Params(4, 1)]
    public int StateWriteConcurrency { get; set; }

    [GlobalSetup(Target = nameof(RawNpgsqlConditionalWrite))]
    public void SetupRaw()
    {
        dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(BenchmarkPostgres.ConnectionString) { MaxPoolSize = Writers, MaxAutoPrepare = 64 }.ConnectionString);
        // The migrations make grain_state, whose shape the anchor's table copies.
        new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync().GetAwaiter().GetResult();

        using (var create = dataSource.CreateCommand(ReadSql("CreateRawGrainState.sql")))
        {
            create.ExecuteNonQuery();
        }

        var run = Guid.NewGuid().ToString("N")[..8];
        keys = Enumerable.Range(0, Writers).Select(i => $"raw-{run}-{i}").ToArray();
        versions = new long[Writers];
        insertSql = ReadSql("RawInsertState.sql");
        updateSql = ReadSql("RawUpdateState.sql");
    }

    [GlobalSetup(Target = nameof(GrainStateWrite))]
    public void SetupGrains()
    {
        silo = BenchmarkSilo.Start(new Dictionary<string, string?> { ["Runtime:StateWriteConcurrency"] = StateWriteConcurrency.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var run = Guid.NewGuid().ToString("N")[..8];
        grains = Enumerable.Range(0, Writers).Select(i => silo.Grains.GetGrain<ITallyGrain>($"{run}-{i}")).ToArray();
        Task.WhenAll(grains.Select(g => g.Get())).GetAwaiter().GetResult(); // activated (state read) before measuring
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        dataSource?.Dispose();
        silo?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        dataSource = null;
        silo = null;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Writers * WritesPerWriter)]
    public Task RawNpgsqlConditionalWrite() => Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
    {
        for (var i = 0; i < WritesPerWriter; i++)
        {
            var first = versions[writer] == 0;
            await using var command = dataSource!.CreateCommand(first ? insertSql : updateSql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = keys[writer] });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $$"""{"Total":{{i}}}""", NpgsqlDbType = NpgsqlDbType.Jsonb });
            if (!first)
            {
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = versions[writer] });
            }

            versions[writer] = (long)(await command.ExecuteScalarAsync() ?? throw new InvalidOperationException("A conditional write lost its race."));
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

    private static string ReadSql(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Sql", name));
}
