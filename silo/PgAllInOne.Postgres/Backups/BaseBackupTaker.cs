using System.Diagnostics;

namespace PgAllInOne.Postgres.Backups;

/// <summary>
/// Takes one base backup with pg_basebackup (plain format, a fast checkpoint, the WAL of its own span streamed into it,
/// a manifest with checksums) and verifies it with pg_verifybackup right after; <c>backup.json</c> says what was found.
/// </summary>
internal sealed class BaseBackupTaker(BackupTool tool, BackupCatalog catalog, ReplicationConnection connection, TimeProvider time)
{
    public async Task<BaseBackupInfo> TakeAsync(string id, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        var folder = Path.Combine(catalog.BaseDirectory, id);
        Directory.CreateDirectory(folder);
        var data = catalog.DataOf(id);
        try
        {
            var taken = await tool.RunAsync(
                "pg_basebackup",
                ["--pgdata", data, "--format", "plain", "--wal-method", "stream", "--checkpoint", "fast", "--manifest-checksums", "CRC32C", "--no-password", "--dbname", connection.ConnectionString],
                connection.Environment,
                cancellationToken);
            if (taken.ExitCode != 0)
            {
                throw new BackupException($"pg_basebackup failed: {taken.Reason}");
            }

            var finished = time.GetUtcNow();
            var (timeline, startLsn, endLsn) = catalog.WalRangeOf(id);
            var size = new DirectoryInfo(data).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
            var backup = new BaseBackupInfo(id, started, finished, size, false, startLsn, endLsn, timeline, WalFiles.SegmentName(timeline, WalFiles.ParseLsn(startLsn)));
            catalog.Write(backup);

            var verified = await tool.RunAsync("pg_verifybackup", ["--quiet", data], cancellationToken: cancellationToken);
            backup = backup with { Verified = verified.ExitCode == 0 };
            catalog.Write(backup);
            return verified.ExitCode == 0 ? backup : throw new BackupException($"pg_verifybackup found base backup {id} broken: {verified.Reason}");
        }
        catch (Exception exception) when (exception is not BackupException || !File.Exists(Path.Combine(folder, "backup.json")))
        {
            // A backup that was not taken whole leaves nothing behind; one that failed its verification stays, marked unverified.
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    public static double Seconds(long startTimestamp) => Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;
}
