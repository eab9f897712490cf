using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using PgAllInOne.Runtime.Database;
using PgAllInOne.Runtime.Hosting;
using PgAllInOne.Runtime.Telemetry;

namespace PgAllInOne.Runtime.Membership;

/// <summary>
/// This silo's place in the membership table: joins it, heartbeats, declares silent silos dead (by a conditional
/// update on the database's clock), keeps the current <see cref="MembershipView"/>, and stops the silo when another
/// one has declared it dead.
/// </summary>
public sealed class MembershipService(
    PostgresDatabase database,
    SiloStatus status,
    IOptions<SiloOptions> siloOptions,
    IOptions<MembershipOptions> options,
    IHostApplicationLifetime lifetime,
    SiloStatistics statistics,
    ILogger<MembershipService> log) : IAsyncDisposable
{
    private static readonly string JoinSql = SqlResource.Runtime("JoinSilo.sql");
    private static readonly string HeartbeatSql = SqlResource.Runtime("Heartbeat.sql");
    private static readonly string DeclareDeadSql = SqlResource.Runtime("DeclareDead.sql");
    private static readonly string SetStatusSql = SqlResource.Runtime("SetStatus.sql");
    private static readonly string ReadSql = SqlResource.Runtime("ReadMembership.sql");

    private readonly CancellationTokenSource stopping = new();
    private MembershipView view = MembershipView.Empty;
    private Task? loop;

    public MembershipView View => Volatile.Read(ref view);

    /// <summary>Raised after every change of the set of silos or their status.</summary>
    public event Action<MembershipView>? ViewChanged;

    private string ClusterId => siloOptions.Value.ClusterId;

    public string Endpoint => status.Endpoint.Length > 0 ? status.Endpoint : $"{siloOptions.Value.AdvertisedHost}:{siloOptions.Value.Port}";

    public async Task JoinAsync(CancellationToken cancellationToken)
    {
        await ExecuteAsync(JoinSql, cancellationToken, ClusterId, status.SiloId, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Endpoint);
        await RefreshAsync(cancellationToken);
        loop = Task.Run(RunAsync, CancellationToken.None);
        log.SiloJoined(status.SiloId, ClusterId, Endpoint);
    }

    /// <summary>Tells the others this silo is leaving: it still answers while it hands its grains back.</summary>
    public Task MarkShuttingDownAsync(CancellationToken cancellationToken) =>
        ExecuteAsync(SetStatusSql, cancellationToken, ClusterId, status.SiloId, SiloEntry.ShuttingDown);

    public async Task LeaveAsync(CancellationToken cancellationToken)
    {
        await StopLoopAsync();
        await ExecuteAsync(SetStatusSql, cancellationToken, ClusterId, status.SiloId, SiloEntry.Dead);
    }

    public async ValueTask DisposeAsync()
    {
        await StopLoopAsync();
        stopping.Dispose();
    }

    /// <summary>One round of the failure detector: heartbeat, declare the silent dead, reread the table.</summary>
    internal async Task TickAsync(CancellationToken cancellationToken)
    {
        await using (var heartbeat = Command(HeartbeatSql, ClusterId, status.SiloId))
        {
            heartbeat.Parameters.Add(new NpgsqlParameter { Value = statistics.TakeJson(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb });
            if (await heartbeat.ExecuteScalarAsync(cancellationToken) is null)
            {
                OnDeclaredDead();
                return;
            }
        }

        await using (var declare = Command(DeclareDeadSql, ClusterId, status.SiloId, options.Value.DeathTimeout.TotalSeconds))
        await using (var reader = await declare.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                log.SiloDeclaredDead(reader.GetString(0), options.Value.DeathTimeout);
            }
        }

        await RefreshAsync(cancellationToken);
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatPeriod);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping.Token))
            {
                try
                {
                    await TickAsync(stopping.Token);
                }
                catch (Exception exception) when (exception is NpgsqlException or TimeoutException or InvalidOperationException)
                {
                    // The next tick tries again; only missing heartbeats for DeathTimeout make this silo dead.
                    log.HeartbeatFailed(exception);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void OnDeclaredDead()
    {
        log.DeclaredDeadByOthers(status.SiloId);
        status.IsActive = false;
        stopping.Cancel();
        lifetime.StopApplication();
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var silos = new List<SiloEntry>();
        await using (var read = Command(ReadSql, ClusterId))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                silos.Add(new SiloEntry(
                    reader.GetString(0),
                    reader.GetInt64(1),
                    reader.GetString(2),
                    reader.GetString(3),
                    reader.GetFieldValue<DateTimeOffset>(4),
                    reader.GetFieldValue<DateTimeOffset>(5)));
            }
        }

        var current = View;
        var changed = current.Silos.Count != silos.Count
            || current.Silos.Zip(silos).Any(pair => pair.First.SiloId != pair.Second.SiloId || pair.First.Status != pair.Second.Status || pair.First.Endpoint != pair.Second.Endpoint);
        var next = new MembershipView(changed ? current.Version + 1 : current.Version, silos);
        Volatile.Write(ref view, next);
        if (changed)
        {
            ViewChanged?.Invoke(next);
        }
    }

    private async Task StopLoopAsync()
    {
        if (!stopping.IsCancellationRequested)
        {
            await stopping.CancelAsync();
        }

        if (loop is not null)
        {
            await loop;
        }
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = Command(sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private NpgsqlCommand Command(string sql, params object[] parameters)
    {
        var command = database.DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return command;
    }
}
