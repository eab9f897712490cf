using PgAllInOne.GrainInterfaces.Idempotency;

namespace PgAllInOne.GrainInterfaces.Users;

/// <summary>Creates users (their ids come from the database); any key, one per silo is enough.</summary>
[Alias("pgaio.IUserRegistryGrain")]
public interface IUserRegistryGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates a user; a taken username or email throws ConflictException and writes nothing. With an idempotency key, a
    /// repeat of the key returns the user as first created.
    /// </summary>
    Task<UserView> Create(NewUser user, IdempotencyKey? idempotencyKey = null);
}
