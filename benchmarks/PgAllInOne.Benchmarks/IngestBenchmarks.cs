using BenchmarkDotNet.Attributes;
using Npgsql;
using NpgsqlTypes;
using PgAllInOne.GrainInterfaces.Devices;
using PgAllInOne.GrainInterfaces.Idempotency;
using PgAllInOne.GrainInterfaces.Users;

namespace PgAllInOne.Benchmarks;

/// <summary>
/// Durable ingest beside its anchors in the same run: metric readings through the cluster client against raw binary COPY
/// of the same rows into the same table, and acknowledged single events against a single-row INSERT loop;
/// each also with an idempotency key per call (the key's row stored in the same commit), beside the same calls without.
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // disposed in [GlobalCleanup], which BenchmarkDotNet calls
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class IngestBenchmarks
{
    private const int Devices = 8;
    private const int ReadingsPerBatch = 1_000;
    private const int BatchesPerDevice = 4;
    private const int EventCallers = 64;
    private const int EventsPerCaller = 50;

    private BenchmarkSilo silo = null!;
    private BenchmarkClient client = null!;
    private NpgsqlDataSource dataSource = null!;
    private IDeviceGrain[] devices = null!;
    private IUserGrain[] users = null!;
    private MetricReading[] batch = null!;
    private long userId;
    private long keys;
    private string run = "";

    [GlobalSetup]
    public void Setup()
    {
        silo = BenchmarkSilo.Start();
        client = BenchmarkClient.ConnectAsync($"127.0.0.1:{silo.GatewayPort}", silo.ClusterId).GetAwaiter().GetResult();
        dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(BenchmarkPostgres.ConnectionString) { MaxPoolSize = 16 }.ConnectionString);
        run = Guid.NewGuid().ToString("N")[..8];
        devices = Enumerable.Range(0, Devices).Select(i => client.Grains.GetGrain<IDeviceGrain>($"bench-{run}-{i}")).ToArray();
        var start = DateTimeOffset.UtcNow;
        batch = Enumerable.Range(0, ReadingsPerBatch).Select(i => new MetricReading(i % 2 == 0 ? "temperature" : "humidity", 20 + (i % 100) / 10.0, start.AddMilliseconds(i))).ToArray();
        var ids = Enumerable.Range(0, EventCallers)
            .Select(i => silo.Grains.GetGrain<IUserRegistryGrain>("bench").Create(new NewUser($"bench{run}{i}", $"bench{run}{i}@example.com")).GetAwaiter().GetResult().Id)
            .ToArray();
        users = ids.Select(id => silo.Grains.GetGrain<IUserGrain>(id)).ToArray();
        userId = ids[0];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        client.DisposeAsync().AsTask().GetAwaiter().GetResult();
        dataSource.Dispose();
        silo.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Devices * BatchesPerDevice * ReadingsPerBatch)]
    [BenchmarkCategory("metrics")]
    public Task RawBinaryCopy() => Task.WhenAll(Enumerable.Range(0, Devices).Select(device => Task.Run(async () =>
    {
        for (var b = 0; b < BatchesPerDevice; b++)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var importer = await connection.BeginBinaryImportAsync("COPY metrics (time, device_id, metric, value, tags) FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var reading in batch)
                {
                    await importer.StartRowAsync();
                    await importer.WriteAsync(reading.Time!.Value, NpgsqlDbType.TimestampTz);
                    await importer.WriteAsync($"raw-{device}", NpgsqlDbType.Text);
                    await importer.WriteAsync(reading.Metric, NpgsqlDbType.Text);
                    await importer.WriteAsync(reading.Value, NpgsqlDbType.Double);
                    await importer.WriteNullAsync();
                }

                await importer.CompleteAsync();
            }

            await transaction.CommitAsync();
        }
    })));

    [Benchmark(OperationsPerInvoke = Devices * BatchesPerDevice * ReadingsPerBatch)]
    [BenchmarkCategory("metrics")]
    public Task DeviceIngestThroughClient() => Task.WhenAll(devices.Select(device => Task.Run(async () =>
    {
        for (var b = 0; b < BatchesPerDevice; b++)
        {
            await device.Ingest(batch);
        }
    })));

    [Benchmark(Baseline = true, OperationsPerInvoke = EventCallers * EventsPerCaller)]
    [BenchmarkCategory("events")]
    public Task SingleRowInsertLoop() => Task.WhenAll(Enumerable.Range(0, EventCallers).Select(_ => Task.Run(async () =>
    {
        for (var i = 0; i < EventsPerCaller; i++)
        {
            await using var command = dataSource.CreateCommand("INSERT INTO events (user_id, type, data, occurred_at) VALUES ($1, 'click', '{}', now())");
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = userId });
            await command.ExecuteNonQueryAsync();
        }
    })));

    [Benchmark(OperationsPerInvoke = EventCallers * EventsPerCaller)]
    [BenchmarkCategory("events")]
    public Task SingleEventsThroughUserGrains() => Task.WhenAll(users.Select(user => Task.Run(async () =>
    {
        for (var i = 0; i < EventsPerCaller; i++)
        {
            await user.RecordEvents([new NewEvent("click")]);
        }
    })));

    [Benchmark(OperationsPerInvoke = Devices * BatchesPerDevice * ReadingsPerBatch)]
    [BenchmarkCategory("metrics")]
    public Task DeviceIngestThroughClientWithKeys() => Task.WhenAll(devices.Select(device => Task.Run(async () =>
    {
        for (var b = 0; b < BatchesPerDevice; b++)
        {
            await device.Ingest(batch, NextKey());
        }
    })));

    [Benchmark(OperationsPerInvoke = EventCallers * EventsPerCaller)]
    [BenchmarkCategory("events")]
    public Task SingleEventsThroughUserGrainsWithKeys() => Task.WhenAll(users.Select(user => Task.Run(async () =>
    {
        for (var i = 0; i < EventsPerCaller; i++)
        {
            await user.RecordEvents([new NewEvent("click")], NextKey());
        }
    })));

    // A key new for each call, as a client makes one per request.
    private IdempotencyKey NextKey() => new("bench", $"{run}-{Interlocked.Increment(ref keys)}");
}
