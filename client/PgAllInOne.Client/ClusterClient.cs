using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using PgAllInOne.Runtime.Database;
using PgAllInOne.Runtime.Hosting;
using PgAllInOne.Runtime.Invocation;
using PgAllInOne.Runtime.Membership;
using PgAllInOne.Runtime.Messaging;
using PgAllInOne.Runtime.Placement;
using PgAllInOne.Runtime.Serialization;

namespace PgAllInOne.Client;

/// <summary>
/// A .NET app's door to the cluster: grain references whose calls go straight to the owning silo, computed from the
/// membership the client rereads from PostgreSQL. Reconnects after silo restarts; retries read-only calls whose silo
/// died while the cluster notices.
/// </summary>
public sealed class ClusterClient : IGrainFactory, IAsyncDisposable
{
    private static readonly string ReadMembershipSql = SqlResource.Runtime("ReadMembership.sql");

    private readonly ClusterClientOptions options;
    private readonly ILogger log;
    private readonly SiloConnectionPool connections = new();
    private readonly GrainTypeRegistry registry = new(Options.Create(new GrainTypeOptions()));
    private readonly NpgsqlDataSource? dataSource;
    private readonly Dispatcher dispatcher;
    private readonly CancellationTokenSource stopping = new();
    private MembershipView view = MembershipView.Empty;
    private Task? refreshLoop;
    private int roundRobin;
    private int disposed;

    public ClusterClient(ClusterClientOptions options, ILogger<ClusterClient>? log = null)
    {
        options.Validate();
        this.options = options;
        this.log = log ?? (ILogger)NullLogger.Instance;
        dataSource = string.IsNullOrWhiteSpace(options.ConnectionString) ? null : NpgsqlDataSource.Create(options.ConnectionString);
        dispatcher = new Dispatcher(this);
    }

    /// <summary>The silos the client currently calls.</summary>
    public MembershipView View => Volatile.Read(ref view);

    public static async Task<ClusterClient> ConnectAsync(ClusterClientOptions options, CancellationToken cancellationToken = default)
    {
        var client = new ClusterClient(options);
        await client.ConnectAsync(cancellationToken);
        return client;
    }

    /// <summary>Reads the membership, learns the grain types from a silo, and starts following the cluster.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        await RefreshAsync(cancellationToken);
        var endpoints = Endpoints();
        if (endpoints.Count == 0)
        {
            throw new SiloUnavailableException($"No active silo in cluster '{options.ClusterId}'.");
        }

        var manifestRequest = new GrainRequest(new GrainId("$", "$"), GrainManifest.MethodKey, [], (int)options.ResponseTimeout.TotalMilliseconds);
        var response = await connections.SendAsync(endpoints[0], manifestRequest, cancellationToken);
        registry.Learn(response.Result!.Value.Deserialize<GrainManifest>(DeepCopier.Options)!, options.InterfaceAssemblies);
        refreshLoop = Task.Run(RefreshLoopAsync, CancellationToken.None);
    }

    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(key);
        var grainClass = registry.ForInterface(typeof(TGrainInterface));
        return GrainReference.Create<TGrainInterface>(dispatcher, registry, new GrainId(grainClass.Name, key));
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await stopping.CancelAsync();
        if (refreshLoop is not null)
        {
            await refreshLoop;
        }

        await connections.DisposeAsync();
        if (dataSource is not null)
        {
            await dataSource.DisposeAsync();
        }

        stopping.Dispose();
    }

    private IReadOnlyList<string> Endpoints() =>
        dataSource is null ? [.. options.Endpoints] : View.ActiveSilos.Select(s => s.Endpoint).ToList();

    private string ChooseEndpoint(GrainId target, GrainClassInfo grainClass)
    {
        var current = View;
        if (dataSource is not null && !grainClass.IsStatelessWorker && RendezvousPlacement.Owner(target, current.ActiveSiloIds) is { } owner)
        {
            return current.Find(owner)!.Endpoint;
        }

        // Stateless workers run on any silo; with a fixed endpoint list the silo that receives a call forwards it.
        var endpoints = Endpoints();
        if (endpoints.Count == 0)
        {
            throw new SiloUnavailableException($"No active silo in cluster '{options.ClusterId}'.");
        }

        return endpoints[(int)((uint)Interlocked.Increment(ref roundRobin) % endpoints.Count)];
    }

    private async Task RefreshLoopAsync()
    {
        using var timer = new PeriodicTimer(options.RefreshPeriod);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping.Token))
            {
                try
                {
                    await RefreshAsync(stopping.Token);
                }
                catch (NpgsqlException exception)
                {
                    log.MembershipRefreshFailed(exception);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (dataSource is null)
        {
            return;
        }

        var silos = new List<SiloEntry>();
        await using var command = dataSource.CreateCommand(ReadMembershipSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = options.ClusterId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            silos.Add(new SiloEntry(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5)));
        }

        var current = View;
        Volatile.Write(ref view, new MembershipView(current.Version + 1, silos));
    }

    private sealed class Dispatcher(ClusterClient client) : IGrainCallDispatcher
    {
        public async Task<TResult> InvokeAsync<TResult>(GrainId target, GrainMethod<TResult> method, object?[] arguments, bool forwarded)
        {
            var retryUntil = DateTime.UtcNow + client.options.ReadRetryWindow;
            while (true)
            {
                var endpoint = client.ChooseEndpoint(target, method.GrainClass);
                try
                {
                    return await RemoteCall.InvokeAsync(client.connections, endpoint, target, method, arguments, client.options.ResponseTimeout, hops: 0);
                }
                catch (SiloUnavailableException) when (method.IsReadOnly && DateTime.UtcNow < retryUntil)
                {
                    // Safe to repeat: wait for the cluster to notice, then ask the owner of the new view.
                    await Task.Delay(client.options.RefreshPeriod / 2);
                    await client.RefreshAsync(CancellationToken.None);
                }
            }
        }
    }
}
