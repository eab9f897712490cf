using Microsoft.OpenApi;
using PgAllInOne.GrainInterfaces.Idempotency;
using PgAllInOne.Silo.Api.OpenApi;

namespace PgAllInOne.Silo.Api;

/// <summary>The OpenAPI metadata of the Idempotency-Key header, which every POST that creates or appends takes.</summary>
internal static class IdempotencyContract
{
    public static readonly FieldRule Key = new(
        "IETF Idempotency-Key: a key new for each new write (a UUID, say), sent again with the same write when it is retried. "
        + "A repeat from the same API key within Api:IdempotencyWindow (24 h by default) is answered with the first request's status and body and writes "
        + "nothing more, also after a 503 whose outcome was unknown; a repeat while the first is in flight waits for it; the same key with another "
        + "body or target is 422. 1-255 visible ASCII characters other than '\"' and '\\' (a quoted string is taken without its quotes).",
        JsonSchemaType.String,
        MinLength: 1,
        MaxLength: IdempotencyRules.MaxKeyLength,
        Pattern: "^\"?[!#-\\[\\]-~]{1,255}\"?$",
        Example: "\"8e03978e-40d5-43e8-bc93-6894a57f9324\"");

    /// <summary>Documents the header and its 422 on a creating or appending POST.</summary>
    public static RouteHandlerBuilder WithIdempotencyKey(this RouteHandlerBuilder builder) =>
        builder.WithParameter(IdempotencyHeader.Name, Key).ProducesProblem(422);
}
