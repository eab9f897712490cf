using Microsoft.Extensions.Options;
using PgAllInOne.Grains.Maintenance;

namespace PgAllInOne.Grains.Compaction;

internal sealed class MetricsOptionsValidator(IOptions<MaintenanceOptions>? maintenance = null) : IValidateOptions<MetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        var errors = new List<string>();

        // At least an hour past the day's end: the last seconds of a day still arriving are not moved back and forth.
        if (options.CompressAfter < TimeSpan.FromHours(1) || options.CompressAfter > TimeSpan.FromDays(36_500))
        {
            errors.Add($"Metrics:CompressAfter must be between one hour and 36500 days (was {options.CompressAfter}).");
        }

        if (options.ArchiveDirectory is { Length: > 0 } directory && (string.IsNullOrWhiteSpace(directory) || directory.Any(char.IsControl)))
        {
            errors.Add($"Metrics:ArchiveDirectory must be a folder path without control characters (was '{directory}').");
        }

        if (options.ArchiveAfter is { } archiveAfter)
        {
            var retention = TimeSpan.FromDays(maintenance?.Value.MetricRetentionDays ?? 30);
            if (string.IsNullOrWhiteSpace(options.ArchiveDirectory))
            {
                errors.Add("Metrics:ArchiveAfter needs Metrics:ArchiveDirectory: the folder (shared by every silo) that the archived days' Parquet files are written to.");
            }

            // Archived after compaction (a day is compacted, then archived), and before retention drops it (else nothing would be).
            if (archiveAfter < options.CompressAfter || archiveAfter < TimeSpan.FromHours(1))
            {
                errors.Add($"Metrics:ArchiveAfter must be at least Metrics:CompressAfter ({options.CompressAfter}) and one hour (was {archiveAfter}).");
            }
            else if (archiveAfter >= retention)
            {
                errors.Add($"Metrics:ArchiveAfter must be shorter than Maintenance:MetricRetentionDays ({retention.TotalDays} days), which drops the days before they could be archived (was {archiveAfter}).");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
