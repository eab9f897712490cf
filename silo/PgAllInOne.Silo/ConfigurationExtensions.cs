namespace PgAllInOne.Silo;

public static class ConfigurationExtensions
{
    /// <summary>
    /// Reads <c>PGAIO__Section__Key</c> environment variables as <c>Section:Key</c>, above appsettings and plain
    /// environment variables; the command line is added again after them so that it keeps the last word.
    /// </summary>
    public static IConfigurationManager AddPgAioEnvironmentVariables(this IConfigurationManager configuration, string[] args)
    {
        configuration.AddEnvironmentVariables("PGAIO__");
        configuration.AddCommandLine(args);
        return configuration;
    }
}
