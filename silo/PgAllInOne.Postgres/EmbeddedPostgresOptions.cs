namespace PgAllInOne.Postgres;

public sealed class EmbeddedPostgresOptions
{
    /// <summary>The silo's data directory: the cluster goes in its "postgres" folder, the password beside it.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Where initdb and pg_ctl are; null searches PATH, then /usr/lib/postgresql/*/bin.</summary>
    public string? BinDirectory { get; init; }

    /// <summary>Folders searched for the binaries when <see cref="BinDirectory"/> is null; null means the defaults.</summary>
    public IReadOnlyList<string>? SearchPath { get; init; }

    public string Database { get; init; } = "pgallinone";

    /// <summary>Extra server settings passed as <c>-c name=value</c>.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();
}
