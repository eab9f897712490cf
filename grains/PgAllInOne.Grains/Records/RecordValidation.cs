using System.Text.Json;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.GrainInterfaces.Records;

namespace PgAllInOne.Grains.Records;

internal static class RecordValidation
{
    public const int MaxDataBytes = 1024 * 1024;

    public static void ValidateId(string id)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > 200)
        {
            throw new ValidationException("id must be 1-200 characters.");
        }

        TextRules.Check(id, "id");
    }

    public static void Validate(RecordWrite write)
    {
        if (write.Data.ValueKind == JsonValueKind.Undefined)
        {
            throw new ValidationException("data is required.");
        }

        if (System.Text.Encoding.UTF8.GetByteCount(write.Data.GetRawText()) > MaxDataBytes)
        {
            throw new ValidationException("data must be at most 1 MiB of JSON.");
        }

        if (write.Metadata is { ValueKind: not JsonValueKind.Object and not JsonValueKind.Undefined })
        {
            throw new ValidationException("metadata must be a JSON object.");
        }

        JsonValueRules.Check(write.Data, "data");
        JsonValueRules.Check(write.Metadata, "metadata");

        if (write.TtlSeconds is < 1 or > 315_360_000)
        {
            throw new ValidationException("ttlSeconds must be between 1 and 315360000 (ten years).");
        }

        if (write.ExpectedVersion is < 1)
        {
            throw new ValidationException("If-Match must name a version of 1 or more.");
        }

        Short(write.Type, "type");
        Short(write.SessionId, "sessionId");
        Short(write.ThreadId, "threadId");
    }

    public static void Short(string? value, string field)
    {
        if (value is { Length: 0 or > 200 })
        {
            throw new ValidationException($"{field} must be 1-200 characters when given.");
        }

        TextRules.Check(value, field);
    }
}
