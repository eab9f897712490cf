using System.Collections.Immutable;
using PgAllInOne.GrainInterfaces.Analytics;
using PgAllInOne.Grains.Analytics;

namespace PgAllInOne.Tests.Analytics;

/// <summary>Event groups come most events first, ties by key in ordinal order, whatever the counts and the keys' lengths and characters.</summary>
public sealed class PartialMergeTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void EventGroups_AreOrderedByCountThenOrdinalKey(int seed)
    {
        var random = new Random(seed);
        const string alphabet = "019aZé\u4e2d\0";
        var at = new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);
        var keys = Enumerable.Range(0, 3_000)
            .Select(_ => new string([.. Enumerable.Range(0, random.Next(0, 9)).Select(_ => alphabet[random.Next(alphabet.Length)])]))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        // Mostly small counts, so that many groups tie on their count; some as large as a count can be.
        var rows = keys.Select(k => new EventGroupRow(k, random.Next(8) == 0 ? random.NextInt64(1, long.MaxValue) : random.Next(1, 4), at, at)).ToImmutableArray();

        var merged = PartialMerge.Events(AnalyticsQuery.Events("user", at, at.AddDays(1)), [rows]);

        Assert.Equal(rows.OrderByDescending(r => r.Count).ThenBy(r => r.Key, StringComparer.Ordinal), merged);
        var top = PartialMerge.Events(AnalyticsQuery.Events("user", at, at.AddDays(1), top: 40), [rows]);
        Assert.Equal(merged.Take(40), top);
    }
}
