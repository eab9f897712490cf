namespace PgAllInOne.Api.Contracts.Backups;

/// <summary>The points in time a restore can reach (null while there is no verified base backup).</summary>
public sealed record RestoreWindowView(DateTimeOffset? Earliest, DateTimeOffset? Latest);
