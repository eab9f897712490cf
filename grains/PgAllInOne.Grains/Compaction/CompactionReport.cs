namespace PgAllInOne.Grains.Compaction;

/// <summary>
/// What one compaction round did: the raw day partitions whose rows it moved into compacted rows, how many readings;
/// <see cref="Deferred"/> the days whose rows moved but whose pages wait for the next round (the truncation's lock was
/// not had within a second). <see cref="Skipped"/> when another silo was compacting.
/// </summary>
public sealed record CompactionReport(bool Skipped, IReadOnlyList<string> Compacted, IReadOnlyList<string> Deferred, long Readings);
