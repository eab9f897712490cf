using Microsoft.Extensions.Options;

namespace PgAllInOne.Grains.Maintenance;

internal sealed class MaintenanceOptionsValidator : IValidateOptions<MaintenanceOptions>
{
    public ValidateOptionsResult Validate(string? name, MaintenanceOptions options)
    {
        var errors = new List<string>();
        if (options.Interval < TimeSpan.FromSeconds(1))
        {
            errors.Add($"Maintenance:Interval must be at least one second (was {options.Interval}).");
        }

        if (options.EventMonthsAhead is < 0 or > 120)
        {
            errors.Add($"Maintenance:EventMonthsAhead must be between 0 and 120 (was {options.EventMonthsAhead}).");
        }

        if (options.MetricDaysAhead is < 0 or > 366)
        {
            errors.Add($"Maintenance:MetricDaysAhead must be between 0 and 366 (was {options.MetricDaysAhead}).");
        }

        if (options.MetricRetentionDays is < 1 or > 36_500)
        {
            errors.Add($"Maintenance:MetricRetentionDays must be between 1 and 36500 (was {options.MetricRetentionDays}).");
        }

        if (options.CommitLogRetention < TimeSpan.FromMinutes(1))
        {
            errors.Add($"Maintenance:CommitLogRetention must be at least one minute (was {options.CommitLogRetention}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
