using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace PgAllInOne.Postgres.Backups;

/// <summary>
/// Builds a new silo data folder from a backup directory alone: the newest verified base backup that ends before the
/// target is verified again and copied, the streamed WAL after it copied into its pg_wal, and a private PostgreSQL
/// replays it up to the target (point-in-time recovery), promotes and stops. A silo started with
/// <c>--Silo:DataDirectory</c> set to that folder then serves it as its embedded PostgreSQL. Everything is checked before
/// anything is written; a failure after that removes what the restore wrote, so nothing else is touched.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class BackupRestore(BackupTool tool)
{
    private const string ServiceAccount = "postgres";
    private static readonly TimeSpan ReplayLimit = TimeSpan.FromHours(6);

    public async Task<RestoreResult> RunAsync(string backupDirectory, string dataDirectory, RestoreTarget target, IProgress<RestoreProgress> progress, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var catalog = new BackupCatalog(backupDirectory, tool);
        var data = Path.GetFullPath(dataDirectory);
        if (!Directory.Exists(catalog.Directory))
        {
            throw new BackupException($"There is no backup directory {catalog.Directory}.");
        }

        if (Directory.Exists(data) && Directory.EnumerateFileSystemEntries(data).Any())
        {
            throw new BackupException($"{data} is not empty; restore into a new or empty folder.");
        }

        var chosen = await ChooseAsync(catalog, target, cancellationToken);
        progress.Report(new RestoreProgress($"verifying base backup {chosen.Id}", null));
        await CheckAsync(catalog, chosen, cancellationToken);

        var created = !Directory.Exists(data);
        Directory.CreateDirectory(data);
        var cluster = EmbeddedPostgres.ClusterDirectoryFor(data);
        if (Directory.Exists(cluster) && Directory.EnumerateFileSystemEntries(cluster).Any())
        {
            if (created)
            {
                Directory.Delete(data);
            }

            throw new BackupException($"{cluster} (where the postgres account keeps this folder's cluster) is not empty.");
        }

        try
        {
            await CopyAsync(catalog, chosen, cluster, progress, cancellationToken);
            var stoppedAt = await ReplayAsync(cluster, target, Path.Combine(catalog.Directory, BackupCatalog.PasswordFile), progress, cancellationToken);
            foreach (var name in new[] { BackupCatalog.PasswordFile, BackupCatalog.AdminKeyFile })
            {
                if (File.Exists(Path.Combine(catalog.Directory, name)))
                {
                    File.Copy(Path.Combine(catalog.Directory, name), Path.Combine(data, name));
                    File.SetUnixFileMode(Path.Combine(data, name), UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }
            }

            var embedded = File.Exists(Path.Combine(catalog.Directory, BackupCatalog.PasswordFile));
            return new RestoreResult(chosen.Id, cluster, stoppedAt, Stopwatch.GetElapsedTime(started), embedded);
        }
        catch
        {
            // Nothing half-restored stays behind: the folder is as it was found.
            DeleteContents(cluster, removeFolder: cluster != Path.Combine(data, "postgres"));
            if (created)
            {
                Directory.Delete(data, recursive: true);
            }
            else
            {
                DeleteContents(data, removeFolder: false);
            }

            throw;
        }
    }

    /// <summary>The base backup a restore to <paramref name="target"/> starts from; refuses a target outside the window.</summary>
    public static async Task<BaseBackupInfo> ChooseAsync(BackupCatalog catalog, RestoreTarget target, CancellationToken cancellationToken)
    {
        var verified = catalog.List().Where(b => b.Verified && b.Finished is not null).ToList();
        if (verified.Count == 0)
        {
            throw new BackupException($"{catalog.Directory} holds no verified base backup.");
        }

        if (target.Name is { } name)
        {
            var point = catalog.RestorePoints().LastOrDefault(p => p.Name == name)
                ?? throw new BackupException($"{catalog.Directory} has no restore point named '{name}'.");
            return verified.LastOrDefault(b => WalFiles.ParseLsn(b.EndLsn!) <= WalFiles.ParseLsn(point.Lsn) && b.Finished <= point.Time)
                ?? throw new BackupException($"The restore point '{name}' ({point.Time:O}) is older than the oldest base backup kept.");
        }

        if (target.Time is { } time)
        {
            var window = await catalog.WindowAsync(cancellationToken);
            if (time < window.Earliest || time > window.Latest)
            {
                throw new BackupException($"{time:O} is outside the restorable window {window.Earliest:O} .. {window.Latest:O}.");
            }

            return verified.Last(b => b.Finished <= time);
        }

        return verified[^1];
    }

    // The base backup is verified again (it may have been damaged since it was taken), and the WAL after it must be whole.
    private async Task CheckAsync(BackupCatalog catalog, BaseBackupInfo chosen, CancellationToken cancellationToken)
    {
        var verified = await tool.RunAsync("pg_verifybackup", ["--quiet", catalog.DataOf(chosen.Id)], cancellationToken: cancellationToken);
        if (verified.ExitCode != 0)
        {
            throw new BackupException($"Base backup {chosen.Id} is broken: {verified.Reason}");
        }

        var segments = catalog.WalSegments().Select(WalFiles.SegmentOf).Where(s => string.CompareOrdinal(s, chosen.StartWalFile) >= 0 && s[..8] == chosen.StartWalFile![..8]).Distinct().ToList();
        var expected = chosen.StartWalFile!;
        foreach (var segment in segments)
        {
            if (segment != expected)
            {
                throw new BackupException($"The WAL in {catalog.WalDirectory} is broken: segment {expected} is missing.");
            }

            expected = WalFiles.Next(expected);
        }

        var end = WalFiles.SegmentName(chosen.Timeline, WalFiles.ParseLsn(chosen.EndLsn!));
        if (segments.Count == 0 || string.CompareOrdinal(segments[^1], end) < 0)
        {
            throw new BackupException($"The WAL in {catalog.WalDirectory} is broken: it ends before base backup {chosen.Id} does ({end}).");
        }
    }

    private static async Task CopyAsync(BackupCatalog catalog, BaseBackupInfo chosen, string cluster, IProgress<RestoreProgress> progress, CancellationToken cancellationToken)
    {
        var source = new DirectoryInfo(catalog.DataOf(chosen.Id));
        var files = source.EnumerateFiles("*", SearchOption.AllDirectories).ToList();
        var wal = catalog.WalSegments().Where(f => string.CompareOrdinal(WalFiles.SegmentOf(f), chosen.StartWalFile) >= 0).ToList();
        var total = files.Sum(f => f.Length) + wal.Sum(f => new FileInfo(Path.Combine(catalog.WalDirectory, f)).Length);
        long copied = 0;
        Directory.CreateDirectory(cluster);
        foreach (var folder in source.EnumerateDirectories("*", SearchOption.AllDirectories))
        {
            // The empty ones too (pg_notify, pg_replslot, ...): the server needs them.
            Directory.CreateDirectory(Path.Combine(cluster, Path.GetRelativePath(source.FullName, folder.FullName)));
        }

        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var target = Path.Combine(cluster, Path.GetRelativePath(source.FullName, file.FullName));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            file.CopyTo(target);
            copied += file.Length;
            progress.Report(new RestoreProgress("copying the base backup and the WAL", (double)copied / total));
        }

        // pg_receivewal's .partial segment holds the newest WAL (with synchronous backups, the last acknowledged commits):
        // it goes into pg_wal under its segment's name, where recovery reads it after the whole ones.
        foreach (var file in wal.Where(f => !f.EndsWith(".partial", StringComparison.Ordinal) || !wal.Contains(WalFiles.SegmentOf(f))))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var from = new FileInfo(Path.Combine(catalog.WalDirectory, file));
            from.CopyTo(Path.Combine(cluster, "pg_wal", WalFiles.SegmentOf(file)), overwrite: true);
            copied += from.Length;
            progress.Report(new RestoreProgress("copying the base backup and the WAL", (double)copied / total));
        }

        foreach (var leftover in new[] { "backup_manifest", "server.log", "postmaster.pid", "postmaster.opts" })
        {
            File.Delete(Path.Combine(cluster, leftover));
        }

        if (EmbeddedPostgres.RunsAsServiceAccount)
        {
            await RequireAsync("chown", ["-R", $"{ServiceAccount}:{ServiceAccount}", cluster], cancellationToken);
            var parent = Path.GetDirectoryName(cluster)!;
            if (parent.StartsWith("/var/lib/pgallinone", StringComparison.Ordinal))
            {
                await RequireAsync("chown", [$"{ServiceAccount}:{ServiceAccount}", parent], cancellationToken);
            }
        }

        File.SetUnixFileMode(cluster, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    // Recovery to the target with the WAL in pg_wal (restore_command has nothing more to give), then promotion; the
    // server is then stopped cleanly and the recovery settings removed, so that the folder starts as a normal cluster.
    private async Task<string?> ReplayAsync(string cluster, RestoreTarget target, string passwordFile, IProgress<RestoreProgress> progress, CancellationToken cancellationToken)
    {
        var autoConf = Path.Combine(cluster, "postgresql.auto.conf");
        var original = File.Exists(autoConf) ? await File.ReadAllLinesAsync(autoConf, cancellationToken) : [];

        var kept = await RestoredSettings.ForAsync(cluster, original, cancellationToken);
        var recovery = new List<string>(kept) { "restore_command = 'false'", "recovery_target_action = 'promote'" };
        if (target.Time is { } time)
        {
            recovery.Add($"recovery_target_time = '{time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)}+00'");
        }
        else if (target.Name is { } name)
        {
            recovery.Add($"recovery_target_name = '{name}'");
        }

        await File.WriteAllLinesAsync(autoConf, recovery, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(cluster, "recovery.signal"), "", cancellationToken);
        if (EmbeddedPostgres.RunsAsServiceAccount)
        {
            await RequireAsync("chown", [$"{ServiceAccount}:{ServiceAccount}", autoConf, Path.Combine(cluster, "recovery.signal")], cancellationToken);
        }

        var log = Path.Combine(cluster, "server.log");
        var port = FreePort();
        // Not waiting for pg_ctl (-W): a server in recovery answers only once consistent; the log says when it has finished.
        var start = await PgCtlAsync(["-D", cluster, "-l", log, "-W", "-o", $"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories=''", "start"], cancellationToken);
        if (start.ExitCode != 0)
        {
            throw new BackupException($"PostgreSQL did not start on the restored folder: {LastProblem(log)}");
        }

        progress.Report(new RestoreProgress("replaying the WAL", null));
        var deadline = Stopwatch.GetTimestamp();
        while (true)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            var text = File.Exists(log) ? await File.ReadAllTextAsync(log, cancellationToken) : "";
            if (text.Contains("database system is ready to accept connections", StringComparison.Ordinal))
            {
                break;
            }

            var status = await PgCtlAsync(["-D", cluster, "status"], cancellationToken);
            if (status.ExitCode != 0 || Stopwatch.GetElapsedTime(deadline) > ReplayLimit)
            {
                await PgCtlAsync(["-D", cluster, "-m", "immediate", "-w", "stop"], CancellationToken.None);
                throw new BackupException($"Recovery did not finish: {LastProblem(log)}");
            }
        }

        await ForgetSilosAsync(passwordFile, port, cancellationToken);
        var stopped = await PgCtlAsync(["-D", cluster, "-m", "fast", "-w", "-t", "60", "stop"], cancellationToken);
        if (stopped.ExitCode != 0)
        {
            throw new BackupException($"PostgreSQL did not stop after the restore: {stopped.Reason}");
        }

        await File.WriteAllLinesAsync(autoConf, kept, cancellationToken);
        var replayed = await File.ReadAllTextAsync(log, cancellationToken);
        return StoppedAt().Matches(replayed).LastOrDefault()?.Groups["what"].Value.Trim();
    }

    // On a backup of the embedded server (its password is kept beside the backups) the silos of the old cluster are
    // removed from the membership; a backup of another server is left as it was.
    private static async Task ForgetSilosAsync(string passwordFile, int port, CancellationToken cancellationToken)
    {
        if (!File.Exists(passwordFile))
        {
            return;
        }

        var connection = new Npgsql.NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = "pgaio",
            Password = (await File.ReadAllTextAsync(passwordFile, cancellationToken)).Trim(),
            Database = new EmbeddedPostgresOptions { DataDirectory = "." }.Database,
            Pooling = false,
        };
        await using var open = new Npgsql.NpgsqlConnection(connection.ConnectionString);
        await open.OpenAsync(cancellationToken);
        await using var forget = new Npgsql.NpgsqlCommand(SqlResource.Own("RestoreForgetSilos.sql"), open);
        await forget.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<ToolResult> PgCtlAsync(string[] arguments, CancellationToken cancellationToken) =>
        EmbeddedPostgres.RunsAsServiceAccount
            ? await new BackupTool("/usr/sbin").RunAsync("runuser", ["-u", ServiceAccount, "--", Path.Combine(tool.BinDirectory, "pg_ctl"), .. arguments], cancellationToken: cancellationToken)
            : await tool.RunAsync("pg_ctl", arguments, cancellationToken: cancellationToken);

    private static async Task RequireAsync(string command, string[] arguments, CancellationToken cancellationToken)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { UseShellExecute = false, RedirectStandardError = true })
            ?? throw new BackupException($"Could not start {command}.");
        var error = await process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new BackupException($"{command} failed: {error.Trim()}");
        }
    }

    private static void DeleteContents(string folder, bool removeFolder)
    {
        if (!Directory.Exists(folder))
        {
            return;
        }

        if (removeFolder)
        {
            Directory.Delete(folder, recursive: true);
            return;
        }

        foreach (var entry in Directory.EnumerateFileSystemEntries(folder))
        {
            if (Directory.Exists(entry))
            {
                Directory.Delete(entry, recursive: true);
            }
            else
            {
                File.Delete(entry);
            }
        }
    }

    private static string LastProblem(string log)
    {
        var lines = File.Exists(log) ? File.ReadAllLines(log) : [];
        return (lines.LastOrDefault(l => l.Contains("FATAL", StringComparison.Ordinal) || l.Contains("PANIC", StringComparison.Ordinal)) ?? lines.LastOrDefault() ?? "no server log").Trim();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // PostgreSQL's words for where recovery stopped: "recovery stopping before commit of transaction 812, time ..." or
    // "last completed transaction was at log time ...".
    [GeneratedRegex(@"LOG:\s+(?<what>(recovery stopping [^\n]*|recovery stopping at restore point [^\n]*|last completed transaction was at log time [^\n]*))")]
    private static partial Regex StoppedAt();
}
