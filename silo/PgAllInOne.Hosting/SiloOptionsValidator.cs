using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace PgAllInOne.Hosting;

internal sealed partial class SiloOptionsValidator : IValidateOptions<SiloOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloOptions options)
    {
        var errors = new List<string>();
        if (options.Port is < 0 or > 65535)
        {
            errors.Add($"Silo:Port must be between 0 and 65535 (was {options.Port}).");
        }

        if (options.GatewayPort is < 0 or > 65535)
        {
            errors.Add($"Silo:GatewayPort must be between 0 and 65535 (was {options.GatewayPort}).");
        }

        if (options.Port != 0 && options.Port == options.GatewayPort)
        {
            errors.Add($"Silo:Port and Silo:GatewayPort must differ (both were {options.Port}).");
        }

        if (string.IsNullOrWhiteSpace(options.AdvertisedHost))
        {
            errors.Add("Silo:AdvertisedHost must name the address other silos and clients use.");
        }

        if (string.IsNullOrEmpty(options.ClusterId) || !ClusterIdPattern().IsMatch(options.ClusterId))
        {
            errors.Add($"Silo:ClusterId must be 1-64 characters of letters, digits, '.', '_' or '-' (was '{options.ClusterId}').");
        }

        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            errors.Add("Silo:DataDirectory must be a folder path.");
        }

        if (options.MaxPoolSize is < 1 or > 1000)
        {
            errors.Add($"Silo:MaxPoolSize must be between 1 and 1000 (was {options.MaxPoolSize}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex ClusterIdPattern();
}
