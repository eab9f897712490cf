using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PgAllInOne.Api.Contracts;
using PgAllInOne.Api.Contracts.Users;
using PgAllInOne.GrainInterfaces.Users;
using PgAllInOne.Silo.Api.OpenApi;
using PgAllInOne.Silo.Auth;
using UserEvent = PgAllInOne.Api.Contracts.Users.UserEvent;
using UserView = PgAllInOne.Api.Contracts.Users.UserView;

namespace PgAllInOne.Silo.Api.Users;

public static class UsersApi
{
    public static RouteGroupBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/users").WithTags("Users").RequireAuthorization(ApiRoles.Reader)
            .WithParameter("id", UsersContract.Id)
            .WithExamples(UsersContract.UserView);
        group.MapPost("/", CreateAsync).RequireAuthorization(ApiRoles.Writer).ProducesProblem(409).WithIdempotencyKey()
            .WithBody(UsersContract.NewUser);
        group.MapGet("/{id}", GetAsync).ProducesProblem(404);
        group.MapPatch("/{id}/profile", PatchProfileAsync).RequireAuthorization(ApiRoles.Writer).ProducesProblem(404).ProducesProblem(412)
            .WithRequestBodyDescription(UsersContract.ProfilePatch);
        group.MapPost("/{id}/events", RecordEventsAsync).RequireAuthorization(ApiRoles.Writer).ProducesProblem(404).WithIdempotencyKey()
            .WithBody(UsersContract.NewEvent)
            .WithRequestBodyDescription(UsersContract.Events)
            .WithExamples(AcceptedCountExample.Example);
        group.MapGet("/{id}/events", EventsAsync).ProducesProblem(404)
            .WithParameter("from", UsersContract.From)
            .WithParameter("to", UsersContract.To)
            .WithParameter("type", UsersContract.Type)
            .WithParameter("limit", UsersContract.Limit)
            .WithExamples(UsersContract.UserEvent);
        return group;
    }

    private static async Task<Created<UserView>> CreateAsync(CreateUserRequest request, [FromHeader(Name = IdempotencyHeader.Name)] string? idempotencyKey, HttpContext context, IGrainFactory grains)
    {
        var key = IdempotencyHeader.Read(idempotencyKey, context);
        var user = await grains.GetGrain<IUserRegistryGrain>("http").Create(new NewUser(request.Username ?? "", request.Email ?? "", request.Profile), key);
        return TypedResults.Created($"/api/users/{user.Id}", user.ToResponse());
    }

    private static async Task<Results<Ok<UserView>, ProblemHttpResult>> GetAsync(string id, IGrainFactory grains) =>
        await User(grains, id).Get() is { } user ? TypedResults.Ok(user.ToResponse()) : NotFound(HttpInput.Id(id, "user id"));

    private static async Task<Ok<UserView>> PatchProfileAsync(string id, JsonElement patch, HttpRequest request, IGrainFactory grains) =>
        TypedResults.Ok((await User(grains, id).PatchProfile(patch, HttpInput.IfMatch(request))).ToResponse());

    private static async Task<Created<AcceptedCount>> RecordEventsAsync(string id, JsonElement body, [FromHeader(Name = IdempotencyHeader.Name)] string? idempotencyKey, HttpContext context, IGrainFactory grains)
    {
        var key = IdempotencyHeader.Read(idempotencyKey, context);
        var events = HttpInput.OneOrMany(body, EventRules.MaxEventsPerCall, e => e.Deserialize(ApiJsonContext.Default.NewEventRequest), "events", UsersContract.NewEvent)
            .Select(e => new NewEvent(e.Type ?? "", e.Data, e.Timestamp))
            .ToList();
        var accepted = await User(grains, id).RecordEvents(events, key);
        return TypedResults.Created($"/api/users/{id}/events", new AcceptedCount(accepted));
    }

    private static async Task<Ok<IReadOnlyList<UserEvent>>> EventsAsync(string id, DateTimeOffset? from, DateTimeOffset? to, string? type, int? limit, IGrainFactory grains)
    {
        var events = await User(grains, id).Events(new EventQuery(from, to, type, limit ?? EventRules.DefaultLimit));
        return TypedResults.Ok<IReadOnlyList<UserEvent>>(events.Select(e => e.ToResponse()).ToList());
    }

    private static IUserGrain User(IGrainFactory grains, string id) =>
        grains.GetGrain<IUserGrain>(HttpInput.Id(id, "user id"));

    private static ProblemHttpResult NotFound(long id) =>
        TypedResults.Problem($"There is no user {id}.", statusCode: 404, title: "Not found");
}
