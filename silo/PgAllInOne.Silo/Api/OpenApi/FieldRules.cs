using Microsoft.OpenApi;
using PgAllInOne.GrainInterfaces.Devices;

namespace PgAllInOne.Silo.Api.OpenApi;

/// <summary>The kinds of field every feature's contract is made of.</summary>
internal static class FieldRules
{
    public const string Time = "date-time";

    /// <summary>A duration as <see cref="HttpInput.Duration"/> reads it.</summary>
    public const string Duration = "a duration: a whole number and s, m, h or d (30s, 5m, 1h, 1d), or hh:mm:ss";

    /// <summary>A numeric id in the path: a whole number from 1.</summary>
    public static FieldRule Id(string description) => new(description, JsonSchemaType.Integer, "int64", Required: true, Minimum: 1);

    /// <summary>A grain's key in the path, as <see cref="HttpInput.Key"/> reads it.</summary>
    public static FieldRule Key(string description, int maxLength) =>
        new($"{description}: 1-{maxLength} characters, not all blank, without control characters.", JsonSchemaType.String, Required: true, MinLength: 1, MaxLength: maxLength);

    /// <summary>A text field or parameter of 1 to <paramref name="maxLength"/> characters.</summary>
    public static FieldRule Text(string description, int maxLength, bool required = false, string? example = null) =>
        new(description, JsonSchemaType.String, Required: required, MinLength: 1, MaxLength: maxLength, Example: example);

    /// <summary>An RFC 3339 time.</summary>
    public static FieldRule Instant(string description, string? example = null) => new(description, JsonSchemaType.String, Time, Example: example);

    /// <summary>A whole number between <paramref name="minimum"/> and <paramref name="maximum"/>.</summary>
    public static FieldRule Whole(string description, long minimum, long? maximum = null, int? fallback = null, string? example = null) =>
        new(description, JsonSchemaType.Integer, "int32", Minimum: minimum, Maximum: maximum, Default: fallback?.ToString(System.Globalization.CultureInfo.InvariantCulture), Example: example);

    /// <summary>The aggregate of a metric's buckets.</summary>
    public static readonly FieldRule Aggregate = new(
        "The aggregate of each bucket; last is the newest reading (of equal times, the largest).", JsonSchemaType.String, Values: MetricRules.Aggregates, Default: $"\"{MetricRules.DefaultAggregate}\"");

    /// <summary>A JSON object.</summary>
    public static FieldRule Object(string description, string? example = null, string? form = null) => new(description, JsonSchemaType.Object, Example: example, Form: form);
}
