using System.Net;
using System.Net.Sockets;

namespace PgAllInOne.Hosting;

/// <summary>Turns <c>Silo:AdvertisedHost</c> (an IP address or a host name) into the addresses Orleans advertises and listens on.</summary>
internal static class AdvertisedAddress
{
    public static IPAddress Resolve(string host)
    {
        if (IPAddress.TryParse(host, out var address))
        {
            return address;
        }

        var addresses = Dns.GetHostAddresses(host);
        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new InvalidOperationException($"Silo:AdvertisedHost '{host}' resolves to no address.");
    }

    /// <summary>A loopback address is listened on as it is (a private silo); any other on every interface (a container or a pod).</summary>
    public static IPAddress ListenOn(IPAddress advertised) =>
        IPAddress.IsLoopback(advertised) ? advertised : advertised.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;

    /// <summary>A port nobody listens on now, for a setting of 0.</summary>
    public static int FreePort(IPAddress address)
    {
        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
