using System.Text.Json;
using PgAllInOne.GrainInterfaces.Idempotency;

namespace PgAllInOne.GrainInterfaces.Users;

/// <summary>
/// One user (key: the user id, a whole number): profile, events and the counters it owns. An integer key gives every
/// spelling of an id (<c>42</c>, <c>042</c>) one grain, and so one activation writing the user's row.
/// </summary>
[Alias("pgaio.IUserGrain")]
public interface IUserGrain : IGrainWithIntegerKey
{
    /// <summary>The user, or null when there is none with this id.</summary>
    [ReadOnly]
    Task<UserView?> Get();

    /// <summary>Applies a JSON merge patch (RFC 7396) to the profile, if the version is still <paramref name="expectedVersion"/> when given.</summary>
    Task<UserView> PatchProfile(JsonElement mergePatch, long? expectedVersion = null);

    /// <summary>
    /// Appends 1–1000 events; returns how many were stored, once they are durable. With an idempotency key, a repeat of
    /// the key is answered as the first call was and stores nothing more; the key used for other events throws
    /// IdempotencyKeyReusedException.
    /// </summary>
    Task<int> RecordEvents(IReadOnlyList<NewEvent> events, IdempotencyKey? idempotencyKey = null);

    /// <summary>The user's events, newest first, as the query narrows them.</summary>
    [ReadOnly]
    Task<IReadOnlyList<UserEvent>> Events(EventQuery query);
}
