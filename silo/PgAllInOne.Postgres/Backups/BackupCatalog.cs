using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PgAllInOne.Postgres.Backups;

/// <summary>
/// A backup directory as PostgreSQL's own programs fill it, and what it holds:
/// <list type="bullet">
/// <item><c>wal/</c>: the WAL as pg_receivewal streams it (the segment being written ends in <c>.partial</c>);</item>
/// <item><c>base/&lt;id&gt;/data/</c>: a base backup as pg_basebackup writes it (plain format, with its manifest and the WAL of its own span),
/// described by <c>base/&lt;id&gt;/backup.json</c>;</item>
/// <item><c>restore-points.json</c>: the named points set through the API;</item>
/// <item><c>postgres.password</c> and <c>admin.key</c>: the embedded server's password and the first admin key, which a restored
/// data folder needs beside its cluster.</item>
/// </list>
/// Everything a restore needs is here: the catalogue is read from the files, never from the server.
/// </summary>
public sealed partial class BackupCatalog(string directory, BackupTool tool)
{
    public const string PasswordFile = "postgres.password";
    public const string AdminKeyFile = "admin.key";

    public string Directory { get; } = Path.GetFullPath(directory);

    public string WalDirectory => Path.Combine(Directory, "wal");

    public string BaseDirectory => Path.Combine(Directory, "base");

    private string RestorePointsFile => Path.Combine(Directory, "restore-points.json");

    public static string NewId(DateTimeOffset started) => started.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);

    public string DataOf(string id) => Path.Combine(BaseDirectory, id, "data");

    /// <summary>The base backups, oldest first; one without a <c>backup.json</c> is still being taken (or was cut short).</summary>
    public IReadOnlyList<BaseBackupInfo> List()
    {
        if (!System.IO.Directory.Exists(BaseDirectory))
        {
            return [];
        }

        return System.IO.Directory.GetDirectories(BaseDirectory)
            .Select(Path.GetFileName)
            .Where(id => id is not null && BackupId().IsMatch(id))
            .Select(id => Read(id!) ?? new BaseBackupInfo(id!, ParseId(id!), null, 0, false, null, null, 0, null))
            .OrderBy(b => b.Id, StringComparer.Ordinal)
            .ToList();
    }

    public BaseBackupInfo? Read(string id)
    {
        var file = Path.Combine(BaseDirectory, id, "backup.json");
        return File.Exists(file) ? JsonSerializer.Deserialize(File.ReadAllText(file), BackupJsonContext.Default.BaseBackupInfo) : null;
    }

    public void Write(BaseBackupInfo backup) => WriteAtomically(Path.Combine(BaseDirectory, backup.Id, "backup.json"), JsonSerializer.Serialize(backup, BackupJsonContext.Default.BaseBackupInfo));

    /// <summary>The WAL range a finished pg_basebackup wrote in its manifest: (timeline, start LSN, end LSN).</summary>
    public (int Timeline, string StartLsn, string EndLsn) WalRangeOf(string id)
    {
        var manifest = JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(DataOf(id), "backup_manifest")), BackupJsonContext.Default.BackupManifest)
            ?? throw new BackupException($"The manifest of base backup {id} is empty.");
        var range = manifest.WalRanges.Single();
        return (range.Timeline, range.StartLsn, range.EndLsn);
    }

    public IReadOnlyList<RestorePoint> RestorePoints() =>
        File.Exists(RestorePointsFile) ? JsonSerializer.Deserialize(File.ReadAllText(RestorePointsFile), BackupJsonContext.Default.ListRestorePoint) ?? [] : [];

    public void AddRestorePoint(RestorePoint point)
    {
        var points = RestorePoints().ToList();
        points.Add(point);
        WriteAtomically(RestorePointsFile, JsonSerializer.Serialize(points, BackupJsonContext.Default.ListRestorePoint));
    }

    /// <summary>The WAL segment files, in order (a <c>.partial</c> sorts right after its segment's name).</summary>
    public IReadOnlyList<string> WalSegments() =>
        System.IO.Directory.Exists(WalDirectory)
            ? System.IO.Directory.GetFiles(WalDirectory).Select(Path.GetFileName).OfType<string>().Where(WalFiles.IsSegment).Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>From the end of the oldest verified base backup to the last commit found in the streamed WAL.</summary>
    public async Task<RestoreWindow> WindowAsync(CancellationToken cancellationToken = default)
    {
        var oldest = List().FirstOrDefault(b => b.Verified);
        if (oldest?.Finished is null)
        {
            return new RestoreWindow(null, null);
        }

        var latest = await LastCommitAsync(cancellationToken);
        return new RestoreWindow(oldest.Finished, latest is { } l && l >= oldest.Finished ? l : oldest.Finished);
    }

    /// <summary>
    /// The time of the last commit in the streamed WAL, read with pg_waldump from the newest segments (a .partial one is
    /// read from a copy under its segment's name, which pg_waldump requires).
    /// </summary>
    public async Task<DateTimeOffset?> LastCommitAsync(CancellationToken cancellationToken = default)
    {
        foreach (var file in WalSegments().Reverse().Take(3))
        {
            var scratch = Path.Combine(Path.GetTempPath(), $"pgaio-waldump-{Guid.NewGuid():N}");
            System.IO.Directory.CreateDirectory(scratch);
            try
            {
                var copy = Path.Combine(scratch, WalFiles.SegmentOf(file));
                File.Copy(Path.Combine(WalDirectory, file), copy);
                var dump = await tool.RunAsync("pg_waldump", ["--rmgr=Transaction", copy], cancellationToken: cancellationToken);

                // pg_waldump ends with an error where the written WAL ends; the records before it are what counts.
                var last = CommitTime().Matches(dump.Output).LastOrDefault();
                if (last is not null)
                {
                    return DateTimeOffset.ParseExact(last.Groups["time"].Value, ["yyyy-MM-dd HH:mm:ss.FFFFFF", "yyyy-MM-dd HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
                }
            }
            finally
            {
                System.IO.Directory.Delete(scratch, recursive: true);
            }
        }

        return null;
    }

    /// <summary>
    /// Keeps the newest <paramref name="keep"/> verified base backups, the WAL from the first one of them on, and the
    /// restore points after it; removes the rest (older backups, unverified ones older than the newest verified one).
    /// Returns the ids removed.
    /// </summary>
    public IReadOnlyList<string> Prune(int keep)
    {
        var all = List();
        var verified = all.Where(b => b.Verified).ToList();
        if (verified.Count == 0)
        {
            return [];
        }

        var kept = verified.TakeLast(keep).ToList();
        var oldestKept = kept[0];
        var newest = verified[^1];
        var removed = all
            .Where(b => (b.Verified && string.CompareOrdinal(b.Id, oldestKept.Id) < 0) || (!b.Verified && b.Finished is not null && string.CompareOrdinal(b.Id, newest.Id) < 0))
            .Select(b => b.Id)
            .ToList();
        foreach (var id in removed)
        {
            System.IO.Directory.Delete(Path.Combine(BaseDirectory, id), recursive: true);
        }

        if (oldestKept.StartWalFile is { } first)
        {
            foreach (var file in WalSegments().Where(f => string.CompareOrdinal(WalFiles.SegmentOf(f), first) < 0))
            {
                File.Delete(Path.Combine(WalDirectory, file));
            }
        }

        var points = RestorePoints();
        if (oldestKept.Finished is { } earliest && points.Any(p => p.Time < earliest))
        {
            WriteAtomically(RestorePointsFile, JsonSerializer.Serialize(points.Where(p => p.Time >= earliest).ToList(), BackupJsonContext.Default.ListRestorePoint));
        }

        return removed;
    }

    private static DateTimeOffset ParseId(string id) =>
        DateTimeOffset.ParseExact(id, "yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static void WriteAtomically(string path, string content)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }

    [GeneratedRegex(@"^\d{8}T\d{9}Z$")]
    private static partial Regex BackupId();

    [GeneratedRegex(@"desc: COMMIT (?<time>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?) UTC")]
    private static partial Regex CommitTime();
}
