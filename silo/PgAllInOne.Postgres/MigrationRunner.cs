using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace PgAllInOne.Postgres;

/// <summary>
/// Applies the numbered scripts of sql/ in order, each once, recorded with a checksum in <c>schema_migrations</c>.
/// The whole run holds a transaction-scoped advisory lock, so silos starting together apply each script exactly once,
/// and a failing script leaves the schema as it was.
/// </summary>
public sealed class MigrationRunner(NpgsqlDataSource dataSource, ILogger<MigrationRunner> log)
{
    // Any fixed 64-bit number shared by all silos; spells "pgaiomig" in ASCII.
    private const long AdvisoryLockKey = 0x7067_6169_6f6d_6967;
    private const string ResourcePrefix = "migrations/";

    public static IReadOnlyList<Migration> Embedded { get; } = LoadEmbedded();

    /// <summary>Applies what is missing; returns the names of the scripts this call applied.</summary>
    public async Task<IReadOnlyList<string>> ApplyAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock($1)", cancellationToken, AdvisoryLockKey);
        await ExecuteAsync(connection, SqlResource.Own("CreateMigrationsTable.sql"), cancellationToken);

        var applied = new Dictionary<int, string>();
        await using (var command = new NpgsqlCommand("SELECT version, checksum FROM schema_migrations", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied[reader.GetInt32(0)] = reader.GetString(1);
            }
        }

        var appliedNow = new List<string>();
        foreach (var migration in Embedded)
        {
            if (applied.TryGetValue(migration.Version, out var checksum))
            {
                if (checksum != migration.Checksum)
                {
                    throw new InvalidOperationException($"Migration {migration.Name} was changed after it was applied; add a new numbered migration instead of editing an applied one.");
                }

                continue;
            }

            try
            {
                await ExecuteAsync(connection, migration.Sql, cancellationToken);
            }
            catch (PostgresException exception)
            {
                throw new InvalidOperationException($"Migration {migration.Name} failed: {exception.MessageText}. No migration of this run was kept.", exception);
            }

            await ExecuteAsync(connection, "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", cancellationToken, migration.Version, migration.Name, migration.Checksum);
            appliedNow.Add(migration.Name);
            log.MigrationApplied(migration.Name);
        }

        await transaction.CommitAsync(cancellationToken);
        log.MigrationsUpToDate(Embedded.Count);
        return appliedNow;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static List<Migration> LoadEmbedded()
    {
        var assembly = typeof(MigrationRunner).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Select(name => Migration.From(name[ResourcePrefix.Length..], SqlResource.Get(assembly, name)))
            .OrderBy(m => m.Version)
            .ToList();
    }
}

/// <summary>One numbered script of sql/.</summary>
public sealed record Migration(int Version, string Name, string Sql, string Checksum)
{
    internal static Migration From(string fileName, string sql)
    {
        var digits = new string(fileName.TakeWhile(char.IsAsciiDigit).ToArray());
        if (digits.Length == 0)
        {
            throw new InvalidOperationException($"Migration file {fileName} must start with its number, e.g. 0001_name.sql.");
        }

        var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql.ReplaceLineEndings("\n"))));
        return new Migration(int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture), fileName, sql, checksum);
    }
}
