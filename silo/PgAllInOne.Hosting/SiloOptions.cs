namespace PgAllInOne.Hosting;

/// <summary>The silo's identity in its cluster, its ports and where it keeps its files (configuration section "Silo").</summary>
public sealed class SiloOptions
{
    public const string SectionName = "Silo";

    /// <summary>The Orleans silo-to-silo port; 0 picks a free one.</summary>
    public int Port { get; set; } = 11111;

    /// <summary>The Orleans gateway port that cluster clients connect to; 0 picks a free one.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address (IP or host name) other silos and clients use to reach this one.</summary>
    public string AdvertisedHost { get; set; } = "127.0.0.1";

    /// <summary>Silos sharing a PostgreSQL and a cluster id form one cluster (Orleans' cluster id and service id).</summary>
    public string ClusterId { get; set; } = "default";

    /// <summary>Embedded PostgreSQL data and admin.key; a relative path is taken from the silo process's working directory.</summary>
    public string DataDirectory { get; set; } = "./data";

    /// <summary>Connections the silo may hold open to PostgreSQL, unless the connection string sets its own.</summary>
    public int MaxPoolSize { get; set; } = 16;
}
