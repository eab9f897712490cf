using System.Diagnostics;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using PgAllInOne.Runtime.Activation;

namespace PgAllInOne.Runtime.Telemetry;

/// <summary>The runtime's ActivitySource and Meter: one Activity per grain call, counters and histograms per method.</summary>
public static class RuntimeTelemetry
{
    public const string Name = "PgAllInOne.Runtime";

    public static readonly ActivitySource ActivitySource = new(Name);

    public static readonly Meter Meter = new(Name);

    internal static readonly Counter<long> Calls = Meter.CreateCounter<long>("pgaio.grain.calls", description: "Grain calls completed, per grain type and method.");

    internal static readonly Counter<long> Failures = Meter.CreateCounter<long>("pgaio.grain.call.failures", description: "Grain calls that ended in an exception.");

    internal static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("pgaio.grain.call.duration", unit: "ms", description: "Time from a call's arrival at its activation to its completion.");

    internal static readonly UpDownCounter<long> Activations = Meter.CreateUpDownCounter<long>("pgaio.grain.activations", description: "Live activations per grain type.");

    internal static readonly Counter<long> GroupCommits = Meter.CreateCounter<long>("pgaio.group_commit.batches", description: "Group commits (one round trip and one commit each), per queue.");

    internal static readonly Histogram<long> GroupCommitSize = Meter.CreateHistogram<long>("pgaio.group_commit.size", description: "Callers served by one group commit, per queue.");

    internal static void GroupCommitted(string queue, int callers)
    {
        var tag = new KeyValuePair<string, object?>("queue", queue);
        GroupCommits.Add(1, tag);
        GroupCommitSize.Record(callers, tag);
    }

    internal static readonly Counter<long> SiloMessages = Meter.CreateCounter<long>("pgaio.silo.messages", description: "Grain call messages between silos and clients, by direction (sent or received).");

    // Catalogs of the silos in this process (tests run several), read by the queue-length gauge.
    private static readonly ConcurrentDictionary<Catalog, byte> Catalogs = new();

    private static readonly ObservableGauge<int> QueueLength = Meter.CreateObservableGauge(
        "pgaio.grain.queue.length",
        () => Catalogs.Keys.SelectMany(c => c.QueueLengths()).GroupBy(q => q.Key).Select(g => new Measurement<int>(g.Sum(q => q.Value), new KeyValuePair<string, object?>("grain.type", g.Key))),
        description: "Calls waiting for or running in activations, per grain type.");

    internal static void Track(Catalog catalog) => Catalogs.TryAdd(catalog, 0);

    internal static void Untrack(Catalog catalog) => Catalogs.TryRemove(catalog, out _);

    internal static void MessageSent() => SiloMessages.Add(1, new KeyValuePair<string, object?>("direction", "sent"));

    internal static void MessageReceived() => SiloMessages.Add(1, new KeyValuePair<string, object?>("direction", "received"));

    internal static bool IsMetered => Calls.Enabled || Duration.Enabled || Failures.Enabled;

    internal static void RecordCall(string grainType, string method, long startTimestamp, bool failed)
    {
        if (startTimestamp == 0)
        {
            return;
        }

        var tags = new TagList { { "grain.type", grainType }, { "method", method } };
        Calls.Add(1, tags);
        Duration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds, tags);
        if (failed)
        {
            Failures.Add(1, tags);
        }
    }

    internal static void ActivationChanged(string grainType, int delta)
    {
        if (Activations.Enabled)
        {
            Activations.Add(delta, new KeyValuePair<string, object?>("grain.type", grainType));
        }
    }
}
