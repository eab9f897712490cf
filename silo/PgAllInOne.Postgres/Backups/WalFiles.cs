using System.Globalization;
using System.Text.RegularExpressions;

namespace PgAllInOne.Postgres.Backups;

/// <summary>WAL segment names and positions (16 MiB segments, PostgreSQL's default and the only size initdb is run with here).</summary>
public static partial class WalFiles
{
    private const ulong SegmentSize = 16UL * 1024 * 1024;

    /// <summary>A segment (24 hex digits), whole or as pg_receivewal's .partial of the segment being written.</summary>
    public static bool IsSegment(string fileName) => SegmentName().IsMatch(fileName);

    /// <summary>The segment's own name, without .partial.</summary>
    public static string SegmentOf(string fileName) => fileName[..24];

    public static ulong ParseLsn(string lsn)
    {
        var parts = lsn.Split('/');
        return (ulong.Parse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture) << 32) | ulong.Parse(parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    public static string FormatLsn(ulong lsn) => string.Create(CultureInfo.InvariantCulture, $"{lsn >> 32:X}/{lsn & 0xFFFFFFFF:X}");

    /// <summary>The name of the segment holding <paramref name="lsn"/> on <paramref name="timeline"/>.</summary>
    public static string SegmentName(int timeline, ulong lsn)
    {
        var segment = lsn / SegmentSize;
        var perId = 0x1_0000_0000UL / SegmentSize;
        return string.Create(CultureInfo.InvariantCulture, $"{timeline:X8}{segment / perId:X8}{segment % perId:X8}");
    }

    /// <summary>The segment after <paramref name="segment"/> on its timeline.</summary>
    public static string Next(string segment)
    {
        var timeline = int.Parse(segment[..8], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var number = (ulong.Parse(segment[8..16], NumberStyles.HexNumber, CultureInfo.InvariantCulture) * (0x1_0000_0000UL / SegmentSize)) + ulong.Parse(segment[16..24], NumberStyles.HexNumber, CultureInfo.InvariantCulture) + 1;
        return SegmentName(timeline, number * SegmentSize);
    }

    [GeneratedRegex("^[0-9A-F]{24}(\\.partial)?$")]
    private static partial Regex SegmentName();
}
