namespace PgAllInOne.Grains.Idempotency;

/// <summary>How long idempotency keys are kept (configuration key <c>Api:IdempotencyWindow</c>).</summary>
public sealed class IdempotencyOptions
{
    public const string SectionName = "Api";

    /// <summary>
    /// A repeat of a key within this time of its first use is answered as the first request was; maintenance purges keys
    /// older than this (at its next round), after which a repeat is a new write.
    /// </summary>
    public TimeSpan IdempotencyWindow { get; set; } = TimeSpan.FromHours(24);
}
