namespace PgAllInOne.Postgres.Backups;

/// <summary>Where a restore is: its step, and how much of the step is done (null when that cannot be told).</summary>
public sealed record RestoreProgress(string Step, double? Fraction);
