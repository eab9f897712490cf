namespace PgAllInOne.Postgres;

/// <summary>
/// An idempotency key as stored with the write it guards (<see cref="IdempotencyKeys"/>): whose it is, the key, the
/// request it was first used for, and what that request was answered with.
/// </summary>
public sealed record IdempotencyRow(string Scope, string Key, byte[] Fingerprint, string Result, DateTimeOffset CreatedAt);
