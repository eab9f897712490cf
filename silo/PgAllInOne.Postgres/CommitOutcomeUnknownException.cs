namespace PgAllInOne.Postgres;

/// <summary>
/// The connection was lost while a group commit was on its way, and the database could not be asked within the
/// writer's bound whether it committed: the writes may or may not be stored, and sending them again blindly may
/// store them twice.
/// </summary>
public sealed class CommitOutcomeUnknownException(string message, Exception inner) : Exception(message, inner);
