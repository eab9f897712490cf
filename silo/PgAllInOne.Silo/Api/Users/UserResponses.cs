using PgAllInOne.Api.Contracts.Users;
using Grain = PgAllInOne.GrainInterfaces.Users;

namespace PgAllInOne.Silo.Api.Users;

/// <summary>The HTTP contract's users and events, written from the grains' records.</summary>
internal static class UserResponses
{
    public static UserView ToResponse(this Grain.UserView user) =>
        new(user.Id, user.Username, user.Email, user.Profile, user.EventCount, user.Version, user.CreatedAt, user.UpdatedAt);

    public static UserEvent ToResponse(this Grain.UserEvent userEvent) =>
        new(userEvent.Id, userEvent.Type, userEvent.Data, userEvent.Timestamp);
}
