using System.Text.Json;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.GrainInterfaces.Users;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Users;

public sealed class UserGrainTests(SharedSilo shared) : IClassFixture<SharedSilo>
{
    private TestSilo Silo => shared.Silo;

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private Task<UserView> CreateAsync(string name, string? profile = null) =>
        Silo.Grains.GetGrain<IUserRegistryGrain>("any").Create(new NewUser(name, $"{name}@example.org", profile is null ? null : Json(profile)));

    private IUserGrain User(long id) => Silo.Grains.GetGrain<IUserGrain>(id);

    [Fact]
    public async Task ACreatedUser_CanBeRead()
    {
        var created = await CreateAsync("ada.lovelace", """{"lang":"en"}""");

        var read = await User(created.Id).Get();

        Assert.NotNull(read);
        Assert.Equal("ada.lovelace", read.Username);
        Assert.Equal("en", read.Profile.GetProperty("lang").GetString());
        Assert.Equal(0, read.EventCount);
        Assert.Equal(1, read.Version);
    }

    [Fact]
    public async Task ADuplicateUsernameOrEmail_IsAConflict_AndWritesNothing()
    {
        await CreateAsync("grace");
        var registry = Silo.Grains.GetGrain<IUserRegistryGrain>("any");

        var byName = await Assert.ThrowsAsync<ConflictException>(() => registry.Create(new NewUser("GRACE", "other@example.org")));
        var byEmail = await Assert.ThrowsAsync<ConflictException>(() => registry.Create(new NewUser("hopper", "Grace@Example.org")));

        Assert.Contains("username", byName.Message, StringComparison.Ordinal);
        Assert.Contains("email", byEmail.Message, StringComparison.Ordinal);
        Assert.Equal(1L, await CountAsync("SELECT count(*) FROM users WHERE lower(username) IN ('grace', 'hopper') OR lower(email) IN ('grace@example.org', 'other@example.org')"));
    }

    [Theory]
    [InlineData("ab", "a@b.org", null, "username")]
    [InlineData("robert'); DROP TABLE users;--", "a@b.org", null, "username")]
    [InlineData("valid_name", "not-an-email", null, "email")]
    [InlineData("valid_name", "a@b.org", "[1,2]", "profile")]
    public async Task InvalidInput_IsRefusedNamingTheField(string username, string email, string? profile, string field)
    {
        var registry = Silo.Grains.GetGrain<IUserRegistryGrain>("any");

        var error = await Assert.ThrowsAsync<ValidationException>(() => registry.Create(new NewUser(username, email, profile is null ? null : Json(profile))));

        Assert.StartsWith(field, error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM users WHERE username = $1 OR email = $2", username, email));
    }

    [Fact]
    public async Task AProfilePatch_MergesAsRfc7396Says_AndHonoursTheExpectedVersion()
    {
        var created = await CreateAsync("linus", """{"a":1,"nested":{"x":1,"y":2},"gone":true}""");
        var user = User(created.Id);

        var patched = await user.PatchProfile(Json("""{"a":2,"nested":{"y":null,"z":3},"gone":null}"""), expectedVersion: 1);
        var stale = await Assert.ThrowsAsync<VersionMismatchException>(() => user.PatchProfile(Json("""{"a":3}"""), expectedVersion: 1));

        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse("""{"a":2,"nested":{"x":1,"z":3}}""").RootElement, patched.Profile), patched.Profile.GetRawText());
        Assert.Equal(2, patched.Version);
        Assert.Contains("version 2", stale.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await user.Get())!.Profile.GetProperty("a").GetInt32());
    }

    [Fact]
    public async Task APatchNamingNoVersion_AppliesToTheStoredProfile_WhenTheRowMovedBehindTheActivation()
    {
        // As after a failover that cut a patch's commit which was stored after all: the row is a version ahead.
        var created = await CreateAsync("hedy", """{"a":1}""");
        var user = User(created.Id);
        Assert.Equal(1, (await user.Get())!.Version);
        Assert.Equal(1L, await CountAsync("WITH moved AS (UPDATE users SET profile = profile || '{\"b\":2}', version = version + 1 WHERE id = $1 RETURNING 1) SELECT count(*) FROM moved", created.Id));

        var patched = await user.PatchProfile(Json("""{"c":3}"""));
        var stale = await Assert.ThrowsAsync<VersionMismatchException>(() => user.PatchProfile(Json("""{"d":4}"""), expectedVersion: 2));

        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse("""{"a":1,"b":2,"c":3}""").RootElement, patched.Profile), patched.Profile.GetRawText());
        Assert.Equal(3, patched.Version);
        Assert.Contains("version 3", stale.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcurrentEventBatches_CountExactly()
    {
        var id = (await CreateAsync("busy")).Id;
        var user = User(id);
        var batch = Enumerable.Range(0, 7).Select(i => new NewEvent("click", Json($$"""{"i":{{i}}}"""))).ToList();

        var accepted = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => user.RecordEvents(batch))));

        Assert.Equal(1400, accepted.Sum());
        Assert.Equal(1400, (await user.Get())!.EventCount);
        Assert.Equal(1400L, await CountAsync("SELECT count(*) FROM events WHERE user_id = $1", id));
    }

    [Fact]
    public async Task Events_ComeNewestFirst_FilteredByTypeAndRange()
    {
        var user = User((await CreateAsync("historian")).Id);
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await user.RecordEvents(Enumerable.Range(0, 10).Select(i => new NewEvent(i % 2 == 0 ? "even" : "odd", null, start.AddDays(i))).ToList());

        var evens = await user.Events(new EventQuery(Type: "even"));
        var window = await user.Events(new EventQuery(From: start.AddDays(2), To: start.AddDays(5)));
        var limited = await user.Events(new EventQuery(Limit: 3));

        Assert.Equal([8, 6, 4, 2, 0], evens.Select(e => (e.Timestamp - start).Days));
        Assert.Equal([4, 3, 2], window.Select(e => (e.Timestamp - start).Days));
        Assert.Equal(3, limited.Count);
        await Assert.ThrowsAsync<ValidationException>(() => user.Events(new EventQuery(Limit: 5000)));
    }

    [Fact]
    public async Task AnUnknownUser_ReadsAsNull_AndRefusesWrites()
    {
        var ghost = User(987654321);

        Assert.Null(await ghost.Get());
        await Assert.ThrowsAsync<NotFoundException>(() => ghost.RecordEvents([new NewEvent("x")]));
        await Assert.ThrowsAsync<NotFoundException>(() => ghost.PatchProfile(Json("{}")));
    }

    [Fact]
    public async Task AUserAskedForBeforeItsCreation_IsFound_OnceCreated()
    {
        var first = await CreateAsync("before.next");
        var next = User(first.Id + 1);
        Assert.Null(await next.Get()); // the activation finds no row yet

        var created = await CreateAsync("the.next");

        Assert.Equal(first.Id + 1, created.Id); // the id asked for before (the class's tests run one at a time on a database of its own)
        Assert.Equal("the.next", (await next.Get())?.Username);
        Assert.Equal(1, await next.RecordEvents([new NewEvent("after.creation")]));
        Assert.Single(await next.Events(new EventQuery()));
    }

    [Fact]
    public async Task ABatchWithOneBadEvent_StoresNothing()
    {
        var id = (await CreateAsync("careful")).Id;
        var user = User(id);

        await Assert.ThrowsAsync<ValidationException>(() => user.RecordEvents([new NewEvent("ok"), new NewEvent("")]));
        await Assert.ThrowsAsync<ValidationException>(() => user.RecordEvents(Enumerable.Range(0, 1001).Select(_ => new NewEvent("many")).ToList()));

        Assert.Equal(0, (await user.Get())!.EventCount);
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM events WHERE user_id = $1", id));
    }

    private Task<long> CountAsync(string sql, params object[] parameters) => Sql.CountAsync(shared.Database, sql, parameters);
}
