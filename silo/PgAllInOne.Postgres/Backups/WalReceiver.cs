using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace PgAllInOne.Postgres.Backups;

/// <summary>
/// Keeps pg_receivewal streaming the WAL into the backup directory through the replication slot (so that the server
/// keeps whatever it has not received), synchronously (flushing each write and saying so at once) when asked. It runs
/// with --no-loop and is started again here after it stops, so that it never outlives the silo's server for long.
/// </summary>
internal sealed class WalReceiver(BackupTool tool, BackupCatalog catalog, ReplicationConnection connection, bool synchronous, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan RestartPause = TimeSpan.FromSeconds(1);
    private Process? current;

    /// <summary>
    /// Kills the running pg_receivewal (SIGKILL: it takes a stopped or hung process too) so that a new one is started; what
    /// it had reported flushed is in the directory, and the slot keeps the rest on the server.
    /// </summary>
    public void Restart()
    {
        try
        {
            if (Volatile.Read(ref current) is { HasExited: false } process)
            {
                process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // it exited meanwhile: it is being started again anyway
        }
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        Directory.CreateDirectory(catalog.WalDirectory);
        while (!stopping.IsCancellationRequested)
        {
            string[] arguments =
            [
                "--directory", catalog.WalDirectory,
                "--slot", ReplicationConnection.ReceiverName,
                "--no-loop",
                "--no-password",
                "--status-interval", "1",
                "--dbname", connection.ConnectionString,
                .. synchronous ? ["--synchronous"] : Array.Empty<string>(),
            ];
            using var process = tool.Start("pg_receivewal", arguments, connection.Environment);
            Volatile.Write(ref current, process);
            process.StandardInput.Close();
            var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
            _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            try
            {
                await process.WaitForExitAsync(stopping);
            }
            catch (OperationCanceledException)
            {
                await StopAsync(process);
                return;
            }

            var reason = new ToolResult(process.ExitCode, "", await error).Reason;
            logger.WalReceiverStopped(reason, RestartPause.TotalSeconds);
            try
            {
                await Task.Delay(RestartPause, time, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    // SIGTERM: pg_receivewal flushes what it has and exits; a kill follows if it does not.
    private static async Task StopAsync(Process process)
    {
        try
        {
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await process.WaitForExitAsync(grace.Token);
        }
        catch (Exception exception) when (exception is OperationCanceledException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
