using Microsoft.Extensions.Options;

namespace PgAllInOne.Grains.Compaction;

internal sealed class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        // At least an hour past the day's end: the last seconds of a day still arriving are not moved back and forth.
        if (options.CompressAfter < TimeSpan.FromHours(1) || options.CompressAfter > TimeSpan.FromDays(36_500))
        {
            return ValidateOptionsResult.Fail($"Metrics:CompressAfter must be between one hour and 36500 days (was {options.CompressAfter}).");
        }

        return ValidateOptionsResult.Success;
    }
}
