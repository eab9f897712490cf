namespace PgAllInOne.Silo;

/// <summary>
/// Secrets from files, as Docker and Kubernetes mount them: any setting of a section <c>Section:Key_FILE</c> (environment
/// variable <c>Section__Key_FILE</c>, command line <c>--Section:Key_FILE=</c> or appsettings) names a file whose content
/// becomes <c>Section:Key</c>, the trailing line break dropped. So a password is neither in the environment nor on a
/// command line. Top-level names (SSL_CERT_FILE and the like of other programs) are not the silo's and are left alone.
/// </summary>
public static class SecretFiles
{
    public const string Suffix = "_FILE";

    /// <summary>Reads the files the settings so far name, above every other source.</summary>
    public static IConfigurationManager AddSecretFiles(this IConfigurationManager configuration)
    {
        var secrets = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, path) in configuration.AsEnumerable())
        {
            if (!key.EndsWith(Suffix, StringComparison.OrdinalIgnoreCase) || !key.Contains(':', StringComparison.Ordinal) || string.IsNullOrWhiteSpace(path))
            {
                continue;
            }

            var target = key[..^Suffix.Length];
            try
            {
                secrets[target] = File.ReadAllText(path).TrimEnd('\r', '\n');
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw new SecretFileException($"{key} names {path}, which cannot be read ({exception.Message}); {target} needs it.", exception);
            }
        }

        if (secrets.Count > 0)
        {
            configuration.AddInMemoryCollection(secrets);
        }

        return configuration;
    }
}
