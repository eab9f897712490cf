namespace PgAllInOne.Grains.Archive;

/// <summary>An archived day's file is not what was archived: unreadable, not an archive file, or changed since (HTTP 422).</summary>
public sealed class ArchiveFileException(string message, Exception? inner = null) : Exception(message, inner);
