using System.Text.Json;
using Npgsql;
using PgAllInOne.GrainInterfaces.Devices;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Devices;

public sealed class DeviceGrainTests(SharedSilo shared, PostgresFixture postgres) : IClassFixture<SharedSilo>, IClassFixture<PostgresFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    private TestSilo Silo => shared.Silo;

    private string Database => shared.Database;

    private IDeviceGrain Device(string id) => Silo.Grains.GetGrain<IDeviceGrain>(id);

    [Fact]
    public async Task IngestedReadings_AreDurable_AndTheNewestValuePerMetricIsKept()
    {
        var device = Device("thermo-1");
        await device.Ingest([
            new MetricReading("temp", 20.5, Start),
            new MetricReading("temp", 21.5, Start.AddMinutes(1), JsonDocument.Parse("""{"room":"lab"}""").RootElement),
            new MetricReading("humidity", 40, Start.AddMinutes(1)),
            new MetricReading("temp", 19, Start.AddSeconds(30)),
        ]);

        var latest = await device.Latest();

        Assert.Equal([("humidity", 40.0), ("temp", 21.5)], latest.Select(v => (v.Metric, v.Value)));
        Assert.Equal(4L, await ScalarAsync("SELECT count(*) FROM metrics WHERE device_id = 'thermo-1'"));
        Assert.Equal("lab", await ScalarAsync("SELECT tags->>'room' FROM metrics WHERE device_id = 'thermo-1' AND value = 21.5"));
    }

    [Fact]
    public async Task TheNewestValues_SurviveReactivation()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using (var first = await TestSilo.StartAsync(database))
        {
            await first.Grains.GetGrain<IDeviceGrain>("persistent").Ingest([new MetricReading("load", 0.7, Start)]);
        }

        await using var second = await TestSilo.StartAsync(database);
        Assert.Equal(0.7, Assert.Single(await second.Grains.GetGrain<IDeviceGrain>("persistent").Latest()).Value);
    }

    [Theory]
    [InlineData("avg")]
    [InlineData("min")]
    [InlineData("max")]
    [InlineData("sum")]
    [InlineData("count")]
    [InlineData("last")]
    public async Task RangeBuckets_EqualTheSameAggregateInSql(string aggregate)
    {
        var device = Device($"range-{aggregate}");
        var random = new Random(42);
        await device.Ingest(Enumerable.Range(0, 600).Select(i => new MetricReading("power", Math.Round(random.NextDouble() * 100, 3), Start.AddSeconds(i * 7))).ToList());

        var buckets = await device.Range(new MetricRangeQuery("power", Start, Start.AddHours(1), TimeSpan.FromMinutes(5), aggregate));

        var sql = aggregate switch
        {
            "last" => "(array_agg(value ORDER BY time DESC))[1]",
            "count" => "count(*)::double precision",
            _ => $"{aggregate}(value)",
        };
        await using var dataSource = NpgsqlDataSource.Create(Database);
        await using var command = dataSource.CreateCommand($"SELECT {sql} FROM metrics WHERE device_id = $1 AND metric = 'power' AND time >= $2 AND time < $3 GROUP BY date_bin('5 minutes', time, '2000-01-01Z') ORDER BY 1 IS NULL, date_bin('5 minutes', time, '2000-01-01Z')");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"range-{aggregate}" });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = Start });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = Start.AddHours(1) });
        var expected = new List<double>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                expected.Add(reader.GetDouble(0));
            }
        }

        Assert.Equal(12, buckets.Count);
        Assert.Equal(expected, buckets.Select(b => b.Value));
        Assert.Equal(Start.AddMinutes(5), buckets[1].Start);
        Assert.Equal(515, buckets.Sum(b => b.Count)); // readings every 7 s: 515 of the 600 fall in the first hour
    }

    [Fact]
    public async Task ABatchWithOneBadReading_IsRefusedWhole()
    {
        var device = Device("strict");

        var nan = await Assert.ThrowsAsync<ValidationException>(() => device.Ingest([new MetricReading("ok", 1, Start), new MetricReading("bad", double.NaN, Start)]));
        await Assert.ThrowsAsync<ValidationException>(() => device.Ingest([new MetricReading("", 1, Start)]));
        await Assert.ThrowsAsync<ValidationException>(() => device.Ingest(Enumerable.Range(0, 10_001).Select(i => new MetricReading("m", i, Start)).ToList()));
        await Assert.ThrowsAsync<ValidationException>(() => device.Range(new MetricRangeQuery("m", Start, Start.AddDays(1), TimeSpan.FromMinutes(1), "median")));

        Assert.Contains("readings[1].value", nan.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM metrics WHERE device_id = 'strict'"));
        Assert.Empty(await device.Latest());
    }

    [Fact]
    public async Task ManyDevicesIngestingAtOnce_StoreEveryReading()
    {
        await Task.WhenAll(Enumerable.Range(0, 50).Select(d => Task.Run(async () =>
        {
            for (var batch = 0; batch < 10; batch++)
            {
                await Device($"fleet-{d}").Ingest(Enumerable.Range(0, 20).Select(i => new MetricReading("rpm", i, Start.AddSeconds(batch * 20 + i))).ToList());
            }
        })));

        Assert.Equal(10_000L, await ScalarAsync("SELECT count(*) FROM metrics WHERE device_id LIKE 'fleet-%'"));
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(Database);
        await using var command = dataSource.CreateCommand(sql);
        return await command.ExecuteScalarAsync();
    }
}
