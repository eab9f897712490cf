using System.Text.Json;

namespace PgAllInOne.Runtime.Messaging;

/// <summary>The answer to a <see cref="GrainRequest"/>: a JSON result, or the failing exception's type and message.</summary>
public sealed record GrainResponse(JsonElement? Result, string? ErrorType = null, string? ErrorMessage = null)
{
    public bool IsError => ErrorType is not null;

    public static GrainResponse Failure(Exception exception) => new(null, exception.GetType().FullName, exception.Message);
}
