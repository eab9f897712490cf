using System.Diagnostics.Metrics;

namespace PgAllInOne.Postgres;

/// <summary>The meter of what we add around PostgreSQL: group commits per queue and callers served by each.</summary>
public static class PostgresTelemetry
{
    public const string Name = "PgAllInOne.Postgres";

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> GroupCommits = Meter.CreateCounter<long>("pgaio.group_commit.batches", description: "Group commits (one round trip and one commit each), per queue.");

    private static readonly Histogram<long> GroupCommitSize = Meter.CreateHistogram<long>("pgaio.group_commit.size", description: "Callers served by one group commit, per queue.");

    private static readonly Counter<long> LostCommits = Meter.CreateCounter<long>("pgaio.group_commit.lost_answers", description: "Group commits whose answer was lost and that were looked up in the commit log, per queue and outcome (committed, not_committed, unknown).");

    internal static void LostCommitResolved(string queue, CommitOutcome outcome) =>
        LostCommits.Add(1, new KeyValuePair<string, object?>("queue", queue), new KeyValuePair<string, object?>("outcome", outcome switch
        {
            CommitOutcome.Committed => "committed",
            CommitOutcome.NotCommitted => "not_committed",
            _ => "unknown",
        }));

    internal static void GroupCommitted(string queue, int callers)
    {
        var tag = new KeyValuePair<string, object?>("queue", queue);
        GroupCommits.Add(1, tag);
        GroupCommitSize.Record(callers, tag);
    }
}
