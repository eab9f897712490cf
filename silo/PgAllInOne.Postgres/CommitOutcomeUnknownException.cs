namespace PgAllInOne.Postgres;

/// <summary>
/// The connection was lost while a group commit was on its way, and the database could not be asked within the
/// writer's bound whether it committed: the writes may or may not be stored. Retrying is safe only with the same
/// idempotency key.
/// </summary>
public sealed class CommitOutcomeUnknownException(string message, Exception inner) : Exception(message, inner);
