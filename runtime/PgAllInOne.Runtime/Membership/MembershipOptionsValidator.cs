using Microsoft.Extensions.Options;

namespace PgAllInOne.Runtime.Membership;

internal sealed class MembershipOptionsValidator : IValidateOptions<MembershipOptions>
{
    public ValidateOptionsResult Validate(string? name, MembershipOptions options)
    {
        if (options.HeartbeatPeriod <= TimeSpan.Zero)
        {
            return ValidateOptionsResult.Fail($"Membership:HeartbeatPeriod must be a positive duration (was {options.HeartbeatPeriod}).");
        }

        if (options.DeathTimeout < 2 * options.HeartbeatPeriod)
        {
            return ValidateOptionsResult.Fail($"Membership:DeathTimeout ({options.DeathTimeout}) must be at least twice Membership:HeartbeatPeriod ({options.HeartbeatPeriod}), or one late heartbeat kills a healthy silo.");
        }

        return ValidateOptionsResult.Success;
    }
}
