using Npgsql;
using PgAllInOne.Grains;

namespace PgAllInOne.Silo.DatabaseFailures;

/// <summary>
/// A PostgreSQL failure leaves a grain call as one of our serializable exceptions (<see cref="DatabaseFailure"/>): a
/// caller on another silo or in a client then learns that the database is unavailable (HTTP 503), not that a response
/// could not be serialized (HTTP 500).
/// </summary>
public sealed class DatabaseFailureFilter : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (NpgsqlException exception)
        {
            throw DatabaseFailure.Translate(exception)!;
        }
    }
}
