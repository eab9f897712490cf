using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PgAllInOne.Tests.Infrastructure;

/// <summary>
/// Ports for the servers the tests start. They are picked below the system's ephemeral range, which it hands out to
/// sockets bound to port 0 and to every outgoing connection: a port picked there stays free until its server binds it,
/// however long that takes. A port from the ephemeral range (the system's own pick) was taken by someone else's
/// connection in the minutes the README walk-through took before its silo bound it.
/// </summary>
public static class Ports
{
    private const int Span = 10_000;
    private static readonly int First = FirstBelowEphemeral();
    private static readonly HashSet<int> Given = [];

    /// <summary>A loopback port free now and given to no other caller in this process, for a server about to be started on it.</summary>
    public static int Free()
    {
        lock (Given)
        {
            while (true)
            {
                var port = First + Random.Shared.Next(Span);
                if (Given.Add(port) && Bindable(port))
                {
                    return port;
                }
            }
        }
    }

    private static bool Bindable(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    // Linux: /proc/sys/net/ipv4/ip_local_port_range ("32768	60999" by default); the span just below its start.
    private static int FirstBelowEphemeral()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        var low = File.Exists(range) ? int.Parse(File.ReadAllText(range).Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture) : 49152;
        return Math.Max(1024, low - Span);
    }
}
