using System.Text.Json;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.GrainInterfaces.Records;

namespace PgAllInOne.Grains.Records;

internal static class RecordValidation
{
    public static void ValidateId(string id)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > RecordRules.MaxIdLength)
        {
            throw new ValidationException($"id must be 1-{RecordRules.MaxIdLength} characters.");
        }

        TextRules.Check(id, "id");
    }

    public static void Validate(RecordWrite write)
    {
        if (write.Data.ValueKind == JsonValueKind.Undefined)
        {
            throw new ValidationException("data is required.");
        }

        if (System.Text.Encoding.UTF8.GetByteCount(write.Data.GetRawText()) > RecordRules.MaxDataBytes)
        {
            throw new ValidationException($"data must be at most {RecordRules.MaxDataBytes / (1024 * 1024)} MiB of JSON.");
        }

        if (write.Metadata is { ValueKind: not JsonValueKind.Object and not JsonValueKind.Undefined })
        {
            throw new ValidationException("metadata must be a JSON object.");
        }

        JsonValueRules.Check(write.Data, "data");
        JsonValueRules.Check(write.Metadata, "metadata");

        if (write.TtlSeconds is < 1 or > RecordRules.MaxTtlSeconds)
        {
            throw new ValidationException($"ttlSeconds must be between 1 and {RecordRules.MaxTtlSeconds} (ten years).");
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
        if (value is { Length: 0 or > RecordRules.MaxLabelLength })
        {
            throw new ValidationException($"{field} must be 1-{RecordRules.MaxLabelLength} characters when given.");
        }

        TextRules.Check(value, field);
    }
}
