using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PgAllInOne.Tests.Infrastructure;

/// <summary>A private redis-server (Debian's, installed by test.sh) on a free loopback port, that a test may stop and start again.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process? process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var server = new RedisServer(port);
        await server.StartAgainAsync();
        return server;
    }

    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var argument in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            start.ArgumentList.Add(argument);
        }

        process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start; install it with apt-get install redis-server.");
        _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null); // drained so that the server never blocks on its log
        await Eventually.TrueAsync(Pings, $"redis-server to answer on port {Port}", TimeSpan.FromSeconds(10));
    }

    /// <summary>Suspends the server (SIGSTOP): connections stay open, nothing is answered.</summary>
    public Task FreezeAsync() => SignalAsync("STOP");

    /// <summary>Resumes a suspended server (SIGCONT).</summary>
    public Task ThawAsync() => SignalAsync("CONT");

    /// <summary>Kills the server (SIGKILL), as a crash would: no persistence, so it starts again empty.</summary>
    public async Task StopAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process?.Dispose();
        process = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task SignalAsync(string signal)
    {
        var pid = (process ?? throw new InvalidOperationException("redis-server is not running.")).Id;
        using var kill = Process.Start("kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {pid} failed ({kill.ExitCode}).");
        }
    }

    private bool Pings()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            stream.Write("PING\r\n"u8);
            var buffer = new byte[16];
            var read = stream.Read(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
