using PgAllInOne.GrainInterfaces.Errors;

namespace PgAllInOne.GrainInterfaces.Idempotency;

/// <summary>What an idempotency key may be.</summary>
public static class IdempotencyRules
{
    /// <summary>Longest key: a UUID is 36 characters, a key made of a file's name and a line number more.</summary>
    public const int MaxKeyLength = 255;

    /// <summary>Longest scope.</summary>
    public const int MaxScopeLength = 200;

    /// <summary>The key checked: 1–255 characters from '!' to '~' (visible ASCII, no space), without '"' or '\'.</summary>
    public static IdempotencyKey Check(IdempotencyKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (string.IsNullOrEmpty(key.Scope) || key.Scope.Length > MaxScopeLength || key.Scope.Any(char.IsControl))
        {
            throw new ValidationException($"An idempotency key's scope must be 1-{MaxScopeLength} characters without control characters.");
        }

        return IsValid(key.Key)
            ? key
            : throw new ValidationException(
                $"Idempotency-Key must be 1-{MaxKeyLength} visible ASCII characters (letters, digits and punctuation other than '\"' and '\\', no spaces), such as a UUID.");
    }

    /// <summary>True for 1–255 characters from '!' to '~' other than '"' and '\'.</summary>
    public static bool IsValid(string? key) =>
        key is { Length: > 0 and <= MaxKeyLength } && key.All(c => c is >= '!' and <= '~' and not '"' and not '\\');
}
