namespace PgAllInOne.GrainInterfaces.Idempotency;

/// <summary>
/// An idempotency key for a write (an IETF Idempotency-Key): a call that repeats a key of the same <paramref name="Scope"/>
/// is answered with what the first call was, and writes nothing more; the key is stored in the same commit as the
/// write. Over HTTP the scope is the API key; a cluster client names its own (its application, say).
/// </summary>
/// <param name="Scope">Whose keys these are: 1–<see cref="IdempotencyRules.MaxScopeLength"/> characters.</param>
/// <param name="Key">1–<see cref="IdempotencyRules.MaxKeyLength"/> visible ASCII characters (a UUID, say), new for each new write.</param>
[GenerateSerializer, Alias("pgaio.IdempotencyKey")]
[Immutable]
public sealed record IdempotencyKey([property: Id(0)] string Scope, [property: Id(1)] string Key);
