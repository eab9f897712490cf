using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using PgAllInOne.Postgres;

namespace PgAllInOne.Tests.Infrastructure;

/// <summary>Counts the group commits of one queue whose answer was lost, per outcome the commit log gave, from the product's meter while it lives.</summary>
public sealed class LostCommitCounter : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly ConcurrentDictionary<string, long> outcomes = new();

    public LostCommitCounter(string queue)
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PostgresTelemetry.Name && instrument.Name == "pgaio.group_commit.lost_answers")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? ofQueue = null, outcome = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "queue")
                {
                    ofQueue = tag.Value as string;
                }
                else if (tag.Key == "outcome")
                {
                    outcome = tag.Value as string;
                }
            }

            if (ofQueue == queue && outcome is not null)
            {
                outcomes.AddOrUpdate(outcome, value, (_, n) => n + value);
            }
        });
        listener.Start();
    }

    public long Committed => outcomes.GetValueOrDefault("committed");

    public long NotCommitted => outcomes.GetValueOrDefault("not_committed");

    public long Unknown => outcomes.GetValueOrDefault("unknown");

    public long Total => Committed + NotCommitted + Unknown;

    public override string ToString() => $"{Total} lost commit answers looked up: {Committed} committed, {NotCommitted} not committed, {Unknown} unknown";

    public void Dispose() => listener.Dispose();
}
