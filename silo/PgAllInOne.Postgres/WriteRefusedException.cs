namespace PgAllInOne.Postgres;

/// <summary>
/// PostgreSQL refused a value this write carries (or Npgsql could not send it): the write failed alone, the others of
/// its batch committed. The caller's input is at fault, not the database.
/// </summary>
public sealed class WriteRefusedException(string message, Exception inner) : Exception(message, inner);
