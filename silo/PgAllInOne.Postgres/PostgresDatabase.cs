using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace PgAllInOne.Postgres;

/// <summary>
/// The silo's one PostgreSQL: the configured connection string, or an embedded server in the data directory. Its
/// <see cref="NpgsqlDataSource"/> and connection string exist from construction (nothing connects until used), so a
/// host can be configured with them; <see cref="StartAsync"/> starts the embedded server and applies the migrations.
/// With several hosts (<c>Host=a:5432,b:5432</c>) the data source reaches whichever is the primary (<see cref="PostgresHosts"/>).
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    /// <summary>The service key of the admin (owner) data source: migrations, partition upkeep, retention.</summary>
    public const string AdminKey = "pgaio-admin";

    private readonly ILoggerFactory loggerFactory;
    private EmbeddedPostgres? embedded;
    private NpgsqlDataSource? dataSource;
    private NpgsqlDataSource? adminDataSource;

    public PostgresDatabase(IOptions<PostgresDatabaseOptions> options, ILoggerFactory loggerFactory)
    {
        this.loggerFactory = loggerFactory;
        var configured = options.Value.ConnectionString;
        var admin = options.Value.AdminConnectionString;
        if (string.IsNullOrWhiteSpace(configured) && !string.IsNullOrWhiteSpace(admin))
        {
            throw new InvalidOperationException("ConnectionStrings:PostgresAdmin is set without ConnectionStrings:Postgres: set both (owner and serving role) or only ConnectionStrings:Postgres.");
        }

        if (string.IsNullOrWhiteSpace(configured))
        {
            if (OperatingSystem.IsWindows())
            {
                throw new PlatformNotSupportedException("The embedded PostgreSQL runs on Linux and macOS; on Windows set ConnectionStrings:Postgres.");
            }

            embedded = EmbeddedPostgres.Prepare(new EmbeddedPostgresOptions { DataDirectory = options.Value.DataDirectory }, loggerFactory.CreateLogger<EmbeddedPostgres>());
            configured = embedded.ServingConnectionString;
            admin = embedded.ConnectionString;
        }

        var connection = new NpgsqlConnectionStringBuilder(configured);
        if (connection.MaxPoolSize == new NpgsqlConnectionStringBuilder().MaxPoolSize)
        {
            // Npgsql's default of 100 oversubscribes a small server; a small pool keeps PostgreSQL busy without thrashing.
            connection.MaxPoolSize = options.Value.MaxPoolSize;
        }

        connection.ApplicationName ??= options.Value.ApplicationName;
        PostgresHosts.ToPrimary(connection);
        if (connection.MaxAutoPrepare == 0)
        {
            connection.MaxAutoPrepare = 64;
        }

        ConnectionString = connection.ConnectionString;
        var builder = new NpgsqlDataSourceBuilder(ConnectionString);
        builder.UseLoggerFactory(loggerFactory);

        // Names the pool in Npgsql's metrics and traces (else it is the whole connection string).
        builder.Name = options.Value.ApplicationName;
        dataSource = builder.Build();

        // The owner's pool is small and mostly idle: a migration run at start, a maintenance round an hour.
        AdminConnectionString = string.IsNullOrWhiteSpace(admin)
            ? ConnectionString
            : AdminConnection(admin, options.Value.ApplicationName + "-admin");
        adminDataSource = AdminConnectionString == ConnectionString
            ? dataSource
            : new NpgsqlDataSourceBuilder(AdminConnectionString) { Name = options.Value.ApplicationName + "-admin" }.UseLoggerFactory(loggerFactory).Build();
    }

    public NpgsqlDataSource DataSource => dataSource ?? throw new ObjectDisposedException(nameof(PostgresDatabase));

    /// <summary>The owner's (ConnectionStrings:PostgresAdmin); the serving one when only ConnectionStrings:Postgres is set.</summary>
    public NpgsqlDataSource AdminDataSource => adminDataSource ?? throw new ObjectDisposedException(nameof(PostgresDatabase));

    public bool IsEmbedded => embedded is not null;

    public string AdminConnectionString { get; }

    public string ConnectionString { get; }

    /// <summary>True once the schema is up to date.</summary>
    public bool MigrationsApplied { get; private set; }

    /// <summary>Starts the embedded server (if any) and applies what is missing of sql/.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (embedded is not null)
        {
            await embedded.StartAsync(cancellationToken);
        }

        try
        {
            await new MigrationRunner(AdminDataSource, loggerFactory.CreateLogger<MigrationRunner>()).ApplyAsync(cancellationToken);
            if (!ReferenceEquals(AdminDataSource, DataSource))
            {
                await ServingRole.GrantAsync(AdminDataSource, new NpgsqlConnectionStringBuilder(ConnectionString).Username, loggerFactory.CreateLogger<ServingRole>(), cancellationToken);
            }
        }
        catch (Exception exception) when (PostgresCertificateException.IsCertificateRefusal(exception))
        {
            // A server that is not the one configured is no passing fault: the silo stops, saying which server and why.
            throw await PostgresCertificateException.ExplainAsync(AdminConnectionString, exception, cancellationToken);
        }

        MigrationsApplied = true;
    }

    private static string AdminConnection(string admin, string applicationName)
    {
        var connection = new NpgsqlConnectionStringBuilder(admin) { ApplicationName = applicationName, MaxPoolSize = 4 };
        PostgresHosts.ToPrimary(connection);
        return connection.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (adminDataSource is not null && !ReferenceEquals(adminDataSource, dataSource))
        {
            await adminDataSource.DisposeAsync();
        }

        adminDataSource = null;
        if (dataSource is not null)
        {
            await dataSource.DisposeAsync();
            dataSource = null;
        }

        if (embedded is not null)
        {
            await embedded.DisposeAsync();
            embedded = null;
        }
    }
}
