using Microsoft.Extensions.Options;
using PgAllInOne.Grains.Maintenance;

namespace PgAllInOne.Hosting;

/// <summary>
/// The commit log's entries must outlive the time a writer may spend asking after a lost commit answer (half of
/// Runtime:ResponseTimeout): an entry purged before its question is asked would make a commit that happened look
/// as if it had not.
/// </summary>
internal sealed class CommitLogRetentionValidator(IOptions<RuntimeOptions> runtime) : IValidateOptions<MaintenanceOptions>
{
    public ValidateOptionsResult Validate(string? name, MaintenanceOptions options)
    {
        var resolveWindow = runtime.Value.ResponseTimeout / 2;
        return options.CommitLogRetention > resolveWindow
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Maintenance:CommitLogRetention ({options.CommitLogRetention}) must be longer than half of Runtime:ResponseTimeout ({resolveWindow}), the time a lost commit answer is looked up.");
    }
}
