using Microsoft.Extensions.Options;

namespace PgAllInOne.Runtime.Hosting;

internal sealed class GrainRuntimeOptionsValidator : IValidateOptions<GrainRuntimeOptions>
{
    public ValidateOptionsResult Validate(string? name, GrainRuntimeOptions options)
    {
        var errors = new List<string>();
        Positive(options.ResponseTimeout, "Runtime:ResponseTimeout");
        Positive(options.CollectionAge, "Runtime:CollectionAge");
        Positive(options.CollectionQuantum, "Runtime:CollectionQuantum");
        Positive(options.ActivationTimeout, "Runtime:ActivationTimeout");
        Positive(options.DeactivationTimeout, "Runtime:DeactivationTimeout");
        if (options.StateWriteBatchSize is < 1 or > 10_000)
        {
            errors.Add($"Runtime:StateWriteBatchSize must be between 1 and 10000 (was {options.StateWriteBatchSize}).");
        }

        if (options.StateWriteConcurrency is < 1 or > 64)
        {
            errors.Add($"Runtime:StateWriteConcurrency must be between 1 and 64 (was {options.StateWriteConcurrency}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);

        void Positive(TimeSpan value, string key)
        {
            if (value <= TimeSpan.Zero)
            {
                errors.Add($"{key} must be a positive duration (was {value}).");
            }
        }
    }
}
