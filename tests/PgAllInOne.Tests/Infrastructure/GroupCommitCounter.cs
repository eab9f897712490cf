using System.Diagnostics.Metrics;
using PgAllInOne.Postgres;

namespace PgAllInOne.Tests.Infrastructure;

/// <summary>Counts group commits of one queue, and the callers they served, from the product's meter while it lives.</summary>
public sealed class GroupCommitCounter : IDisposable
{
    private readonly MeterListener listener = new();
    private long batches;
    private long callers;

    public GroupCommitCounter(string queue)
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PostgresTelemetry.Name && instrument.Name == "pgaio.group_commit.size")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "queue" && Equals(tag.Value, queue))
                {
                    Interlocked.Increment(ref batches);
                    Interlocked.Add(ref callers, value);
                }
            }
        });
        listener.Start();
    }

    public long Batches => Interlocked.Read(ref batches);

    public long Callers => Interlocked.Read(ref callers);

    public void Dispose() => listener.Dispose();
}
