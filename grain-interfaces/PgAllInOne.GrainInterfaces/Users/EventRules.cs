namespace PgAllInOne.GrainInterfaces.Users;

/// <summary>The limits of the events <see cref="IUserGrain"/> records and lists, which the HTTP facade states.</summary>
public static class EventRules
{
    /// <summary>Most events one call records; all are stored or none.</summary>
    public const int MaxEventsPerCall = 1000;

    /// <summary>Most characters of an event's type.</summary>
    public const int MaxTypeLength = 100;

    /// <summary>Most events one query lists.</summary>
    public const int MaxLimit = 1000;

    /// <summary>How many events a query lists when it does not say.</summary>
    public const int DefaultLimit = 100;
}
