namespace PgAllInOne.Silo.Dashboard;

/// <summary>One of the slowest statements by mean time, from pg_stat_statements.</summary>
public sealed record SlowStatement(string Query, long Calls, double MeanMs, double TotalMs);
