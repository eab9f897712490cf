using Npgsql;

namespace PgAllInOne.Postgres.Audit;

/// <summary>
/// Appends to the audit trail (sql/0016_audit_trail.sql) on the caller's connection, so inside the caller's transaction:
/// the entry commits with the action it records, or neither does. The serving role may only append and read.
/// </summary>
public static class AuditTrail
{
    /// <summary>
    /// Appends one entry on <paramref name="connection"/>; call it after the action's statements and before the commit of
    /// the transaction open on that connection (Npgsql runs every command of a connection in its open transaction).
    /// </summary>
    public static async Task AppendAsync(NpgsqlConnection connection, string action, string target, AuditActor actor, CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand(SqlResource.Own("AppendAudit.sql"), connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = action });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = target });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)actor.KeyId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        command.Parameters.Add(Text(actor.KeyName));
        command.Parameters.Add(Text(actor.ClientAddress));
        command.Parameters.Add(Text(actor.RequestId));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="action"/> in a transaction of its own and, when it reports that it changed something, appends
    /// the entry in the same transaction before committing; when it changed nothing, nothing is recorded.
    /// </summary>
    public static async Task<bool> RunAsync(NpgsqlDataSource dataSource, string action, string target, AuditActor actor, Func<NpgsqlConnection, Task<bool>> change, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await change(connection))
        {
            return false;
        }

        await AppendAsync(connection, action, target, actor, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private static NpgsqlParameter Text(string? value) =>
        new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text };
}
