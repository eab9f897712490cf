using System.Text.Json;
using System.Text.RegularExpressions;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.GrainInterfaces.Users;

namespace PgAllInOne.Grains.Users;

/// <summary>The rules of API.md for users and events, checked before anything touches the database.</summary>
internal static partial class UserValidation
{
    public const int MaxJsonBytes = 64 * 1024;
    public const int MaxEventsPerCall = 1000;

    public static void Validate(NewUser user)
    {
        if (user.Username is null || !UsernamePattern().IsMatch(user.Username))
        {
            throw new ValidationException("username must be 3-50 characters of letters, digits, '_', '.' or '-'.");
        }

        if (user.Email is null || user.Email.Length > 100 || !EmailPattern().IsMatch(user.Email))
        {
            throw new ValidationException("email must be a well-formed address of at most 100 characters.");
        }

        TextRules.Check(user.Email, "email");
        if (user.Profile is { } profile)
        {
            RequireObject(profile, "profile");
        }
    }

    public static void RequireObject(JsonElement value, string field)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new ValidationException($"{field} must be a JSON object.");
        }

        if (System.Text.Encoding.UTF8.GetByteCount(value.GetRawText()) > MaxJsonBytes)
        {
            throw new ValidationException($"{field} must be at most 64 KiB of JSON.");
        }

        JsonValueRules.Check(value, field);
    }

    /// <summary>The events checked, their timestamps (any RFC 3339 offset) as the UTC instants they name.</summary>
    public static IReadOnlyList<NewEvent> Normalize(IReadOnlyList<NewEvent> events)
    {
        if (events is null || events.Count is 0 or > MaxEventsPerCall)
        {
            throw new ValidationException($"Send 1 to {MaxEventsPerCall} events at once.");
        }

        for (var i = 0; i < events.Count; i++)
        {
            var type = events[i]?.Type;
            if (string.IsNullOrWhiteSpace(type) || type.Length > 100)
            {
                throw new ValidationException($"events[{i}].type must be 1-100 characters.");
            }

            if (events[i].Data is { } data)
            {
                RequireObject(data, $"events[{i}].data");
            }

            TextRules.Check(type, $"events[{i}].type");
        }

        return events.Select(e => e.Timestamp is { } time ? e with { Timestamp = time.ToUniversalTime() } : e).ToList();
    }

    public static void Validate(EventQuery query)
    {
        if (query.Limit is < 1 or > 1000)
        {
            throw new ValidationException("limit must be between 1 and 1000.");
        }

        if (query.From is { } from && query.To is { } to && from >= to)
        {
            throw new ValidationException("from must be before to.");
        }

        if (query.Type is { Length: 0 or > 100 })
        {
            throw new ValidationException("type must be 1-100 characters when given.");
        }

        TextRules.Check(query.Type, "type");
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{3,50}$")]
    private static partial Regex UsernamePattern();

    // Deliberately plain: one @, no spaces, a dot in the domain. Deliverability is the mail server's business.
    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();
}
