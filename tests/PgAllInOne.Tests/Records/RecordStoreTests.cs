using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.GrainInterfaces.Records;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Records;

public sealed class RecordStoreTests(PostgresFixture postgres) : SiloTest(postgres)
{
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);

    protected override TimeProvider? Clock => clock;

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private IRecordGrain Record(string id) => Silo.Grains.GetGrain<IRecordGrain>(id);

    private Task<IReadOnlyList<StoredRecord>> QueryAsync(RecordQuery query) => Silo.Grains.GetGrain<IRecordQueryGrain>("any").Query(query);

    private async Task<string[]> IdsAsync(string filter, string? type = "item") =>
        (await QueryAsync(new RecordQuery(Json(filter), Type: type, OrderBy: "createdAt"))).Select(r => r.Id).ToArray();

    private async Task SeedAsync()
    {
        var items = new[]
        {
            ("a", """{"name":"apple","price":3,"tags":["fruit"],"origin":{"country":"NZ"}}"""),
            ("b", """{"name":"banana","price":1.5,"tags":["fruit"],"origin":{"country":"EC"}}"""),
            ("c", """{"name":"carrot","price":"cheap","origin":{"country":"NZ"}}"""),
            ("d", """{"name":"dates","price":12}"""),
        };
        foreach (var (id, data) in items)
        {
            await Record(id).Put(new RecordWrite(Json(data), Type: "item", SessionId: "s1"));
        }
    }

    [Fact]
    public async Task AnUpsert_CreatesThenVersionsARecord_AndDeleteRemovesIt()
    {
        var first = await Record("r1").Put(new RecordWrite(Json("""{"v":1}"""), Type: "note", ThreadId: "t"));
        var second = await Record("r1").Put(new RecordWrite(Json("""{"v":2}"""), Type: "note", ThreadId: "t"));

        Assert.Equal(1, first.Version);
        Assert.Equal(2, second.Version);
        Assert.Equal(first.CreatedAt, second.CreatedAt);
        Assert.Equal(2, (await Record("r1").Get())!.Data.GetProperty("v").GetInt32());
        Assert.True(await Record("r1").Delete());
        Assert.Null(await Record("r1").Get());
        Assert.False(await Record("r1").Delete());
    }

    [Fact]
    public async Task AnExpectedVersion_MustMatch_OrNothingIsWritten()
    {
        await Record("v").Put(new RecordWrite(Json("""{"v":1}""")));

        var updated = await Record("v").Put(new RecordWrite(Json("""{"v":2}"""), ExpectedVersion: 1));
        await Assert.ThrowsAsync<VersionMismatchException>(() => Record("v").Put(new RecordWrite(Json("""{"v":3}"""), ExpectedVersion: 1)));

        Assert.Equal(2, updated.Version);
        Assert.Equal(2, (await Record("v").Get())!.Data.GetProperty("v").GetInt32());
    }

    [Fact]
    public async Task AnExpiredRecord_IsNeverReturned()
    {
        var stored = await Record("ttl").Put(new RecordWrite(Json("""{"x":1}"""), Type: "temp", TtlSeconds: 1));
        Assert.NotNull(stored.ExpiresAt);
        Assert.Single(await QueryAsync(new RecordQuery(Type: "temp")));

        clock.Advance(TimeSpan.FromSeconds(1.3));

        Assert.Null(await Record("ttl").Get());
        Assert.Empty(await QueryAsync(new RecordQuery(Type: "temp")));
    }

    [Fact]
    public async Task Filters_SelectByEveryOperator()
    {
        await SeedAsync();

        Assert.Equal(["a"], await IdsAsync("""{"name":"apple"}"""));
        Assert.Equal(["a", "c"], await IdsAsync("""{"origin.country":"NZ"}"""));
        Assert.Equal(["b", "c", "d"], await IdsAsync("""{"name":{"$ne":"apple"}}"""));
        Assert.Equal(["a", "d"], await IdsAsync("""{"price":{"$gt":2}}"""));
        Assert.Equal(["a", "b"], await IdsAsync("""{"price":{"$gte":1.5,"$lte":3}}"""));
        Assert.Equal(["b"], await IdsAsync("""{"price":{"$lt":2}}"""));
        Assert.Equal(["a", "d"], await IdsAsync("""{"name":{"$in":["apple","dates","fig"]}}"""));
        Assert.Equal(["b", "c", "d"], await IdsAsync("""{"name":{"$like":"_a%"}}"""));
        Assert.Equal(["c"], await IdsAsync("""{"price":{"$gt":"a"}}"""));
        Assert.Equal(["a", "b", "c", "d"], await IdsAsync("{}"));
    }

    [Fact]
    public async Task Queries_NarrowBySessionAndThread_AndComeNewestFirstByDefault()
    {
        await SeedAsync();
        await Record("other").Put(new RecordWrite(Json("{}"), Type: "item", SessionId: "s2"));

        var session = await QueryAsync(new RecordQuery(SessionId: "s1"));
        var limited = await QueryAsync(new RecordQuery(Type: "item", Limit: 2));

        Assert.Equal(["d", "c", "b", "a"], session.Select(r => r.Id));
        Assert.Equal(["other", "d"], limited.Select(r => r.Id));
    }

    [Theory]
    [InlineData("""{"name":{"$regex":"a"}}""", "unknown operator")]
    [InlineData("""["name"]""", "must be a JSON object")]
    [InlineData("""{"name; DROP TABLE records;--":"x"}""", "must be names")]
    [InlineData("""{"price":{"$gt":true}}""", "number or a string")]
    [InlineData("""{"name":{"$in":"apple"}}""", "$in takes an array")]
    [InlineData("""{"name":{"$like":3}}""", "$like takes a string")]
    public async Task ABadFilter_IsAClearError(string filter, string message)
    {
        await SeedAsync();

        var error = await Assert.ThrowsAsync<ValidationException>(() => QueryAsync(new RecordQuery(Json(filter))));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostileValues_AreJustData()
    {
        var hostile = "x'); DELETE FROM records; --";
        await Record(hostile).Put(new RecordWrite(Json($$"""{"name":{{JsonSerializer.Serialize(hostile)}}}"""), Type: hostile));

        var filter = new Dictionary<string, object> { ["name"] = new Dictionary<string, string> { ["$like"] = hostile } };
        var found = await QueryAsync(new RecordQuery(JsonSerializer.SerializeToElement(filter), Type: hostile));

        Assert.Equal(hostile, Assert.Single(found).Id);
        await using var dataSource = NpgsqlDataSource.Create(Database);
        await using var count = dataSource.CreateCommand("SELECT count(*) FROM records");
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }
}
