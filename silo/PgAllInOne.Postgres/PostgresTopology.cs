using System.Collections.Immutable;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace PgAllInOne.Postgres;

/// <summary>
/// The hosts of a multi-host connection string as this silo sees them: every <see cref="StandbyReadOptions.HostCheckInterval"/>
/// each is asked whether it is the primary or a standby and how far its WAL goes. The primary's positions, with the time
/// each was asked for, tell how far behind each standby is: a standby that has replayed the position the primary had
/// at time T holds everything committed before T (<see cref="HostStatus.ReplayedAsOf"/>). That time is also what
/// read-your-writes compares a write's time with. With one host nothing is asked: it is the primary, reachable or not.
/// </summary>
public sealed partial class PostgresTopology : BackgroundService
{
    // Positions of the primary kept: enough to measure a lag well beyond any MaxStandbyLag worth serving reads.
    private static readonly TimeSpan HistorySpan = TimeSpan.FromMinutes(1);

    private readonly PostgresDatabase database;
    private readonly PostgresReachability reachability;
    private readonly StandbyReadOptions options;
    private readonly TimeProvider time;
    private readonly ILogger<PostgresTopology> logger;
    private readonly ImmutableArray<string> hosts;
    private readonly ImmutableDictionary<string, NpgsqlDataSource> byHost;
    private readonly Queue<(DateTimeOffset At, ulong Position)> primaryPositions = new();
    private ImmutableArray<HostStatus> statuses;
    private int rotation;

    public PostgresTopology(PostgresDatabase database, PostgresReachability reachability, IOptions<StandbyReadOptions> options, TimeProvider time, ILogger<PostgresTopology> logger)
    {
        this.database = database;
        this.reachability = reachability;
        this.options = options.Value;
        this.time = time;
        this.logger = logger;
        hosts = [.. PostgresHosts.Of(database.ConnectionString)];
        var pool = Math.Max(2, new NpgsqlConnectionStringBuilder(database.ConnectionString).MaxPoolSize / 2);
        byHost = hosts.Length < 2
            ? ImmutableDictionary<string, NpgsqlDataSource>.Empty
            : hosts.ToImmutableDictionary(h => h, h => NpgsqlDataSource.Create(PostgresHosts.ForHost(database.ConnectionString, h, pool)), StringComparer.Ordinal);
        statuses = [.. hosts.Select(h => new HostStatus(h, HostRole.Unreachable, null, null))];
        PostgresTelemetry.Observe(this);
    }

    /// <summary>True when the connection string lists several hosts, so that standbys may serve reads.</summary>
    public bool HasSeveralHosts => hosts.Length > 1;

    /// <summary>Every host of the connection string, as last seen.</summary>
    public IReadOnlyList<HostStatus> Hosts => HasSeveralHosts
        ? statuses
        : [.. hosts.Select(h => new HostStatus(h, reachability.IsLost ? HostRole.Unreachable : HostRole.Primary, null, null))];

    /// <summary>
    /// The standbys that may serve a read, first the one whose turn it is: behind by no more than
    /// <see cref="StandbyReadOptions.MaxStandbyLag"/> and, when <paramref name="writtenAt"/> is given, holding everything
    /// committed before it.
    /// </summary>
    internal List<(string Host, NpgsqlDataSource DataSource)> StandbysFor(DateTimeOffset? writtenAt)
    {
        var now = time.GetUtcNow();
        var fit = new List<(string, NpgsqlDataSource)>(hosts.Length);
        foreach (var status in statuses)
        {
            if (status is { Role: HostRole.Standby, ReplayedAsOf: { } replayed }
                && now - replayed <= options.MaxStandbyLag
                && (writtenAt is null || replayed >= writtenAt))
            {
                fit.Add((status.Host, byHost[status.Host]));
            }
        }

        if (fit.Count > 1)
        {
            var first = (int)((uint)Interlocked.Increment(ref rotation) % (uint)fit.Count);
            fit = [.. fit.Skip(first), .. fit.Take(first)];
        }

        return fit;
    }

    /// <summary>A read on <paramref name="host"/> failed as an unreachable server fails: it serves no more until it answers a check again.</summary>
    internal void Failed(string host)
    {
        lock (primaryPositions)
        {
            statuses = [.. statuses.Select(s => s.Host == host ? s with { Role = HostRole.Unreachable, Lag = null, ReplayedAsOf = null } : s)];
        }
    }

    public override void Dispose()
    {
        PostgresTelemetry.Forget(this);
        foreach (var source in byHost.Values)
        {
            source.Dispose();
        }

        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!HasSeveralHosts)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            await CheckAsync(stoppingToken);
            await Task.Delay(options.HostCheckInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Asks every host once (the last primary first, so that the standbys' positions are compared with a fresh one of it).</summary>
    internal async Task CheckAsync(CancellationToken cancellationToken)
    {
        var previous = statuses;
        var lastPrimary = previous.FirstOrDefault(s => s.Role == HostRole.Primary)?.Host;
        var found = new Dictionary<string, Probe>(StringComparer.Ordinal);
        if (lastPrimary is not null)
        {
            found[lastPrimary] = await ProbeAsync(lastPrimary, cancellationToken);
        }

        var others = hosts.Where(h => !found.ContainsKey(h)).ToList();
        var probes = await Task.WhenAll(others.Select(h => ProbeAsync(h, cancellationToken)));
        for (var i = 0; i < others.Count; i++)
        {
            found[others[i]] = probes[i];
        }

        ImmutableArray<HostStatus> next;
        lock (primaryPositions)
        {
            var primary = found.Values.Where(p => p.Role == HostRole.Primary).OrderByDescending(p => p.Position).FirstOrDefault();
            if (primary is not null)
            {
                primaryPositions.Enqueue((primary.AskedAt, primary.Position));
                while (primaryPositions.Count > 0 && primary.AskedAt - primaryPositions.Peek().At > HistorySpan)
                {
                    primaryPositions.Dequeue();
                }
            }

            // No primary answers (a failover under way): nothing new can be acknowledged, and every acknowledged commit
            // reached the synchronous standby, which is then the furthest of them.
            var furthest = primary is null ? found.Values.Where(p => p.Role == HostRole.Standby).Select(p => p.Position).DefaultIfEmpty(ulong.MaxValue).Max() : (ulong?)null;
            next = [.. hosts.Select(h => Status(h, found[h], furthest))];
            statuses = next;
        }

        ReportChanges(previous, next);
    }

    private HostStatus Status(string host, Probe probe, ulong? furthestWithoutPrimary)
    {
        if (probe.Role != HostRole.Standby)
        {
            return new HostStatus(host, probe.Role, null, null);
        }

        DateTimeOffset? replayed = null;
        foreach (var (at, position) in primaryPositions)
        {
            if (position <= probe.Position)
            {
                replayed = at;
            }
        }

        // Without a primary, the standby that has replayed the furthest is as current as any host can be. (Whether it has
        // replayed all it received says nothing: a stream cut mid-record leaves a received tail that is never replayed.)
        if (furthestWithoutPrimary is { } furthest && probe.Position >= furthest)
        {
            replayed = probe.AskedAt;
        }

        return new HostStatus(host, HostRole.Standby, replayed is { } r ? Max(probe.AskedAt - r, TimeSpan.Zero) : null, replayed);
    }

    private async Task<Probe> ProbeAsync(string host, CancellationToken cancellationToken)
    {
        var askedAt = time.GetUtcNow();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Max(options.HostCheckInterval * 4, TimeSpan.FromSeconds(2)));
            await using var command = byHost[host].CreateCommand(SqlResource.Own("HostState.sql"));
            await using var reader = await command.ExecuteReaderAsync(timeout.Token);
            await reader.ReadAsync(timeout.Token);
            var inRecovery = reader.GetBoolean(0);
            var position = reader.IsDBNull(1) ? 0UL : (ulong)reader.GetFieldValue<NpgsqlLogSequenceNumber>(1);
            return new Probe(inRecovery ? HostRole.Standby : HostRole.Primary, position, askedAt);
        }
        catch (Exception exception) when (exception is NpgsqlException or OperationCanceledException or IOException or TimeoutException)
        {
            return new Probe(HostRole.Unreachable, 0, askedAt);
        }
    }

    private void ReportChanges(ImmutableArray<HostStatus> previous, ImmutableArray<HostStatus> next)
    {
        var changed = false;
        for (var i = 0; i < next.Length; i++)
        {
            if (previous[i].Role != next[i].Role)
            {
                changed = true;
                LogRoleChanged(logger, next[i].Host, previous[i].Role, next[i].Role);
            }
        }

        if (changed && database.DataSource is NpgsqlMultiHostDataSource multiHost)
        {
            // Npgsql would trust what it last found each host to be for a while more; the writes should find the new primary now.
            multiHost.ClearDatabaseStates();
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    [LoggerMessage(EventId = LogEvents.PostgresHostRoleChanged, Level = LogLevel.Warning, Message = "PostgreSQL host {Host} is now {Role} (was {Previous})")]
    private static partial void LogRoleChanged(ILogger logger, string host, HostRole previous, HostRole role);

    private sealed record Probe(HostRole Role, ulong Position, DateTimeOffset AskedAt);
}
