using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using PgAllInOne.Runtime.Telemetry;
using PgAllInOne.Tests.Grains;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Runtime;

[Collection(PostgresCollection.Name)]
public sealed class TelemetryTests : IAsyncLifetime, IDisposable
{
    private readonly ConcurrentQueue<Activity> activities = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> measurements = new();
    private readonly ActivityListener activityListener;
    private readonly MeterListener meterListener = new();
    private TestSilo silo = null!;

    private readonly PostgresFixture postgres;

    public TelemetryTests(PostgresFixture postgres)
    {
        this.postgres = postgres;
        activityListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == RuntimeTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => activities.Enqueue(activity),
        };
        ActivitySource.AddActivityListener(activityListener);
        meterListener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == RuntimeTelemetry.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meterListener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        meterListener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        meterListener.Start();
    }

    public async Task InitializeAsync() => silo = await TestSilo.StartAsync(await postgres.CreateDatabaseAsync());

    public async Task DisposeAsync() => await silo.DisposeAsync();

    public void Dispose()
    {
        activityListener.Dispose();
        meterListener.Dispose();
    }

    [Fact]
    public async Task EveryCall_IsAnActivityNamedForItsMethod_ChildOfItsCaller()
    {
        var caller = $"caller-{Guid.NewGuid():N}";
        var callee = $"callee-{Guid.NewGuid():N}";
        using (var listener = new ActivityListener { ShouldListenTo = s => s.Name == "PgAllInOne.Tests", Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded })
        {
            ActivitySource.AddActivityListener(listener);
            using var test = new ActivitySource("PgAllInOne.Tests").StartActivity("test");
            await silo.Grains.GetGrain<ICallChainGrain>(caller).GreetPeer(callee);

            var outer = Assert.Single(activities, a => (string?)a.GetTagItem("grain.id") == $"callchain/{caller}");
            var inner = Assert.Single(activities, a => (string?)a.GetTagItem("grain.id") == $"callchain/{callee}");
            Assert.Equal("ICallChainGrain/GreetPeer", outer.DisplayName);
            Assert.Equal("ICallChainGrain/Hello", inner.DisplayName);
            Assert.Equal(test!.SpanId, outer.ParentSpanId);
            Assert.Equal(outer.SpanId, inner.ParentSpanId);
            Assert.Equal(test.TraceId, inner.TraceId);
        }
    }

    [Fact]
    public async Task Calls_Failures_Durations_AndActivations_AreMetered()
    {
        var grain = silo.Grains.GetGrain<ICallChainGrain>($"metered-{Guid.NewGuid():N}");
        await grain.Hello();
        await grain.Hello();
        await Assert.ThrowsAsync<GrainTestException>(() => grain.Fail("counted"));

        double Sum(string instrument, string method) => measurements
            .Where(m => m.Instrument == instrument && (string?)m.Tags.GetValueOrDefault("method") == method)
            .Sum(m => m.Value);

        Assert.True(Sum("pgaio.grain.calls", "ICallChainGrain/Hello") >= 2);
        Assert.True(Sum("pgaio.grain.call.failures", "ICallChainGrain/Fail") >= 1);
        Assert.Contains(measurements, m => m.Instrument == "pgaio.grain.call.duration" && m.Value >= 0);
        Assert.Contains(measurements, m => m.Instrument == "pgaio.grain.activations" && (string?)m.Tags["grain.type"] == "callchain" && m.Value == 1);
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        measurements.Enqueue((instrument.Name, value, copy));
    }
}
