using Npgsql;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.Postgres;

namespace PgAllInOne.OrleansExtensions.DatabaseFailures;

/// <summary>
/// The one place where a database failure becomes one of the grain contract's exceptions. Npgsql's exceptions and the
/// group-commit writer's do not cross between silos (Orleans has no codec for them, and the caller would see a
/// serialization failure instead of the reason); a grain hands on one of ours, which does, with what matters of it.
/// </summary>
public static class DatabaseFailure
{
    /// <summary>The exception to hand on in place of <paramref name="exception"/>, or null when it is not the database's.</summary>
    public static Exception? Translate(Exception exception) => exception switch
    {
        WriteRefusedException refused => new ValidationException(refused.Message),
        IdempotencyMismatchException reused => new IdempotencyKeyReusedException(reused.Message),
        CommitOutcomeUnknownException unknown => new WriteOutcomeUnknownException(unknown.Message),
        GroupCommitRefusedException { Reason: Enqueued.Full } full => new OverloadedException(full.Message),
        GroupCommitRefusedException closed => new SiloUnavailableException(closed.Message),
        _ when PostgresFailure.IsTransient(exception) => new DatabaseUnavailableException($"PostgreSQL cannot be reached now: {exception.Message}"),
        PostgresException postgres => new DatabaseRejectedException(postgres.SqlState, postgres.MessageText),
        _ => null,
    };

    /// <summary>True for a failure that passes (<see cref="PostgresFailure.IsTransient"/>), also once translated.</summary>
    public static bool IsTransient(Exception exception) => exception is DatabaseUnavailableException || PostgresFailure.IsTransient(exception);

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

    /// <summary>
    /// True when a write's outcome is unknown (<see cref="WriteOutcomeUnknownException"/>), anywhere in the chain: Orleans
    /// hands a storage failure on wrapped.
    /// </summary>
    public static bool IsOutcomeUnknownWithin(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is WriteOutcomeUnknownException or CommitOutcomeUnknownException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Runs a step of a grain or of its storage so that a database failure leaves it as one of ours.</summary>
    public static async Task<T> TranslatedAsync<T>(Func<Task<T>> step)
    {
        try
        {
            return await step();
        }
        catch (Exception exception) when (Translate(exception) is { } translated)
        {
            throw translated;
        }
    }

    /// <inheritdoc cref="TranslatedAsync{T}(Func{Task{T}})"/>
    public static async Task TranslatedAsync(Func<Task> step)
    {
        try
        {
            await step();
        }
        catch (Exception exception) when (Translate(exception) is { } translated)
        {
            throw translated;
        }
    }
}
