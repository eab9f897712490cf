namespace PgAllInOne.Hosting;

/// <summary>Timings of the Orleans runtime that an operator sets (configuration section "Runtime").</summary>
public sealed class RuntimeOptions
{
    public const string SectionName = "Runtime";

    /// <summary>How long a caller waits for a grain call before it fails with a timeout.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an activation may sit idle before it is collected.</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often idle activations are looked for.</summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);
}
