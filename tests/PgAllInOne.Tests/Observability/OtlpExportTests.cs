using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Observability;

/// <summary>Telemetry:OtlpEndpoint: traces are recorded (and exported) only when it is set, and it must be an absolute URI.</summary>
public sealed class OtlpExportTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task WithAnOtlpEndpoint_TheSiloHasATracerProvider_AndStillServesMetrics()
    {
        // A loopback port nothing listens on: exports fail quietly, the silo is unaffected.
        await using var app = await SiloApp.StartAsync(await postgres.CreateDatabaseAsync(), new Dictionary<string, string?> { ["Telemetry:OtlpEndpoint"] = "http://127.0.0.1:9" });
        Assert.NotNull(app.Services.GetService<TracerProvider>());
        using var http = app.Admin();
        Assert.Contains("orleans_", await http.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutAnOtlpEndpoint_NoSpansAreRecorded()
    {
        await using var app = await SiloApp.StartAsync(await postgres.CreateDatabaseAsync());
        Assert.Null(app.Services.GetService<TracerProvider>());
    }

    [Fact]
    public async Task ARelativeOtlpEndpoint_StopsTheSiloAtStart()
    {
        var database = await postgres.CreateDatabaseAsync();
        var failure = await Assert.ThrowsAnyAsync<Exception>(async () => await (await SiloApp.StartAsync(database, new Dictionary<string, string?> { ["Telemetry:OtlpEndpoint"] = "collector/v1/traces" })).DisposeAsync());
        Assert.IsType<OptionsValidationException>(failure.GetBaseException());
        Assert.Contains("Telemetry:OtlpEndpoint", failure.GetBaseException().Message, StringComparison.Ordinal);
    }
}
