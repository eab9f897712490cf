using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PgAllInOne.Postgres;
using PgAllInOne.Tests.Cli;
using PgAllInOne.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PgAllInOne.Tests.Backups;

/// <summary>
/// Restore drills on a real silo process with its embedded PostgreSQL and synchronous backups: acknowledged events,
/// metric readings and records are written, a time T noted and a restore point set, more is written; then the silo and
/// its PostgreSQL are killed (-9) and the data folder deleted. pgaio restore builds new data folders from the backup
/// directory alone: to T and to the restore point they hold exactly the writes acknowledged before, none after;
/// --latest holds every acknowledged write, is served by a silo started on it, and pg_amcheck finds it clean. A restore
/// into a folder that is not empty, to a time outside the window, or from a broken backup is refused with one line and
/// exit code 1, touching nothing.
/// </summary>
[Trait("Category", "EndToEnd")] // beside other classes: the server it kills is its own, and its restores' times are reported, not bounded
public sealed class RestoreDrillTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder root = new("pgaio-drill");

    [Fact]
    public async Task ARestore_HoldsExactlyTheAcknowledgedWrites_BeforeItsTarget_AndEveryOneWithLatest()
    {
        var data = Path.Combine(root.Path, "data");
        var backups = Path.Combine(root.Path, "backups");
        Directory.CreateDirectory(root.Path);
        Written before, after;
        DateTimeOffset t;
        using (var silo = new EmbeddedSiloProcess(data, $"--Backup:Directory={backups}", "--Backup:Synchronous=true"))
        {
            await silo.WaitUntilReadyAsync();
            using var http = silo.Http();
            await Eventually.TrueAsync(async () => (await http.GetFromJsonAsync<JsonElement>("/api/backups")).GetProperty("backups").EnumerateArray().Any(b => b.GetProperty("verified").GetBoolean()), "a verified base backup", TimeSpan.FromSeconds(60));

            // The admin key, written once the silo is up (perhaps after its first base backup), is kept beside the backups.
            var adminKey = await File.ReadAllTextAsync(Path.Combine(data, "admin.key"));
            await Eventually.TrueAsync(() => File.Exists(Path.Combine(backups, "admin.key")) && File.ReadAllText(Path.Combine(backups, "admin.key")) == adminKey, "the admin key beside the backups", TimeSpan.FromSeconds(10));

            before = await DrillWrites.WriteAsync(http, "before");
            var point = await http.PostAsJsonAsync("/api/backups/restore-points", new { name = "drill-point" });
            Assert.Equal(HttpStatusCode.Created, point.StatusCode);
            t = DateTimeOffset.UtcNow;
            await Task.Delay(50);
            after = await DrillWrites.WriteAsync(http, "after");

            var list = await http.GetFromJsonAsync<JsonElement>("/api/backups");
            var window = list.GetProperty("window");
            Assert.True(window.GetProperty("earliest").GetDateTimeOffset() < t && window.GetProperty("latest").GetDateTimeOffset() > t, list.ToString());
            Assert.Contains("drill-point", list.GetProperty("restorePoints").EnumerateArray().Select(p => p.GetProperty("name").GetString()));

            await silo.KillWithPostgresAsync();
        }

        Directory.Delete(data, recursive: true);
        output.WriteLine($"acknowledged before T: {before}; after T: {after}");

        var toTime = await RestoreAsync("to-time", "--to-time", t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        Assert.Equal(before, await ReadAsync(toTime));

        var toName = await RestoreAsync("to-name", "--to-name", "drill-point");
        Assert.Equal(before, await ReadAsync(toName));

        var latest = await RestoreAsync("latest", "--latest");
        Assert.Equal(before + after, await ReadAsync(latest, amcheck: true));

        // A silo started on the restored folder serves it as its embedded PostgreSQL.
        using (var restored = new EmbeddedSiloProcess(latest))
        {
            await restored.WaitUntilReadyAsync();
            using var http = restored.Http();
            var user = await http.GetFromJsonAsync<JsonElement>($"/api/users/{after.UserIds[0]}");
            Assert.Equal(after.EventsPerUser, user.GetProperty("eventCount").GetInt32());
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/records/after-record-0")).StatusCode);
            await restored.TerminateAsync();
        }

        await RefusalsAsync(backups, latest, t);
    }

    public void Dispose() => root.Dispose();

    private async Task RefusalsAsync(string backups, string restored, DateTimeOffset t)
    {
        var before = Directory.GetFileSystemEntries(restored, "*", SearchOption.AllDirectories).Length;
        await RefusedAsync(["restore", "--backup-dir", backups, "--data-dir", restored, "--latest"], "is not empty");
        Assert.Equal(before, Directory.GetFileSystemEntries(restored, "*", SearchOption.AllDirectories).Length);

        var fresh = Path.Combine(root.Path, "refused");
        await RefusedAsync(["restore", "--backup-dir", backups, "--data-dir", fresh, "--to-time", t.AddDays(-1).ToString("O", CultureInfo.InvariantCulture)], "outside the restorable window");
        Assert.False(Directory.Exists(fresh));

        // A flipped byte in a file of the newest base backup: pg_verifybackup's checksum finds it.
        var newest = Directory.GetDirectories(Path.Combine(backups, "base")).Order(StringComparer.Ordinal).Last();
        var victim = Path.Combine(newest, "data", "global", "pg_control");
        var bytes = await File.ReadAllBytesAsync(victim);
        bytes[100] ^= 0xFF;
        await File.WriteAllBytesAsync(victim, bytes);
        await RefusedAsync(["restore", "--backup-dir", backups, "--data-dir", fresh, "--latest"], "is broken");
        Assert.False(Directory.Exists(fresh));
    }

    private async Task RefusedAsync(string[] args, string reason)
    {
        var run = await CliRunner.RunRawAsync(args);
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(run.ExitCode == 1 && lines.Length == 1 && lines[0].StartsWith("error: ", StringComparison.Ordinal) && lines[0].Contains(reason, StringComparison.Ordinal), run.ToString());
        output.WriteLine($"refused: {lines[0]}");
    }

    private Task<string> RestoreAsync(string name, params string[] target) =>
        DrillWrites.RestoreAsync(Path.Combine(root.Path, "backups"), Path.Combine(root.Path, name), "serve it with: --Silo:DataDirectory=", output, target);

    // What the restored data folder holds, read from its own PostgreSQL started as the silo starts it.
    private async Task<Written> ReadAsync(string dataDirectory, bool amcheck = false)
    {
        await using var server = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = dataDirectory }, NullLogger.Instance);
        await using var source = NpgsqlDataSource.Create(server.ConnectionString);
        var written = await DrillWrites.ReadAsync(source);
        if (amcheck)
        {
            var connection = new NpgsqlConnectionStringBuilder(server.ConnectionString);
            var check = Process.Start(new ProcessStartInfo(Path.Combine(EmbeddedPostgres.FindBinDirectory()!, "pg_amcheck"), ["--host", "127.0.0.1", "--port", connection.Port.ToString(CultureInfo.InvariantCulture), "--username", connection.Username!, "--install-missing", "--heapallindexed", "--all"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Environment = { ["PGPASSWORD"] = connection.Password },
            })!;
            var text = await check.StandardOutput.ReadToEndAsync() + await check.StandardError.ReadToEndAsync();
            await check.WaitForExitAsync();
            Assert.True(check.ExitCode == 0 && text.Trim().Length == 0, $"pg_amcheck exit {check.ExitCode}: {text}");
            output.WriteLine("pg_amcheck --heapallindexed --all: clean");
        }

        return written;
    }
}
