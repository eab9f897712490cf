using Microsoft.Extensions.Options;

namespace PgAllInOne.Grains.Rollups;

internal sealed class RollupOptionsValidator : IValidateOptions<RollupOptions>
{
    public ValidateOptionsResult Validate(string? name, RollupOptions options)
    {
        var errors = new List<string>();
        if (options.Interval < TimeSpan.FromSeconds(1))
        {
            errors.Add($"Rollups:Interval must be at least one second (was {options.Interval}).");
        }

        if (options.Lag < TimeSpan.Zero || options.Lag > TimeSpan.FromDays(7))
        {
            errors.Add($"Rollups:Lag must be between zero and 7 days (was {options.Lag}).");
        }

        if (options.MaxHoursPerRound is < 1 or > 100_000)
        {
            errors.Add($"Rollups:MaxHoursPerRound must be between 1 and 100000 (was {options.MaxHoursPerRound}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
