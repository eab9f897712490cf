using Microsoft.Extensions.Options;

namespace PgAllInOne.Silo.Api;

internal sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiOptions options)
    {
        var errors = new List<string>();
        if (options.MaxRequestBodyBytes is < 1024 or > 1024L * 1024 * 1024)
        {
            errors.Add($"Api:MaxRequestBodyBytes must be between 1 KiB and 1 GiB (was {options.MaxRequestBodyBytes}).");
        }

        if (options.RateLimitPerSecond < 1 || options.RateLimitBurst < 1)
        {
            errors.Add($"Api:RateLimitPerSecond and Api:RateLimitBurst must be positive (were {options.RateLimitPerSecond} and {options.RateLimitBurst}).");
        }

        if (options.MaxConcurrentRequests < 1 || options.RequestQueueLimit < 0)
        {
            errors.Add($"Api:MaxConcurrentRequests must be positive and Api:RequestQueueLimit not negative (were {options.MaxConcurrentRequests} and {options.RequestQueueLimit}).");
        }

        if (options.MaxJsonDepth is < 2 or > 256)
        {
            errors.Add($"Api:MaxJsonDepth must be between 2 and 256 (was {options.MaxJsonDepth}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
