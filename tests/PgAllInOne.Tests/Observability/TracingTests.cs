using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using PgAllInOne.GrainInterfaces.Users;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Observability;

/// <summary>
/// One trace from an HTTP request on one silo, through the grain call served by another, down to its SQL. The listener
/// hears every activity of the process, other tests' too: the request's is found by its path and its silo's port, the
/// rest by that request's trace and spans.
/// </summary>
[Trait("Category", "EndToEnd")] // two silos behind HTTP (a trace across them); seconds, not milliseconds
public sealed class TracingTests : IClassFixture<PostgresFixture>, IDisposable
{
    private readonly ConcurrentQueue<Activity> activities = new();
    private readonly ActivityListener listener;
    private readonly PostgresFixture postgres;

    public TracingTests(PostgresFixture postgres)
    {
        this.postgres = postgres;
        listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Microsoft.Orleans.Application" or "Npgsql" or "Microsoft.AspNetCore",
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
        // Traces are on when they are exported; the exporter's endpoint is a closed port, the listener here sees the spans.
        var traced = new Dictionary<string, string?> { ["Telemetry:OtlpEndpoint"] = "http://127.0.0.1:9" };
        await using var front = await SiloApp.StartAsync(database, traced);
        await using var back = await SiloApp.StartAsync(database, traced);
        using var http = front.Admin();
        await Eventually.TrueAsync(
            async () => (await http.GetFromJsonAsync<JsonElement>("/api/cluster")).GetProperty("silos").EnumerateArray().Count(s => s.GetProperty("status").GetString() == "active") == 2,
            "both silos to be active");

        // A user whose grain lives on the other silo.
        var grains = front.Services.GetRequiredService<IGrainFactory>();
        var frontSilo = front.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        var management = grains.GetGrain<IManagementGrain>(0);
        long id;
        SiloAddress? owner;
        do
        {
            var created = await http.PostAsJsonAsync("/api/users", new { username = $"traced{Guid.NewGuid():N}"[..20], email = $"{Guid.NewGuid():N}@example.com" });
            id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
            await http.GetAsync($"/api/users/{id}"); // activates it, so that the traced request runs only its own SQL
            owner = await management.GetActivationAddress(grains.GetGrain<IUserGrain>(id));
        }
        while (owner is null || owner.Equals(frontSilo));
        activities.Clear();

        using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/users/{id}/profile") { Content = JsonContent.Create(new { traced = true }) };
        Assert.True((await http.SendAsync(patch)).IsSuccessStatusCode);

        // The request's server activity, on the front silo; every span below it is of its trace.
        bool IsTheRequest(Activity a) => a.Source.Name == "Microsoft.AspNetCore" && a.GetTagItem("url.path") as string == $"/api/users/{id}/profile"
            && Convert.ToInt32(a.GetTagItem("server.port"), System.Globalization.CultureInfo.InvariantCulture) == front.BaseAddress.Port;
        await Eventually.TrueAsync(() => activities.Any(IsTheRequest), "the request's activity to end");
        var request = activities.Single(IsTheRequest);
        var patches = activities.Where(a => a.Source.Name == "Microsoft.Orleans.Application" && a.TraceId == request.TraceId && a.DisplayName.EndsWith("IUserGrain/PatchProfile", StringComparison.Ordinal)).ToList();
        var call = Assert.Single(patches, a => a.Kind == ActivityKind.Client);
        var received = Assert.Single(patches, a => a.Kind == ActivityKind.Server);
        var sql = activities.Where(a => a.Source.Name == "Npgsql" && a.ParentSpanId == received.SpanId).ToList();

        Assert.Equal(request.SpanId, call.ParentSpanId);
        Assert.Equal(call.SpanId, received.ParentSpanId);
        Assert.NotEmpty(sql);
        Assert.All(new[] { call, received }.Concat(sql), a => Assert.Equal(request.TraceId, a.TraceId));
        Assert.Contains("orleans_", await http.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }
}
