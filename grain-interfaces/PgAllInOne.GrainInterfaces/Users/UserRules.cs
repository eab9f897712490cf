namespace PgAllInOne.GrainInterfaces.Users;

/// <summary>The limits of a user that <see cref="IUserRegistryGrain"/> and <see cref="IUserGrain"/> enforce, and the HTTP facade states.</summary>
public static class UserRules
{
    /// <summary>Fewest characters of a username.</summary>
    public const int MinUsernameLength = 3;

    /// <summary>Most characters of a username.</summary>
    public const int MaxUsernameLength = 50;

    /// <summary>The characters of a username: letters, digits, '_', '.' and '-'.</summary>
    public const string UsernamePattern = "^[A-Za-z0-9_.-]+$";

    /// <summary>Most characters of an email address.</summary>
    public const int MaxEmailLength = 100;

    /// <summary>Most bytes of a profile's JSON (and of an event's data).</summary>
    public const int MaxJsonBytes = 64 * 1024;
}
