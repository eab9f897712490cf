using Microsoft.Extensions.Options;

namespace PgAllInOne.Grains.Idempotency;

internal sealed class IdempotencyOptionsValidator : IValidateOptions<IdempotencyOptions>
{
    public ValidateOptionsResult Validate(string? name, IdempotencyOptions options) =>
        options.IdempotencyWindow < TimeSpan.FromMinutes(1) || options.IdempotencyWindow > TimeSpan.FromDays(365)
            ? ValidateOptionsResult.Fail($"Api:IdempotencyWindow must be between one minute and 365 days (was {options.IdempotencyWindow}): a client retries a write within it.")
            : ValidateOptionsResult.Success;
}
