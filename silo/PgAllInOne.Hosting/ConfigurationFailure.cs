namespace PgAllInOne.Hosting;

/// <summary>How the silo stops on a bad configuration: one line per problem on standard error, exit code 1.</summary>
public static class ConfigurationFailure
{
    public const int ExitCode = 1;

    public static int Report(IEnumerable<string> problems)
    {
        foreach (var problem in problems)
        {
            Console.Error.WriteLine($"configuration error: {problem}");
        }

        return ExitCode;
    }
}
