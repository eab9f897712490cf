namespace PgAllInOne.OrleansExtensions.DatabaseFailures;

/// <summary>
/// A database failure leaves a grain call as one of our serializable exceptions (<see cref="DatabaseFailure"/>): a
/// caller on another silo or in a client then learns that the database is unavailable (HTTP 503) or refused its input
/// (HTTP 400), not that a response could not be serialized (HTTP 500).
/// </summary>
internal sealed class DatabaseFailureFilter : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception exception) when (DatabaseFailure.Translate(exception) is { } translated)
        {
            throw translated;
        }
    }
}
