using Microsoft.Extensions.Options;

namespace PgAllInOne.Grains.Audit;

internal sealed class AuditOptionsValidator : IValidateOptions<AuditOptions>
{
    public ValidateOptionsResult Validate(string? name, AuditOptions options) =>
        options.RetentionDays is < 1 or > 36_500
            ? ValidateOptionsResult.Fail($"Audit:RetentionDays must be between 1 and 36500 (was {options.RetentionDays}).")
            : ValidateOptionsResult.Success;
}
