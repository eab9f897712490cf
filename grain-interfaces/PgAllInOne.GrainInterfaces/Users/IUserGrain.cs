using System.Text.Json;

namespace PgAllInOne.GrainInterfaces.Users;

/// <summary>One user (key: the user id): profile, events and the counters it owns.</summary>
[Alias("pgaio.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>The user, or null when there is none with this id.</summary>
    [ReadOnly]
    Task<UserView?> Get();

    /// <summary>Applies a JSON merge patch (RFC 7396) to the profile, if the version is still <paramref name="expectedVersion"/> when given.</summary>
    Task<UserView> PatchProfile(JsonElement mergePatch, long? expectedVersion = null);

    /// <summary>Appends 1–1000 events; returns how many were stored, once they are durable.</summary>
    Task<int> RecordEvents(IReadOnlyList<NewEvent> events);

    [ReadOnly]
    Task<IReadOnlyList<UserEvent>> Events(EventQuery query);
}
