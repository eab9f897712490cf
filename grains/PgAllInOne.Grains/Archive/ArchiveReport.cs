namespace PgAllInOne.Grains.Archive;

/// <summary>
/// What one archive round did: the days written to files and emptied from PostgreSQL, their readings, and the days left
/// as they were (<see cref="Left"/>: written to meanwhile, their partitions busy, or an earlier file unreadable — tried
/// again next round). <see cref="Skipped"/> when another silo was archiving.
/// </summary>
public sealed record ArchiveReport(bool Skipped, IReadOnlyList<DateOnly> Archived, long Readings, IReadOnlyList<DateOnly> Left);
