using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using PgAllInOne.Runtime.Hosting;

namespace PgAllInOne.Runtime.Database;

/// <summary>
/// The silo's one PostgreSQL: the configured <c>ConnectionStrings:Postgres</c>, or an embedded server started in the
/// data directory. Owns the silo's single <see cref="NpgsqlDataSource"/>.
/// </summary>
public sealed class PostgresDatabase(IConfiguration configuration, IOptions<SiloOptions> options, ILoggerFactory loggerFactory) : IAsyncDisposable
{
    private IAsyncDisposable? embedded;
    private NpgsqlDataSource? dataSource;

    public NpgsqlDataSource DataSource =>
        dataSource ?? throw new InvalidOperationException("The silo's database is not started yet.");

    public bool IsEmbedded => embedded is not null;

    public string ConnectionString { get; private set; } = "";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var configured = configuration.GetConnectionString("Postgres");
        if (string.IsNullOrWhiteSpace(configured))
        {
            if (OperatingSystem.IsWindows())
            {
                throw new PlatformNotSupportedException("The embedded PostgreSQL runs on Linux and macOS; on Windows set ConnectionStrings:Postgres.");
            }

            var server = await EmbeddedPostgres.StartAsync(
                new EmbeddedPostgresOptions { DataDirectory = options.Value.DataDirectory },
                loggerFactory.CreateLogger<EmbeddedPostgres>(),
                cancellationToken);
            embedded = server;
            configured = server.ConnectionString;
        }

        var connection = new NpgsqlConnectionStringBuilder(configured);
        if (connection.MaxPoolSize == new NpgsqlConnectionStringBuilder().MaxPoolSize)
        {
            // Npgsql's default of 100 oversubscribes a small server; a small pool keeps PostgreSQL busy without thrashing.
            connection.MaxPoolSize = options.Value.MaxPoolSize;
        }

        connection.ApplicationName ??= "pgallinone-silo";
        if (connection.MaxAutoPrepare == 0)
        {
            connection.MaxAutoPrepare = 64;
        }

        ConnectionString = connection.ConnectionString;
        var builder = new NpgsqlDataSourceBuilder(ConnectionString);
        builder.UseLoggerFactory(loggerFactory);
        dataSource = builder.Build();
    }

    public async ValueTask DisposeAsync()
    {
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
