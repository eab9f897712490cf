namespace PgAllInOne.Postgres;

/// <summary>
/// A row routed to a default partition just as maintenance creates the partition it belongs in fails the partition
/// constraint (23514, without a constraint name: a CHECK constraint of the table names itself and is not retried);
/// the whole transaction rolled back, so running it again routes the row to its new partition.
/// </summary>
internal static class PartitionRace
{
    private const int Attempts = 3;

    public static async Task RetryAsync(Func<Task> commit)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await commit();
                return;
            }
            catch (Npgsql.PostgresException exception) when (exception.SqlState == Npgsql.PostgresErrorCodes.CheckViolation && exception.ConstraintName is null && attempt < Attempts)
            {
                await Task.Delay(10 * attempt);
            }
        }
    }
}
