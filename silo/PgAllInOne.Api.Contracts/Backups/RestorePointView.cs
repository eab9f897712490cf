namespace PgAllInOne.Api.Contracts.Backups;

/// <summary>A named point a restore can stop at (<c>pgaio restore --to-name</c>), with its time and WAL position.</summary>
public sealed record RestorePointView(string Name, DateTimeOffset Time, string Lsn);
