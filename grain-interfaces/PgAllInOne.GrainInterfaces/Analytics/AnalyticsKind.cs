namespace PgAllInOne.GrainInterfaces.Analytics;

public static class AnalyticsKind
{
    public const string Events = "events";
    public const string Metrics = "metrics";
}
