using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Npgsql;

namespace PgAllInOne.Grains.Rollups;

/// <summary>
/// The hours each source had queued (not yet folded into its rollups) when a read last looked, per database. A read
/// plans these hours raw before it knows what is queued now (<see cref="RollupSnapshot"/>): reading a folded hour raw is
/// still exact, so only a queued hour missing from the guess costs a second look.
/// </summary>
internal sealed class QueuedHoursHint
{
    private static readonly ConditionalWeakTable<NpgsqlDataSource, QueuedHoursHint> PerDatabase = [];

    private readonly Lock gate = new();
    private ImmutableDictionary<string, ImmutableHashSet<DateTimeOffset>> known = ImmutableDictionary<string, ImmutableHashSet<DateTimeOffset>>.Empty;
    private long misses;

    /// <summary>The hint of the database behind <paramref name="dataSource"/>.</summary>
    public static QueuedHoursHint For(NpgsqlDataSource dataSource) => PerDatabase.GetValue(dataSource, static _ => new QueuedHoursHint());

    /// <summary>Reads whose guess left out an hour that was queued, so that they looked again.</summary>
    public long Misses => Interlocked.Read(ref misses);

    /// <summary>The hours of [<paramref name="from"/>, <paramref name="to"/>) last seen queued for <paramref name="source"/>.</summary>
    public IReadOnlySet<DateTimeOffset> Within(string source, DateTimeOffset from, DateTimeOffset to) =>
        known.TryGetValue(source, out var hours) ? hours.Where(h => h >= from && h < to).ToHashSet() : [];

    /// <summary>What a read of [<paramref name="from"/>, <paramref name="to"/>) found queued: it replaces what was known of those hours.</summary>
    public void Learn(string source, DateTimeOffset from, DateTimeOffset to, IReadOnlySet<DateTimeOffset> queued, bool missed)
    {
        if (missed)
        {
            Interlocked.Increment(ref misses);
        }

        lock (gate)
        {
            var hours = known.TryGetValue(source, out var seen) ? seen : [];
            var before = hours.Where(h => h >= from && h < to).ToList();
            if (!queued.SetEquals(before))
            {
                known = known.SetItem(source, hours.Except(before).Union(queued));
            }
        }
    }
}
