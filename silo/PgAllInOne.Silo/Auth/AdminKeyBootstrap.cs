using Microsoft.Extensions.Options;
using Npgsql;
using PgAllInOne.Postgres;
using PgAllInOne.Postgres.Audit;
using PgAllInOne.Hosting;

namespace PgAllInOne.Silo.Auth;

/// <summary>
/// On the cluster's first start, creates an admin key and writes it to <c>&lt;Silo:DataDirectory&gt;/admin.key</c> (mode
/// 0600), so that the operator, the CLI and tests can begin; later starts find an admin key and leave it.
/// </summary>
public sealed partial class AdminKeyBootstrap(
    PostgresDatabase database,
    ApiKeyStore keys,
    IOptions<SiloOptions> options,
    ILogger<AdminKeyBootstrap> logger) : IHostedService
{
    public const string FileName = "admin.key";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand(SiloSql.Get("Auth/LockFirstAdminKey.sql"), connection, transaction))
        {
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var count = new NpgsqlCommand(SiloSql.Get("Auth/CountAdminKeys.sql"), connection, transaction))
        {
            if ((long)(await count.ExecuteScalarAsync(cancellationToken))! > 0)
            {
                return;
            }
        }

        var created = await keys.CreateAsync("first admin", ApiRoles.Admin, AuditActor.Silo, cancellationToken, connection);
        var path = Path.GetFullPath(Path.Combine(options.Value.DataDirectory, FileName));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var file = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            file.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var writer = new StreamWriter(path, file))
        {
            await writer.WriteLineAsync(created.Key);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        // Committed only once the file holds the key: a failed write leaves no admin key nobody can read.
        await transaction.CommitAsync(cancellationToken);
        LogAdminKeyWritten(logger, path);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = LogEvents.AdminKeyCreated, Level = LogLevel.Warning, Message = "Created the first admin API key and wrote it to {Path} (mode 0600); keep it safe")]
    private static partial void LogAdminKeyWritten(ILogger logger, string path);
}
