namespace PgAllInOne.Postgres;

/// <summary>Where the silo's PostgreSQL is: a connection string, or else an embedded server in a data directory.</summary>
public sealed class PostgresDatabaseOptions
{
    /// <summary><c>ConnectionStrings:Postgres</c>; null or empty starts the embedded server.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// <c>ConnectionStrings:PostgresAdmin</c>: the owner, for migrations, partition upkeep and retention; null or empty
    /// uses <see cref="ConnectionString"/> for everything (as one role).
    /// </summary>
    public string? AdminConnectionString { get; set; }

    /// <summary>Where the embedded server keeps its files (<c>Silo:DataDirectory</c>).</summary>
    public string DataDirectory { get; set; } = "./data";

    /// <summary>Connections in the pool, unless the connection string sets its own (<c>Silo:MaxPoolSize</c>).</summary>
    public int MaxPoolSize { get; set; } = 16;

    public string ApplicationName { get; set; } = "pgallinone-silo";
}
