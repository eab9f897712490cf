using Microsoft.Extensions.Options;

namespace PgAllInOne.Hosting;

internal sealed class RuntimeOptionsValidator : IValidateOptions<RuntimeOptions>
{
    public ValidateOptionsResult Validate(string? name, RuntimeOptions options)
    {
        var errors = new List<string>();
        Positive(options.ResponseTimeout, "Runtime:ResponseTimeout");
        Positive(options.CollectionAge, "Runtime:CollectionAge");
        Positive(options.CollectionQuantum, "Runtime:CollectionQuantum");
        if (options.CollectionAge <= options.CollectionQuantum)
        {
            errors.Add($"Runtime:CollectionAge ({options.CollectionAge}) must be longer than Runtime:CollectionQuantum ({options.CollectionQuantum}).");
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
