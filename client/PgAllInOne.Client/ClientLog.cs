using Microsoft.Extensions.Logging;

namespace PgAllInOne.Client;

internal static partial class ClientLog
{
    [LoggerMessage(EventId = 800, Level = LogLevel.Warning, Message = "Could not reread the cluster membership; keeping the last view")]
    public static partial void MembershipRefreshFailed(this ILogger logger, Exception exception);
}
