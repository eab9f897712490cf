using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using PgAllInOne.Client;
using PgAllInOne.GrainInterfaces.Users;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Client;

/// <summary>
/// A user's id reaches one grain whichever way it is spelled and whoever calls: the HTTP facade (<c>42</c>, <c>042</c>)
/// and a .NET app's cluster client (AddPgAllInOneClient, over the silo's gateway) meet in one activation.
/// </summary>
public sealed class UserGrainKeyTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private string database = "";
    private SiloApp silo = null!;
    private IHost client = null!;

    private IGrainFactory Grains => client.Services.GetRequiredService<IGrainFactory>();

    public async Task InitializeAsync()
    {
        database = await postgres.CreateDatabaseAsync();
        silo = await SiloApp.StartAsync(database, new Dictionary<string, string?> { ["Silo:GatewayPort"] = "0" });
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddPgAllInOneClient(options => options.ConnectionString = database);
        client = builder.Build();
        await client.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await client.StopAsync();
        client.Dispose();
        await silo.DisposeAsync();
    }

    [Fact]
    public async Task EverySpellingOfAUserId_OverHttpAndTheClusterClient_ReachesOneActivation_AndTheEventCountStaysExact()
    {
        using var http = silo.Admin();
        var created = await http.PostAsJsonAsync("/api/users", new { username = "one.activation", email = "one@example.com" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var user = Grains.GetGrain<IUserGrain>(id);

        Assert.Equal("one.activation", (await http.GetFromJsonAsync<JsonElement>($"/api/users/{id}")).GetProperty("username").GetString());
        Assert.Equal("one.activation", (await http.GetFromJsonAsync<JsonElement>($"/api/users/00{id}")).GetProperty("username").GetString());
        Assert.Equal("one.activation", (await user.Get())?.Username);

        // Appends through all three at once: one activation, so each is counted once and the count moves with the rows.
        const int Calls = 20;
        const int EventsPerCall = 5;
        var writers = new Func<Task>[]
        {
            async () => Assert.Equal(201, (int)(await http.PostAsJsonAsync($"/api/users/{id}/events", Enumerable.Repeat(new { type = "http" }, EventsPerCall))).StatusCode),
            async () => Assert.Equal(201, (int)(await http.PostAsJsonAsync($"/api/users/0{id}/events", Enumerable.Repeat(new { type = "padded" }, EventsPerCall))).StatusCode),
            async () => Assert.Equal(EventsPerCall, await user.RecordEvents([.. Enumerable.Repeat(new NewEvent("client"), EventsPerCall)])),
        };
        await Task.WhenAll(writers.Select(write => Task.Run(async () =>
        {
            for (var i = 0; i < Calls; i++)
            {
                await write();
            }
        })));

        const int Expected = 3 * Calls * EventsPerCall;
        Assert.Equal(Expected, (await user.Get())!.EventCount);
        Assert.Equal(Expected, (await http.GetFromJsonAsync<JsonElement>($"/api/users/000{id}")).GetProperty("eventCount").GetInt64());
        Assert.Equal(Expected, await ScalarAsync("SELECT count(*) FROM events WHERE user_id = @id", id));
        Assert.Equal(Expected, await ScalarAsync("SELECT event_count FROM users WHERE id = @id", id));

        var userGrainId = user.GetGrainId();
        var activations = await Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        var users = activations.Where(a => a.GrainId.Type == userGrainId.Type).ToList();
        Assert.Equal(userGrainId, Assert.Single(users).GrainId);
    }

    private async Task<long> ScalarAsync(string sql, long id)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
