namespace PgAllInOne.Silo;

/// <summary>
/// The event ids of this assembly's log messages, all in one place so that none is used twice. The silo executable logs
/// with ids 2000–2999 (20xx the API keys and the dashboard's sessions, 21xx the HTTP facade's answers); the libraries
/// below it keep to ranges of their own.
/// </summary>
internal static class LogEvents
{
    public const int AdminKeyCreated = 2000;

    public const int DashboardSessionRefused = 2010;
    public const int DashboardSessionOpened = 2011;
    public const int DashboardSessionClosed = 2012;

    public const int RequestFailed = 2100;
    public const int RequestUnavailable = 2101;
}
