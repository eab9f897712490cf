using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.GrainInterfaces.Users;
using PgAllInOne.Silo.Auth;

namespace PgAllInOne.Silo.Api.Users;

public static class UsersApi
{
    public static RouteGroupBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/users").WithTags("Users").RequireAuthorization(ApiRoles.Reader);
        group.MapPost("/", CreateAsync).RequireAuthorization(ApiRoles.Writer).ProducesProblem(409);
        group.MapGet("/{id}", GetAsync).ProducesProblem(404);
        group.MapPatch("/{id}/profile", PatchProfileAsync).RequireAuthorization(ApiRoles.Writer).ProducesProblem(404).ProducesProblem(412);
        group.MapPost("/{id}/events", RecordEventsAsync).RequireAuthorization(ApiRoles.Writer).ProducesProblem(404);
        group.MapGet("/{id}/events", EventsAsync).ProducesProblem(404);
        return group;
    }

    private static async Task<Created<UserView>> CreateAsync(CreateUserRequest request, IGrainFactory grains)
    {
        var user = await grains.GetGrain<IUserRegistryGrain>("http").Create(new NewUser(request.Username ?? "", request.Email ?? "", request.Profile));
        return TypedResults.Created($"/api/users/{user.Id}", user);
    }

    private static async Task<Results<Ok<UserView>, ProblemHttpResult>> GetAsync(string id, IGrainFactory grains) =>
        await User(grains, id).Get() is { } user ? TypedResults.Ok(user) : NotFound(HttpInput.Id(id, "user id"));

    private static async Task<Ok<UserView>> PatchProfileAsync(string id, JsonElement patch, HttpRequest request, IGrainFactory grains) =>
        TypedResults.Ok(await User(grains, id).PatchProfile(patch, HttpInput.IfMatch(request)));

    private static async Task<Created<AcceptedCount>> RecordEventsAsync(string id, JsonElement body, IGrainFactory grains)
    {
        var events = HttpInput.OneOrMany(body, 1_000, e => e.Deserialize(ApiJsonContext.Default.NewEventRequest), "events", BodyShapes.Event)
            .Select(e => new NewEvent(e.Type ?? "", e.Data, e.Timestamp))
            .ToList();
        var accepted = await User(grains, id).RecordEvents(events);
        return TypedResults.Created($"/api/users/{id}/events", new AcceptedCount(accepted));
    }

    private static async Task<Ok<IReadOnlyList<UserEvent>>> EventsAsync(string id, DateTimeOffset? from, DateTimeOffset? to, string? type, int? limit, IGrainFactory grains) =>
        TypedResults.Ok(await User(grains, id).Events(new EventQuery(from, to, type, limit ?? 100)));

    private static IUserGrain User(IGrainFactory grains, string id) =>
        grains.GetGrain<IUserGrain>(HttpInput.Id(id, "user id"));

    private static ProblemHttpResult NotFound(long id) =>
        TypedResults.Problem($"There is no user {id}.", statusCode: 404, title: "Not found");
}
