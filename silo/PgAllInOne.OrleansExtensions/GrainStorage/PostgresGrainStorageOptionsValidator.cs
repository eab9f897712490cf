using Microsoft.Extensions.Options;

namespace PgAllInOne.OrleansExtensions.GrainStorage;

internal sealed class PostgresGrainStorageOptionsValidator : IValidateOptions<PostgresGrainStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgresGrainStorageOptions options)
    {
        var errors = new List<string>();
        if (options.StateWriteBatchSize is < 1 or > 10_000)
        {
            errors.Add($"Runtime:StateWriteBatchSize must be between 1 and 10000 (was {options.StateWriteBatchSize}).");
        }

        if (options.StateWriteConcurrency is < 1 or > 64)
        {
            errors.Add($"Runtime:StateWriteConcurrency must be between 1 and 64 (was {options.StateWriteConcurrency}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
