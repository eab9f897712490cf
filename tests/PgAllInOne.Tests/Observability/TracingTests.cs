using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PgAllInOne.Runtime.Placement;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Observability;

/// <summary>One trace from an HTTP request on one silo, through the grain call served by another, down to its SQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class TracingTests : IDisposable
{
    private readonly ConcurrentQueue<Activity> activities = new();
    private readonly ActivityListener listener;
    private readonly PostgresFixture postgres;

    public TracingTests(PostgresFixture postgres)
    {
        this.postgres = postgres;
        listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "PgAllInOne.Runtime" or "Npgsql" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
    }

    public void Dispose() => listener.Dispose();

    [Fact]
    public async Task AnHttpRequest_IsOneTrace_AcrossSilos_DownToTheSql()
    {
        var database = await postgres.CreateDatabaseAsync();
        var fast = new Dictionary<string, string?>(TestCluster.FastDetection);
        await using var front = await SiloApp.StartAsync(database, fast);
        await using var back = await SiloApp.StartAsync(database, fast);
        using var http = front.Admin();
        await Eventually.TrueAsync(
            async () => (await http.GetFromJsonAsync<JsonElement>("/api/cluster")).GetProperty("silos").EnumerateArray().Count(s => s.GetProperty("status").GetString() == "active") == 2,
            "both silos to be active");

        // A user whose grain lives on the other silo.
        var router = front.Services.GetRequiredService<GrainRouter>();
        long id;
        do
        {
            var created = await http.PostAsJsonAsync("/api/users", new { username = $"traced{Guid.NewGuid():N}"[..20], email = $"{Guid.NewGuid():N}@example.com" });
            id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        }
        while (router.RemoteOwner(new GrainId("user", id.ToString(CultureInfo.InvariantCulture))) is null);
        await http.GetAsync($"/api/users/{id}"); // activates it there first, so that the traced request runs only its own SQL
        activities.Clear();

        using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/users/{id}/profile") { Content = JsonContent.Create(new { traced = true }) };
        Assert.True((await http.SendAsync(patch)).IsSuccessStatusCode);

        // The only request since the clear: its server activity is the root of the trace.
        await Eventually.TrueAsync(() => activities.Any(a => a.Source.Name == "Microsoft.AspNetCore"), "the request's activity to end");
        var request = activities.Single(a => a.Source.Name == "Microsoft.AspNetCore");
        var received = activities.Single(a => a.DisplayName == "IUserGrain/PatchProfile (received)");
        var call = activities.Single(a => a.DisplayName == "IUserGrain/PatchProfile");
        var sql = activities.Where(a => a.Source.Name == "Npgsql" && a.ParentSpanId == call.SpanId).ToList();

        Assert.Equal(request.SpanId, received.ParentSpanId);
        Assert.Equal(received.SpanId, call.ParentSpanId);
        Assert.NotEmpty(sql);
        Assert.All(new[] { received, call }.Concat(sql), a => Assert.Equal(request.TraceId, a.TraceId));
        Assert.Equal(ActivityKind.Server, received.Kind);
        Assert.Contains("pgaio_silo_messages_total{silo=", await http.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }
}
