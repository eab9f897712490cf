using System.Text.Json;

namespace PgAllInOne.OrleansExtensions.GrainStorage;

/// <summary>Options of the PostgreSQL grain storage (configuration section "Runtime", as before Orleans).</summary>
public sealed class PostgresGrainStorageOptions
{
    public const string SectionName = "Runtime";

    /// <summary>Most state writes of different grains sent in one round trip and committed together.</summary>
    public int StateWriteBatchSize { get; set; } = 256;

    /// <summary>State write batches in flight at once.</summary>
    public int StateWriteConcurrency { get; set; } = 4;

    /// <summary>How state is written as JSON: camelCase by default, so that <c>state-&gt;&gt;'count'</c> reads a <c>Count</c> property.</summary>
    public JsonSerializerOptions JsonSerializerOptions { get; set; } = new(JsonSerializerDefaults.Web);
}
