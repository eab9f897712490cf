using Microsoft.Extensions.Options;
using PgAllInOne.Postgres.Backups;

namespace PgAllInOne.Hosting;

internal sealed class BackupOptionsValidator : IValidateOptions<BackupOptions>
{
    public ValidateOptionsResult Validate(string? name, BackupOptions options)
    {
        var errors = new List<string>();
        if (options.Directory is { } directory && directory.Length > 0 && (string.IsNullOrWhiteSpace(directory) || directory.Contains('\'', StringComparison.Ordinal) || directory.Any(char.IsControl)))
        {
            errors.Add($"Backup:Directory must be a folder path without quotes or control characters (was '{directory}').");
        }

        if (options.Interval < TimeSpan.FromMinutes(1) || options.Interval > TimeSpan.FromDays(365))
        {
            errors.Add($"Backup:Interval must be between 00:01:00 and 365.00:00:00 (was {options.Interval}).");
        }

        if (options.Keep is < 1 or > 1000)
        {
            errors.Add($"Backup:Keep must be between 1 and 1000 (was {options.Keep}).");
        }

        if (options.SynchronousTimeout < TimeSpan.FromSeconds(1) || options.SynchronousTimeout > TimeSpan.FromMinutes(5))
        {
            errors.Add($"Backup:SynchronousTimeout must be between 00:00:01 and 00:05:00 (was {options.SynchronousTimeout}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
