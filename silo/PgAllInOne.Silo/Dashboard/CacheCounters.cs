using System.Diagnostics.Metrics;
using PgAllInOne.Grains;

namespace PgAllInOne.Silo.Dashboard;

/// <summary>
/// Totals of the query cache's hit and miss counters, listened to in process: cheaper than a collection of the whole
/// MeterProvider on every dashboard refresh. The grains' meter is static, so in a process hosting several silos (tests)
/// the totals are the process's.
/// </summary>
internal sealed class CacheCounters : IDisposable
{
    // The instrument names of GrainsTelemetry (its counters are internal to the grains assembly).
    private const string HitsName = "pgaio.cache.hits";
    private const string MissesName = "pgaio.cache.misses";

    private readonly MeterListener listener = new();
    private long hits;
    private long misses;

    public CacheCounters()
    {
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            if (instrument.Meter.Name == GrainsTelemetry.Name && instrument.Name is HitsName or MissesName)
            {
                meterListener.EnableMeasurementEvents(instrument, this);
            }
        };
        listener.SetMeasurementEventCallback<long>(static (instrument, value, _, state) =>
        {
            var counters = (CacheCounters)state!;
            if (instrument.Name == HitsName)
            {
                Interlocked.Add(ref counters.hits, value);
            }
            else
            {
                Interlocked.Add(ref counters.misses, value);
            }
        });
        listener.Start();
    }

    public CacheStats Read()
    {
        var hit = Interlocked.Read(ref hits);
        var miss = Interlocked.Read(ref misses);
        return new CacheStats(hit, miss, hit + miss == 0 ? null : (double)hit / (hit + miss));
    }

    public void Dispose() => listener.Dispose();
}
