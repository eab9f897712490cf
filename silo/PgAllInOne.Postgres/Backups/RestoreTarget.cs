namespace PgAllInOne.Postgres.Backups;

/// <summary>Where a restore stops: the end of the backed-up WAL, a point in time, or a named restore point.</summary>
public sealed record RestoreTarget(DateTimeOffset? Time, string? Name)
{
    public static RestoreTarget Latest { get; } = new(null, null);

    public static RestoreTarget At(DateTimeOffset time) => new(time, null);

    public static RestoreTarget Named(string name) => new(null, name);

    public override string ToString() => Time is { } t ? $"time {t:O}" : Name is { } n ? $"restore point {n}" : "the latest WAL";
}
