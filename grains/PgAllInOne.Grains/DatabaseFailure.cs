using Npgsql;
using PgAllInOne.GrainInterfaces.Errors;

namespace PgAllInOne.Grains;

/// <summary>
/// Npgsql's exceptions do not cross between silos (Orleans has no codec for them, and the caller would see a
/// serialization failure instead of the reason); a grain hands on one of ours, which does, with what matters of it.
/// </summary>
public static class DatabaseFailure
{
    /// <summary>The exception to hand on in place of <paramref name="exception"/>, or null when it is not PostgreSQL's.</summary>
    public static Exception? Translate(Exception exception) => exception switch
    {
        _ when IsTransient(exception) => new DatabaseUnavailableException($"PostgreSQL cannot be reached now: {exception.Message}"),
        PostgresException postgres => new DatabaseRejectedException(postgres.SqlState, postgres.MessageText),
        _ => null,
    };

    /// <summary>
    /// True for a failure that passes: not the server's answer (no connection, a broken one, a timeout), or an answer
    /// Npgsql knows to be passing (the server starting or shutting down, too many connections, a serialization failure).
    /// </summary>
    public static bool IsTransient(Exception exception) =>
        exception is DatabaseUnavailableException or NpgsqlException { IsTransient: true } or (NpgsqlException and not PostgresException);

    /// <summary><see cref="IsTransient"/> anywhere in the chain: Orleans and the grains may hand such a failure on wrapped.</summary>
    public static bool IsTransientWithin(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (IsTransient(exception))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Runs a step of a grain (its activation, a read of state) so that a PostgreSQL failure leaves it as one of ours.</summary>
    public static async Task<T> TranslatedAsync<T>(Func<Task<T>> step)
    {
        try
        {
            return await step();
        }
        catch (NpgsqlException exception)
        {
            throw Translate(exception)!;
        }
    }

    /// <inheritdoc cref="TranslatedAsync{T}(Func{Task{T}})"/>
    public static async Task TranslatedAsync(Func<Task> step)
    {
        try
        {
            await step();
        }
        catch (NpgsqlException exception)
        {
            throw Translate(exception)!;
        }
    }
}
