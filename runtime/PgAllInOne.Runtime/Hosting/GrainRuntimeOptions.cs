namespace PgAllInOne.Runtime.Hosting;

/// <summary>Timing and batching of the grain runtime (configuration section "Runtime").</summary>
public sealed class GrainRuntimeOptions
{
    public const string SectionName = "Runtime";

    /// <summary>How long a caller waits for a grain call before it fails with a timeout.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an activation may sit idle before it is collected.</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often idle activations are looked for.</summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan ActivationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan DeactivationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most state writes of different grains sent in one round trip and committed together.</summary>
    public int StateWriteBatchSize { get; set; } = 256;

    /// <summary>State write batches in flight at once.</summary>
    public int StateWriteConcurrency { get; set; } = 4;
}
