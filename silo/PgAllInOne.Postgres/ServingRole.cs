using Microsoft.Extensions.Logging;
using Npgsql;

namespace PgAllInOne.Postgres;

/// <summary>
/// Makes the serving login a member of <c>pgaio_serving</c>, the group role the migrations grant the serving DML to
/// (sql/0015_serving_role.sql), through the owner's connection: so the operator only creates a login role.
/// </summary>
public sealed class ServingRole
{
    /// <summary>The group role holding the serving rights.</summary>
    public const string Name = "pgaio_serving";

    private ServingRole()
    {
    }

    public static async Task GrantAsync(NpgsqlDataSource admin, string? servingLogin, ILogger<ServingRole> log, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(servingLogin))
        {
            throw new InvalidOperationException("ConnectionStrings:Postgres names no Username: the serving role cannot be granted its rights.");
        }

        await using var connection = await admin.OpenConnectionAsync(cancellationToken);
        await using (var check = new NpgsqlCommand(SqlResource.Own("ServingLoginState.sql"), connection))
        {
            check.Parameters.Add(new NpgsqlParameter<string> { TypedValue = servingLogin });
            await using var reader = await check.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new InvalidOperationException($"The serving login role {servingLogin} of ConnectionStrings:Postgres does not exist: create it (CREATE ROLE {servingLogin} LOGIN PASSWORD '…').");
            }

            var (isSuperuser, isMember) = (reader.GetBoolean(0), reader.GetBoolean(1));
            if (isSuperuser)
            {
                log.ServingLoginIsSuperuser(servingLogin);
                return;
            }

            if (isMember)
            {
                return;
            }
        }

        try
        {
            string statement;
            await using (var build = new NpgsqlCommand(SqlResource.Own("GrantServingRole.sql"), connection))
            {
                build.Parameters.Add(new NpgsqlParameter<string> { TypedValue = servingLogin });
                statement = (string)(await build.ExecuteScalarAsync(cancellationToken))!;
            }

            await using var grant = new NpgsqlCommand(statement, connection);
            await grant.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new InvalidOperationException($"The admin connection may not grant {Name} to {servingLogin} ({exception.MessageText}): run GRANT {Name} TO {servingLogin}; as a superuser, or give the owner CREATEROLE.", exception);
        }

        log.ServingRoleGranted(Name, servingLogin);
    }
}
