namespace PgAllInOne.Silo.Api;

/// <summary>Limits of the HTTP facade (configuration section "Api").</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>Largest request body accepted; larger gets 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Requests per second allowed per API key (token bucket); more gets 429 with Retry-After.</summary>
    public int RateLimitPerSecond { get; set; } = 2_000;

    /// <summary>Requests a key may send at once above its rate.</summary>
    public int RateLimitBurst { get; set; } = 4_000;

    /// <summary>API requests the silo works on at once, over all keys; more wait in a queue of <see cref="RequestQueueLimit"/>.</summary>
    public int MaxConcurrentRequests { get; set; } = 256;

    /// <summary>API requests that may wait for a turn; beyond them the silo answers 503 with Retry-After at once.</summary>
    public int RequestQueueLimit { get; set; } = 1_024;

    /// <summary>Deepest JSON nesting accepted in a body.</summary>
    public int MaxJsonDepth { get; set; } = 32;
}
