using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace PgAllInOne.Postgres;

/// <summary>
/// The idempotency keys (table <c>idempotency_keys</c>). A key's row goes into the transaction of the write it guards
/// (<see cref="Insert"/> in a group commit, <see cref="WriteAsync{T}"/> for a write of its own), so it is stored exactly
/// when the write is. A repeat of the key fails that transaction with a unique violation, once the first request's
/// transaction has committed (PostgreSQL makes it wait for it), and is then answered from the row (<see cref="RepeatAsync"/>).
/// </summary>
public static class IdempotencyKeys
{
    private const string UniqueViolation = "23505";
    private const string PrimaryKey = "idempotency_keys_pkey";

    /// <summary>The statement that stores keys; exposed so that a test can recognise a keyed write's commit on the wire.</summary>
    internal static string InsertSql => SqlResource.Own("InsertIdempotencyKeys.sql");

    /// <summary>The statement that stores the keys of a batch; it must run in the batch's transaction.</summary>
    public static NpgsqlBatchCommand Insert(IReadOnlyCollection<IdempotencyRow> rows) => new(InsertSql)
    {
        Parameters =
        {
            new NpgsqlParameter<string[]> { TypedValue = rows.Select(r => r.Scope).ToArray() },
            new NpgsqlParameter<string[]> { TypedValue = rows.Select(r => r.Key).ToArray() },
            new NpgsqlParameter<byte[][]> { TypedValue = rows.Select(r => r.Fingerprint).ToArray() },
            new NpgsqlParameter<string[]> { TypedValue = rows.Select(r => r.Result).ToArray() },
            new NpgsqlParameter<DateTimeOffset[]> { TypedValue = rows.Select(r => r.CreatedAt.ToUniversalTime()).ToArray() },
        },
    };

    /// <summary>The statement that stores the keys of the batch's writes that carry one (none: null); it must run in the batch's transaction.</summary>
    public static NpgsqlBatchCommand? InsertOf<TResult>(IEnumerable<PendingWrite<TResult>> batch) =>
        batch.Where(p => p.Idempotency is not null).Select(p => p.Idempotency!).ToList() is { Count: > 0 } rows ? Insert(rows) : null;

    /// <summary>Deletes the keys stored before <paramref name="before"/> (past the window); returns how many.</summary>
    public static async Task<int> PurgeAsync(NpgsqlConnection connection, DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand(SqlResource.Own("PurgeIdempotencyKeys.sql"), connection);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = before.ToUniversalTime() });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>True when <paramref name="exception"/> (or one inside it) is an idempotency key taken already.</summary>
    public static bool IsTaken(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is PostgresException { SqlState: UniqueViolation, ConstraintName: PrimaryKey })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The SHA-256 of a request's parts (its operation, target and arguments, as text), each part delimited.</summary>
    public static byte[] Fingerprint(params IEnumerable<string?> parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in parts)
        {
            // A length prefix (-1 for null) keeps ("ab", "c") apart from ("a", "bc").
            hash.AppendData(BitConverter.GetBytes(part?.Length ?? -1));
            hash.AppendData(Encoding.UTF8.GetBytes(part ?? ""));
        }

        return hash.GetHashAndReset();
    }

    /// <summary>
    /// After a write guarded by <paramref name="row"/> failed: the result stored with its key when the key was used
    /// before for the same request, or null when the key is not stored (the failure is the write's own). The key used
    /// for another request throws <see cref="IdempotencyMismatchException"/>.
    /// </summary>
    public static async Task<string?> RepeatAsync(NpgsqlDataSource dataSource, IdempotencyRow row, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SqlResource.Own("FindIdempotencyKey.sql"));
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = row.Scope });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = row.Key });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return reader.GetFieldValue<byte[]>(0).AsSpan().SequenceEqual(row.Fingerprint)
            ? reader.GetString(1)
            : throw new IdempotencyMismatchException(
                $"The idempotency key '{row.Key}' was used before for another request (another target or body); nothing was written. Use a new key for a new request.");
    }

    /// <summary>
    /// Runs a write of its own (not group-committed) with its key's row in its transaction, or without a transaction when
    /// there is no key. The row's result is what <paramref name="save"/> makes of the write's; a repeat of the key is
    /// answered with what <paramref name="load"/> reads back from it. A repeat arriving while the first is in flight
    /// waits for it (on the key's row). A lost answer of the commit leaves the outcome unknown
    /// (<see cref="CommitOutcomeUnknownException"/>): a repeat of the key settles it.
    /// </summary>
    public static async Task<T> WriteAsync<T>(
        NpgsqlDataSource dataSource,
        IdempotencyRow? key,
        Func<NpgsqlConnection, NpgsqlTransaction?, Task<T>> write,
        Func<T, string> save,
        Func<string, T> load,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (key is null)
        {
            return await write(connection, null);
        }

        try
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var result = await write(connection, transaction);
            await using (var insert = new NpgsqlBatch(connection, transaction) { BatchCommands = { Insert([key with { Result = save(result) }]) } })
            {
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            try
            {
                await transaction.CommitAsync(cancellationToken);
            }
            catch (Exception exception) when (PostgresFailure.IsAnswerLost(exception))
            {
                throw new CommitOutcomeUnknownException(
                    $"The connection to PostgreSQL was lost as this write was committed: it may have been stored. Send it again with the same idempotency key ('{key.Key}'): that stores it once, or answers with what was stored.",
                    exception);
            }

            return result;
        }
        catch (PostgresException exception) when (exception.SqlState == UniqueViolation)
        {
            // The key, or a value only the first request could take (a username), is taken: a repeat, or a conflict of its own.
            if (await RepeatAsync(dataSource, key, cancellationToken) is not { } stored)
            {
                throw;
            }

            return load(stored);
        }
    }
}
