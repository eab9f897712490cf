using Microsoft.Extensions.Options;

namespace PgAllInOne.Grains.Analytics;

internal sealed class AnalyticsOptionsValidator : IValidateOptions<AnalyticsOptions>
{
    public ValidateOptionsResult Validate(string? name, AnalyticsOptions options)
    {
        var errors = new List<string>();
        if (options.CacheTtl < TimeSpan.Zero || options.CacheTtl > TimeSpan.FromDays(1))
        {
            errors.Add($"Analytics:CacheTtl must be between 0 and one day (was {options.CacheTtl}).");
        }

        if (options.MaxSlices is < 1 or > 256)
        {
            errors.Add($"Analytics:MaxSlices must be between 1 and 256 (was {options.MaxSlices}).");
        }

        if (options.RedisTimeout < TimeSpan.FromMilliseconds(10) || options.RedisTimeout > TimeSpan.FromSeconds(30))
        {
            errors.Add($"Analytics:RedisTimeout must be between 10 ms and 30 s (was {options.RedisTimeout}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
