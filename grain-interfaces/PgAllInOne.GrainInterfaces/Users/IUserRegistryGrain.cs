namespace PgAllInOne.GrainInterfaces.Users;

/// <summary>Creates users (their ids come from the database); any key, one per silo is enough.</summary>
[Alias("pgaio.IUserRegistryGrain")]
public interface IUserRegistryGrain : IGrainWithStringKey
{
    /// <summary>Creates a user; a taken username or email throws ConflictException and writes nothing.</summary>
    Task<UserView> Create(NewUser user);
}
