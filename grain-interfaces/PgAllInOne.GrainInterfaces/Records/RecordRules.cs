namespace PgAllInOne.GrainInterfaces.Records;

/// <summary>The limits of records that <see cref="IRecordGrain"/> and <see cref="IRecordQueryGrain"/> enforce, and the HTTP facade states.</summary>
public static class RecordRules
{
    /// <summary>Longest record id, in characters.</summary>
    public const int MaxIdLength = 200;

    /// <summary>Longest type, session id or thread id, in characters.</summary>
    public const int MaxLabelLength = 200;

    /// <summary>Most bytes of a record's data as JSON.</summary>
    public const int MaxDataBytes = 1024 * 1024;

    /// <summary>The longest time to live: ten years.</summary>
    public const int MaxTtlSeconds = 315_360_000;

    /// <summary>Most records one query returns.</summary>
    public const int MaxQueryLimit = 1000;

    /// <summary>How many records a query returns when it does not say.</summary>
    public const int DefaultQueryLimit = 100;

    /// <summary>The orders of a query; a leading '-' is descending. The first is the default.</summary>
    public static readonly IReadOnlyList<string> Orders = ["-createdAt", "createdAt", "-updatedAt", "updatedAt"];
}
