namespace PgAllInOne.OrleansExtensions.DatabaseFailures;

public static class DatabaseFailureTranslationExtensions
{
    /// <summary>Translates the database failures that leave a grain call into the grain contract's exceptions (<see cref="DatabaseFailure"/>).</summary>
    public static ISiloBuilder AddDatabaseFailureTranslation(this ISiloBuilder silo) => silo.AddIncomingGrainCallFilter<DatabaseFailureFilter>();
}
