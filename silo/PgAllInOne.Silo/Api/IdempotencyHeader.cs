using System.Security.Claims;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.GrainInterfaces.Idempotency;
using PgAllInOne.Silo.Auth;

namespace PgAllInOne.Silo.Api;

/// <summary>
/// The IETF <c>Idempotency-Key</c> header of a POST that creates or appends: the key, scoped to the API key that sent
/// it (a dashboard session is its key's), so that one client's keys never meet another's.
/// </summary>
internal static class IdempotencyHeader
{
    public const string Name = "Idempotency-Key";

    /// <summary>The request's key (<paramref name="header"/>, as bound), or null when it sends none; a malformed one is a 400.</summary>
    public static IdempotencyKey? Read(string? header, HttpContext context)
    {
        var values = context.Request.Headers[Name];
        if (header is null || values.Count == 0)
        {
            return null;
        }

        if (values.Count > 1)
        {
            throw new ValidationException($"Send one {Name} header, not {values.Count}.");
        }

        // The draft standard makes the key a structured-field string ("…"); a bare token is taken as well.
        var key = values[0]!.Trim();
        if (key.Length >= 2 && key[0] == '"' && key[^1] == '"')
        {
            key = key[1..^1];
        }

        if (!IdempotencyRules.IsValid(key))
        {
            throw new ValidationException(
                $"{Name} must be 1-{IdempotencyRules.MaxKeyLength} visible ASCII characters (letters, digits and punctuation other than '\"' and '\\', no spaces), such as a UUID; got {Describe(key)}.");
        }

        var caller = context.User.FindFirstValue(ApiKeyAuthenticationHandler.KeyIdClaim)
            ?? throw new InvalidOperationException("An idempotent endpoint is reached only with an API key.");
        return new IdempotencyKey("api-key:" + caller, key);
    }

    private static string Describe(string key) =>
        key.Length == 0 ? "an empty value" : key.Length > IdempotencyRules.MaxKeyLength ? $"{key.Length} characters" : $"'{HttpInput.Shorten(new string(key.Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray()))}'";
}
