using System.Net;
using System.Net.Sockets;

namespace PgAllInOne.Tests.Infrastructure;

/// <summary>Ports for the servers the tests start.</summary>
public static class Ports
{
    /// <summary>A loopback port free now (the system's pick), for a server about to be started on it.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
