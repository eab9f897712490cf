using Microsoft.OpenApi;
using PgAllInOne.Api.Contracts.Users;
using PgAllInOne.GrainInterfaces.Users;
using PgAllInOne.Silo.Api.OpenApi;
using UserEvent = PgAllInOne.Api.Contracts.Users.UserEvent;
using UserView = PgAllInOne.Api.Contracts.Users.UserView;

namespace PgAllInOne.Silo.Api.Users;

/// <summary>What the users' endpoints accept and answer, as the OpenAPI document and the problem details state it.</summary>
internal static class UsersContract
{
    public static readonly FieldRule Id = FieldRules.Id("The user's id.");

    public static readonly BodyContract NewUser = new(typeof(CreateUserRequest), nameof(CreateUserRequest), "a JSON object {username, email, profile?}", new Dictionary<string, FieldRule>(StringComparer.Ordinal)
    {
        ["username"] = new("Unique, case-insensitively.", JsonSchemaType.String, Required: true, MinLength: UserRules.MinUsernameLength, MaxLength: UserRules.MaxUsernameLength, Pattern: UserRules.UsernamePattern, Example: "\"alice\""),
        ["email"] = new("Unique, case-insensitively; a well-formed address.", JsonSchemaType.String, Format: "email", Required: true, MaxLength: UserRules.MaxEmailLength, Example: "\"alice@example.com\""),
        ["profile"] = FieldRules.Object($"A JSON object of at most {UserRules.MaxJsonBytes / 1024} KiB.", """{"city":"Oslo"}"""),
    }, """{"username":"alice","email":"alice@example.com","profile":{"city":"Oslo"}}""");

    public static readonly BodyContract NewEvent = new(typeof(NewEventRequest), nameof(NewEventRequest), "an event object {type, data?, timestamp?}", new Dictionary<string, FieldRule>(StringComparer.Ordinal)
    {
        ["type"] = FieldRules.Text("What happened.", EventRules.MaxTypeLength, required: true, example: "\"click\""),
        ["data"] = new("Any JSON value, kept as sent.", Example: """{"page":"/"}"""),
        ["timestamp"] = FieldRules.Instant("When it happened; absent: when it is stored.", "\"2026-10-01T12:00:00Z\""),
    }, """{"type":"click","data":{"page":"/"},"timestamp":"2026-10-01T12:00:00Z"}""");

    /// <summary>The events' body: one event or an array of them, read as raw JSON.</summary>
    public static readonly RequestBodyDescription Events = new(
        $"One event, or an array of 1 to {EventRules.MaxEventsPerCall} of them; all are stored or none.",
        (body, document) =>
        {
            var one = new OpenApiSchemaReference(nameof(NewEventRequest), document);
            body.Content = OpenApiContent.Json(
                new OpenApiSchema { OneOf = [one, new OpenApiSchema { Type = JsonSchemaType.Array, Items = one, MinItems = 1, MaxItems = EventRules.MaxEventsPerCall }] },
                """[{"type":"click"},{"type":"view","data":{"page":"/"},"timestamp":"2026-10-01T12:00:00Z"}]""",
                "application/json");
        });

    /// <summary>The profile's merge patch, read as raw JSON.</summary>
    public static readonly RequestBodyDescription ProfilePatch = new(
        $"A JSON merge patch (RFC 7396) of the profile: null removes a field. The profile stays at most {UserRules.MaxJsonBytes / 1024} KiB.",
        (body, _) => body.Content = OpenApiContent.Json(
            new OpenApiSchema { Type = JsonSchemaType.Object, Description = "A JSON merge patch (RFC 7396)." },
            """{"city":null,"lang":"nb"}""",
            "application/merge-patch+json",
            "application/json"));

    public static readonly FieldRule From = FieldRules.Instant("Events at or after this time; absent: from the first.");
    public static readonly FieldRule To = FieldRules.Instant("Events before this time; absent: up to now.");
    public static readonly FieldRule Type = FieldRules.Text("Only events of this type.", EventRules.MaxTypeLength);
    public static readonly FieldRule Limit = FieldRules.Whole("At most this many, newest first.", 1, EventRules.MaxLimit, EventRules.DefaultLimit);

    public static readonly SchemaExample UserView = SchemaExample.For<UserView>("""{"id":1,"username":"alice","email":"alice@example.com","profile":{"city":"Oslo"},"eventCount":4,"version":2,"createdAt":"2026-10-01T12:00:00+00:00","updatedAt":"2026-10-01T12:05:00+00:00"}""");
    public static readonly SchemaExample UserEvent = SchemaExample.For<UserEvent>("""{"id":7,"type":"click","data":{"page":"/"},"timestamp":"2026-10-01T12:00:00+00:00"}""");
}
