using System.Text.Json;
using System.Text.RegularExpressions;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.GrainInterfaces.Users;

namespace PgAllInOne.Grains.Users;

/// <summary>The rules of API.md for users and events, checked before anything touches the database.</summary>
internal static partial class UserValidation
{
    public static void Validate(NewUser user)
    {
        if (user.Username is not { Length: >= UserRules.MinUsernameLength and <= UserRules.MaxUsernameLength } || !UsernamePattern().IsMatch(user.Username))
        {
            throw new ValidationException($"username must be {UserRules.MinUsernameLength}-{UserRules.MaxUsernameLength} characters of letters, digits, '_', '.' or '-'.");
        }

        if (user.Email is null || user.Email.Length > UserRules.MaxEmailLength || !EmailPattern().IsMatch(user.Email))
        {
            throw new ValidationException($"email must be a well-formed address of at most {UserRules.MaxEmailLength} characters.");
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

        if (System.Text.Encoding.UTF8.GetByteCount(value.GetRawText()) > UserRules.MaxJsonBytes)
        {
            throw new ValidationException($"{field} must be at most {UserRules.MaxJsonBytes / 1024} KiB of JSON.");
        }

        JsonValueRules.Check(value, field);
    }

    /// <summary>The events checked, their timestamps (any RFC 3339 offset) as the UTC instants they name.</summary>
    public static IReadOnlyList<NewEvent> Normalize(IReadOnlyList<NewEvent> events)
    {
        if (events is null || events.Count is 0 or > EventRules.MaxEventsPerCall)
        {
            throw new ValidationException($"Send 1 to {EventRules.MaxEventsPerCall} events at once.");
        }

        for (var i = 0; i < events.Count; i++)
        {
            var type = events[i]?.Type;
            if (string.IsNullOrWhiteSpace(type) || type.Length > EventRules.MaxTypeLength)
            {
                throw new ValidationException($"events[{i}].type must be 1-{EventRules.MaxTypeLength} characters.");
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
        if (query.Limit is < 1 or > EventRules.MaxLimit)
        {
            throw new ValidationException($"limit must be between 1 and {EventRules.MaxLimit}.");
        }

        if (query.From is { } from && query.To is { } to && from >= to)
        {
            throw new ValidationException("from must be before to.");
        }

        if (query.Type is { Length: 0 or > EventRules.MaxTypeLength })
        {
            throw new ValidationException($"type must be 1-{EventRules.MaxTypeLength} characters when given.");
        }

        TextRules.Check(query.Type, "type");
    }

    [GeneratedRegex(UserRules.UsernamePattern)]
    private static partial Regex UsernamePattern();

    // Deliberately plain: one @, no spaces, a dot in the domain. Deliverability is the mail server's business.
    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();
}
