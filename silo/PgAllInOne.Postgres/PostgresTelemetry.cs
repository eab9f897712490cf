using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace PgAllInOne.Postgres;

/// <summary>The meter of what we add around PostgreSQL: group commits per queue and callers served by each.</summary>
public static class PostgresTelemetry
{
    public const string Name = "PgAllInOne.Postgres";

    private static readonly Meter Meter = new(Name);

    /// <summary>The open group-commit queues, read at each collection: how many writes wait, and how many may.</summary>
    private static readonly ConcurrentDictionary<object, (string Queue, Func<int> Depth, int Capacity)> Queues = new();

    private static readonly Counter<long> GroupCommits = Meter.CreateCounter<long>("pgaio.group_commit.batches", description: "Group commits (one round trip and one commit each), per queue.");

    private static readonly Histogram<long> GroupCommitSize = Meter.CreateHistogram<long>("pgaio.group_commit.size", description: "Callers served by one group commit, per queue.");

    private static readonly Counter<long> LostCommits = Meter.CreateCounter<long>("pgaio.group_commit.lost_answers", description: "Group commits whose answer was lost and that were looked up in the commit log, per queue and outcome (committed, not_committed, unknown).");

    private static readonly Counter<long> StandbyReads = Meter.CreateCounter<long>("pgaio.postgres.standby.reads", description: "Reads served by a standby rather than the primary, per host.");

    // The silos of this process (one, but tests run several): what each last saw of its hosts.
    private static readonly ConcurrentDictionary<PostgresTopology, bool> Topologies = new();

    static PostgresTelemetry()
    {
        // A full queue refuses writes (503): the alert on depth / capacity warns before that.
        Meter.CreateObservableGauge("pgaio.group_commit.queue.depth", () => Queues.Values.Select(q => new Measurement<int>(q.Depth(), Tag(q.Queue))), description: "Writes waiting in a group-commit queue, per queue.");
        Meter.CreateObservableGauge("pgaio.group_commit.queue.capacity", () => Queues.Values.Select(q => new Measurement<int>(q.Capacity, Tag(q.Queue))), description: "Writes a group-commit queue holds before it refuses more, per queue.");
        Meter.CreateObservableGauge("pgaio.postgres.host.role", ObserveRoles, description: "1 for each host of the connection string, tagged with the role it was last found in (primary, standby, unreachable).");
        Meter.CreateObservableGauge("pgaio.postgres.standby.lag", ObserveLags, unit: "s", description: "How far each standby is behind the primary: the time since the primary had written no more than the standby has replayed.");
    }

    internal static void Observe(PostgresTopology topology) => Topologies[topology] = true;

    internal static void Forget(PostgresTopology topology) => Topologies.TryRemove(topology, out _);

    internal static void StandbyRead(string host) => StandbyReads.Add(1, new KeyValuePair<string, object?>("host", host));

    private static IEnumerable<Measurement<int>> ObserveRoles() =>
        Topologies.Keys.SelectMany(t => t.Hosts).Select(h => new Measurement<int>(1, new KeyValuePair<string, object?>("host", h.Host), new KeyValuePair<string, object?>("role", h.Role switch
        {
            HostRole.Primary => "primary",
            HostRole.Standby => "standby",
            _ => "unreachable",
        })));

    private static IEnumerable<Measurement<double>> ObserveLags() =>
        Topologies.Keys.SelectMany(t => t.Hosts).Where(h => h.Lag is not null).Select(h => new Measurement<double>(h.Lag!.Value.TotalSeconds, new KeyValuePair<string, object?>("host", h.Host)));

    internal static void QueueOpened(object queue, string name, Func<int> depth, int capacity) => Queues[queue] = (name, depth, capacity);

    internal static void QueueClosed(object queue) => Queues.TryRemove(queue, out _);

    internal static void LostCommitResolved(string queue, CommitOutcome outcome) =>
        LostCommits.Add(1, Tag(queue), new KeyValuePair<string, object?>("outcome", outcome switch
        {
            CommitOutcome.Committed => "committed",
            CommitOutcome.NotCommitted => "not_committed",
            _ => "unknown",
        }));

    internal static void GroupCommitted(string queue, int callers)
    {
        var tag = Tag(queue);
        GroupCommits.Add(1, tag);
        GroupCommitSize.Record(callers, tag);
    }

    private static KeyValuePair<string, object?> Tag(string queue) => new("queue", queue);
}
