using System.Collections.Concurrent;

namespace PgAllInOne.Runtime.Messaging;

/// <summary>One multiplexed connection per silo endpoint, made on first use and made again after it drops.</summary>
public sealed class SiloConnectionPool : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<SiloConnection>>> connections = new(StringComparer.Ordinal);

    public async Task<GrainResponse> SendAsync(string endpoint, GrainRequest request, CancellationToken cancellationToken)
    {
        var connection = await GetAsync(endpoint, cancellationToken);
        return await connection.SendAsync(request, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, lazy) in connections)
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
            {
                await lazy.Value.Result.DisposeAsync();
            }
        }

        connections.Clear();
    }

    private async Task<SiloConnection> GetAsync(string endpoint, CancellationToken cancellationToken)
    {
        while (true)
        {
            var lazy = connections.GetOrAdd(endpoint, static key => new Lazy<Task<SiloConnection>>(() => SiloConnection.ConnectAsync(key)));
            SiloConnection connection;
            try
            {
                connection = await lazy.Value.WaitAsync(cancellationToken);
            }
            catch (SiloUnavailableException)
            {
                // Never keep a failed attempt: the next call tries again (the silo may be back, or restarted).
                connections.TryRemove(new KeyValuePair<string, Lazy<Task<SiloConnection>>>(endpoint, lazy));
                throw;
            }

            if (connection.IsConnected)
            {
                return connection;
            }

            if (connections.TryRemove(new KeyValuePair<string, Lazy<Task<SiloConnection>>>(endpoint, lazy)))
            {
                await connection.DisposeAsync();
            }
        }
    }
}
