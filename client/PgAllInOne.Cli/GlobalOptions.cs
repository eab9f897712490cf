using System.CommandLine;

namespace PgAllInOne.Cli;

/// <summary>The options every command shares, and the one place that decides which URL, key and data directory are used.</summary>
public sealed class GlobalOptions
{
    public const string DefaultUrl = "http://127.0.0.1:8080";
    public const string KeyFileName = "admin.key";

    public Option<string?> Url { get; } = new("--url")
    {
        Description = $"The silo's HTTP address (else PGAIO_URL, else {DefaultUrl})",
        Recursive = true,
    };

    public Option<string?> Key { get; } = new("--key")
    {
        Description = "API key (else PGAIO_API_KEY, else <data dir>/admin.key)",
        Recursive = true,
    };

    public Option<string?> DataDirectory { get; } = new("--data-dir")
    {
        Description = "Where the silo wrote admin.key (else PGAIO_DATA_DIR, else ./data, the silo's default)",
        Recursive = true,
    };

    public IEnumerable<Option> All => [Url, Key, DataDirectory];

    /// <summary>Command line first, then the environment, then the defaults; the key file is read only when nothing else gave a key.</summary>
    public ConnectionSettings Resolve(ParseResult parseResult, Func<string, string?> environment)
    {
        var url = First(parseResult.GetValue(Url), environment("PGAIO_URL")) ?? DefaultUrl;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new CliUsageException($"'{url}' is not an http(s) URL.");
        }

        // A base address without a trailing slash would drop its last path segment when the API paths are resolved against it.
        uri = uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri + "/");
        var dataDirectory = Path.GetFullPath(First(parseResult.GetValue(DataDirectory), environment("PGAIO_DATA_DIR")) ?? "data");
        var keyFile = Path.Combine(dataDirectory, KeyFileName);
        var key = First(parseResult.GetValue(Key), environment("PGAIO_API_KEY"));
        var source = key is null ? null : "--key or PGAIO_API_KEY";
        if (key is null && File.Exists(keyFile))
        {
            try
            {
                key = First(File.ReadAllText(keyFile));
                source = keyFile;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The file is 0600 and owned by whoever ran the silo: say so rather than send no key and get a puzzling 401.
                throw new CliUsageException($"cannot read the API key from {keyFile}: {e.Message}");
            }
        }

        return new ConnectionSettings(uri, key, source, keyFile);
    }

    private static string? First(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();
}

/// <summary>Where to reach the cluster and with which key; <see cref="KeySource"/> says where the key came from (null: none found).</summary>
public sealed record ConnectionSettings(Uri Url, string? Key, string? KeySource, string KeyFile);
