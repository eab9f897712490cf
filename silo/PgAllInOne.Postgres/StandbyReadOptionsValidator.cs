using Microsoft.Extensions.Options;

namespace PgAllInOne.Postgres;

/// <summary>Refuses at start a <see cref="StandbyReadOptions"/> that could not work, naming the key.</summary>
public sealed class StandbyReadOptionsValidator : IValidateOptions<StandbyReadOptions>
{
    public ValidateOptionsResult Validate(string? name, StandbyReadOptions options)
    {
        var problems = new List<string>();
        if (options.StandbyReads is not ("prefer" or "off"))
        {
            problems.Add($"Postgres:StandbyReads must be 'prefer' or 'off', not '{options.StandbyReads}'.");
        }

        if (options.MaxStandbyLag <= TimeSpan.Zero)
        {
            problems.Add($"Postgres:MaxStandbyLag must be positive, not {options.MaxStandbyLag}.");
        }

        if (options.HostCheckInterval < TimeSpan.FromMilliseconds(50) || options.HostCheckInterval > TimeSpan.FromSeconds(10))
        {
            problems.Add($"Postgres:HostCheckInterval must be between 00:00:00.05 and 00:00:10, not {options.HostCheckInterval}.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
