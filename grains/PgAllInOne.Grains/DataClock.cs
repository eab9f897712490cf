namespace PgAllInOne.Grains;

/// <summary>
/// The clock of the data features (record TTL, cache expiry, maintenance, default timestamps), a keyed
/// <see cref="TimeProvider"/>: tests move it with a fake one while Orleans' own timers keep real time.
/// </summary>
public static class DataClock
{
    public const string Key = "pgaio.data";
}
