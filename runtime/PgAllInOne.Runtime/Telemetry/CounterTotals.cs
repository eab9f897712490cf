using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace PgAllInOne.Runtime.Telemetry;

/// <summary>
/// Running totals of the product's counters (cache hits and misses, rows ingested, group commits…), by instrument and
/// first tag value, for the heartbeat's snapshot: the dashboard turns them into ratios and rates across silos.
/// </summary>
public sealed class CounterTotals : IDisposable
{
    private readonly ConcurrentDictionary<string, long[]> totals = new(StringComparer.Ordinal);
    private readonly MeterListener listener = new();

    public CounterTotals()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument is Counter<long> && instrument.Meter.Name.StartsWith("PgAllInOne", StringComparison.Ordinal) && instrument.Name != "pgaio.grain.calls" && instrument.Name != "pgaio.grain.call.failures")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = tags.Length > 0 && tags[0].Value is string tag ? $"{instrument.Name}:{tag}" : instrument.Name;
            Interlocked.Add(ref totals.GetOrAdd(key, static _ => new long[1])[0], value);
        });
        listener.Start();
    }

    public IReadOnlyDictionary<string, long> Snapshot() =>
        new SortedDictionary<string, long>(totals.ToDictionary(t => t.Key, t => Interlocked.Read(ref t.Value[0])), StringComparer.Ordinal);

    public void Dispose() => listener.Dispose();
}
