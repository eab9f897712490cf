using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Npgsql;
using PgAllInOne.Postgres.Audit;

namespace PgAllInOne.Postgres.Backups;

/// <summary>
/// Continuous backups of the silo's PostgreSQL into <see cref="BackupOptions.Directory"/> with PostgreSQL's own programs:
/// pg_receivewal streams the WAL through a replication slot (synchronously when asked), pg_basebackup takes a base
/// backup at once when there is none and then every <see cref="BackupOptions.Interval"/>, pg_verifybackup verifies it,
/// and the oldest are removed with the WAL only they needed. Operators' actions (a base backup now, a restore point) go
/// through <see cref="RequestBaseBackupAsync"/> and <see cref="SetRestorePointAsync"/>, the one place where they happen.
/// </summary>
public sealed partial class BackupService : IAsyncDisposable
{
    private static readonly TimeSpan StatusInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RetryPause = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan RestorePointWait = TimeSpan.FromSeconds(10);

    // pg_receivewal reports every second (--status-interval 1): three missed reports at least before it is taken as stuck.
    private static readonly TimeSpan ShortestStall = TimeSpan.FromSeconds(3);

    private readonly BackupOptions options;
    private readonly NpgsqlDataSource owner;
    private readonly WriteGate gate;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly string? dataDirectory;
    private readonly WalLagTracker lag = new();
    private readonly SemaphoreSlim requested = new(0, 1);
    private readonly Lock requests = new();
    private readonly Lock refusals = new();
    private readonly Meter meter = new(PostgresTelemetry.Name);
    private readonly CancellationTokenSource stopping = new();
    private readonly DateTimeOffset since;
    private BackupTool? tool;
    private BaseBackupTaker? taker;
    private WalReceiver? receiver;
    private ReceiverWatchdog? watchdog;
    private double replyAgeSeconds = double.NaN; // NaN: the receiver has no replication connection
    private volatile string? synchronousNames;
    private TimeSpan refusedBefore;
    private DateTimeOffset? refusingSince;
    private string? pendingId;
    private string? runningId;
    private ulong receiverFlushed;
    private bool behind;
    private int disposed;
    private Task running = Task.CompletedTask;

    /// <param name="ownerConnectionString">A role that may replicate and change the server's settings (the embedded server's superuser, or ConnectionStrings:PostgresAdmin).</param>
    /// <param name="dataDirectory">The silo's data folder when its PostgreSQL is the embedded one: its password and admin key are kept beside the backups.</param>
    public BackupService(BackupOptions options, string ownerConnectionString, string? dataDirectory, WriteGate gate, TimeProvider time, ILogger<BackupService> logger)
    {
        this.options = options;
        this.gate = gate;
        this.time = time;
        this.logger = logger;
        this.dataDirectory = dataDirectory;
        OwnerConnectionString = ownerConnectionString;
        owner = new NpgsqlDataSourceBuilder(OwnConnectionString(ownerConnectionString)).Build();
        Catalog = new BackupCatalog(options.Directory!, new BackupTool(EmbeddedPostgres.FindBinDirectory() ?? "/usr/bin"));
        since = time.GetUtcNow();
        meter.CreateObservableGauge("pgaio.backup.newest_verified_age", () => NewestVerifiedAge().TotalSeconds, unit: "s", description: "Age of the newest verified base backup (while there is none: time since backups were started).");
        meter.CreateObservableGauge("pgaio.backup.wal_lag", () => lag.Lag.TotalSeconds, unit: "s", description: "How long ago the server had flushed WAL that the backup directory still lacks (0: it has everything).");
        meter.CreateObservableCounter("pgaio.backup.writes_refused", () => WritesRefused().TotalSeconds, unit: "s", description: "Time during which synchronous backups refused writes because the backup location was behind (rate > 0: refusing now or lately).");
        if (options.Synchronous)
        {
            // Until the receiver has caught up for the first time, a write could not be acknowledged.
            gate.Close("Backups are synchronous and the WAL receiver is not streaming yet");
        }
    }

    public BackupCatalog Catalog { get; private set; }

    public string OwnerConnectionString { get; }

    /// <summary>The WAL streaming lag (see <see cref="WalLagTracker"/>).</summary>
    public TimeSpan WalLag => lag.Lag;

    /// <summary>True while writes are acknowledged only once in the backup directory and it is too far behind to take them.</summary>
    public bool Behind => behind;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        tool = BackupTool.Find();
        Catalog = new BackupCatalog(options.Directory!, tool);
        Directory.CreateDirectory(Catalog.BaseDirectory);
        Directory.CreateDirectory(Catalog.WalDirectory);
        var connection = ReplicationConnection.From(OwnerConnectionString);
        // pg_basebackup streams the WAL of its span on a replication connection of its own: under the receiver's name it
        // could be taken for the synchronous standby (acknowledging commits it does not keep in wal/) or for the receiver.
        taker = new BaseBackupTaker(tool, Catalog, ReplicationConnection.From(OwnerConnectionString, ReplicationConnection.BaseBackupName), time);

        await using (var slot = owner.CreateCommand(SqlResource.Own("BackupCreateSlot.sql")))
        {
            slot.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ReplicationConnection.ReceiverName });
            await slot.ExecuteNonQueryAsync(cancellationToken);
        }

        receiver = new WalReceiver(tool, Catalog, connection, options.Synchronous, time, logger);
        watchdog = new ReceiverWatchdog(options.SynchronousTimeout > ShortestStall ? options.SynchronousTimeout : ShortestStall, time);
        var receiving = receiver.RunAsync(stopping.Token);
        await SetSynchronousAsync(owner, options.Synchronous, cancellationToken);
        logger.BackupsStarted(Catalog.Directory, options.Synchronous ? "synchronous" : "asynchronous", options.Interval, options.Keep);
        running = Task.WhenAll(receiving, WatchAsync(stopping.Token), ScheduleAsync(stopping.Token));
    }

    /// <summary>
    /// Asks for a base backup now on behalf of <paramref name="actor"/> and records it in the audit trail once accepted
    /// (the backup is not a transaction: the entry follows its acceptance); answers its id.
    /// </summary>
    public async Task<string> RequestBaseBackupAsync(AuditActor actor, CancellationToken cancellationToken)
    {
        var id = RequestBaseBackup();
        await using var connection = await owner.OpenConnectionAsync(cancellationToken);
        await AuditTrail.AppendAsync(connection, AuditActions.BackupStarted, id, actor, cancellationToken);
        return id;
    }

    /// <summary>Asks for a base backup now; answers its id (the one already asked for or being taken, if any).</summary>
    private string RequestBaseBackup()
    {
        lock (requests)
        {
            if (runningId is not null || pendingId is not null)
            {
                return (runningId ?? pendingId)!;
            }

            pendingId = BackupCatalog.NewId(time.GetUtcNow());
            requested.Release();
            return pendingId;
        }
    }

    /// <summary>The base backup being taken now, if any.</summary>
    public string? Running => runningId;

    /// <summary>
    /// Sets a named restore point and answers once the WAL receiver has it in the backup directory (or throws when it does
    /// not within a few seconds), so that a 2xx means that a restore can stop there.
    /// </summary>
    /// <remarks>The point is set in one transaction with its audit entry for <paramref name="actor"/> (target: its name).</remarks>
    public async Task<RestorePoint> SetRestorePointAsync(string name, AuditActor actor, CancellationToken cancellationToken)
    {
        string lsn;
        DateTimeOffset at;
        await using (var connection = await owner.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await using (var command = new NpgsqlCommand(SqlResource.Own("BackupRestorePoint.sql"), connection))
            {
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                lsn = reader.GetString(0);
                at = reader.GetFieldValue<DateTimeOffset>(1);
            }

            await AuditTrail.AppendAsync(connection, AuditActions.RestorePointSet, name, actor, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var point = new RestorePoint(name, at, lsn);
        var deadline = time.GetUtcNow() + RestorePointWait;
        while (Volatile.Read(ref receiverFlushed) <= WalFiles.ParseLsn(lsn))
        {
            if (time.GetUtcNow() > deadline)
            {
                throw new BackupUnavailableException($"The restore point {name} was set, but the backup directory has not received it within {RestorePointWait.TotalSeconds} s; set it again once the WAL streams.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken);
            await ObserveAsync(cancellationToken);
        }

        Catalog.AddRestorePoint(point);
        logger.RestorePointSet(name, lsn);
        return point;
    }

    /// <summary>How long synchronous backups have refused writes since the silo started, the refusal going on now included.</summary>
    public TimeSpan WritesRefused()
    {
        lock (refusals)
        {
            return refusedBefore + (refusingSince is { } from ? time.GetUtcNow() - from : TimeSpan.Zero);
        }
    }

    /// <summary>Age of the newest verified base backup; while there is none, the time since backups were started (so that an alert on it fires when none ever succeeds).</summary>
    public TimeSpan NewestVerifiedAge() =>
        time.GetUtcNow() - (Catalog.List().LastOrDefault(b => b.Verified)?.Finished ?? since);

    public async ValueTask DisposeAsync()
    {
        // Stopped by the silo's lifecycle, then disposed again by the container.
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await stopping.CancelAsync();
        try
        {
            await running;
        }
        catch (OperationCanceledException)
        {
            // stopped as asked
        }

        meter.Dispose();
        await owner.DisposeAsync();
        stopping.Dispose();
        requested.Dispose();
    }

    /// <summary>Valid names for a restore point: what recovery_target_name can be given without quoting surprises.</summary>
    public static bool IsValidRestorePointName(string? name) => name is not null && RestorePointName().IsMatch(name);

    /// <summary>
    /// For a silo without backups: clears a synchronous_standby_names left naming the receiver (see
    /// <see cref="SetSynchronousAsync"/>), unless a receiver is connected, that is another silo's synchronous backups run.
    /// </summary>
    public static async Task ClearLeftoverSynchronousAsync(NpgsqlDataSource owner, CancellationToken cancellationToken)
    {
        await using (var connected = owner.CreateCommand(SqlResource.Own("BackupReceiverConnected.sql")))
        {
            connected.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ReplicationConnection.ReceiverName });
            if ((bool)(await connected.ExecuteScalarAsync(cancellationToken))!)
            {
                return;
            }
        }

        await SetSynchronousAsync(owner, synchronous: false, cancellationToken);
    }

    /// <summary>
    /// synchronous_standby_names as configured: set to the receiver, or cleared when it names ours and backups are
    /// asynchronous or off (so that a silo started without synchronous backups never leaves commits waiting for a receiver
    /// that is no longer there).
    /// </summary>
    public static async Task SetSynchronousAsync(NpgsqlDataSource owner, bool synchronous, CancellationToken cancellationToken)
    {
        string current;
        await using (var read = owner.CreateCommand(SqlResource.Own("BackupSynchronousNames.sql")))
        {
            current = (string)(await read.ExecuteScalarAsync(cancellationToken))!;
        }

        var wanted = synchronous ? ReplicationConnection.ReceiverName : "";
        if (current == wanted || (!synchronous && current != ReplicationConnection.ReceiverName))
        {
            return;
        }

        await using (var change = owner.CreateCommand(SqlResource.Own(synchronous ? "BackupSynchronousOn.sql" : "BackupSynchronousOff.sql")))
        {
            await change.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var reload = owner.CreateCommand(SqlResource.Own("BackupReloadConfiguration.sql"));
        await reload.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await ObserveAsync(cancellationToken);
                Watch();
                await KeepSynchronousAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
            {
                logger.BackupStatusFailed(exception.Message);
            }

            Gate();

            // The first start writes the admin key once the silo is up, and the first base backup may be done before it:
            // the secrets go beside the backups as soon as they are there, not with the next base backup.
            KeepSecrets();
            try
            {
                await Task.Delay(StatusInterval, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ObserveAsync(CancellationToken cancellationToken)
    {
        await using var command = owner.CreateCommand(SqlResource.Own("BackupStatus.sql"));
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ReplicationConnection.ReceiverName });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = options.Synchronous });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var server = WalFiles.ParseLsn(reader.GetString(0));
        var received = reader.IsDBNull(1) ? 0UL : WalFiles.ParseLsn(reader.GetString(1));
        Volatile.Write(ref replyAgeSeconds, reader.IsDBNull(3) ? double.NaN : Math.Max(0, reader.GetDouble(3)));
        synchronousNames = reader.GetString(4);
        Volatile.Write(ref receiverFlushed, received);
        lag.Observe(time.GetUtcNow(), server, received);
    }

    // A receiver that has stopped reporting (stopped, hung on the backup location, its connection gone while it waits)
    // is killed and started again: a synchronous commit waits for it otherwise without end, and so do the direct writes
    // (users, documents, keys) that the write gate does not see.
    private void Watch()
    {
        var age = Volatile.Read(ref replyAgeSeconds);
        if (watchdog is not null && watchdog.Observe(double.IsNaN(age) ? null : TimeSpan.FromSeconds(age)))
        {
            logger.WalReceiverStalled(watchdog.Bound.TotalSeconds);
            receiver?.Restart();
        }
    }

    // Synchronous backups hold only while synchronous_standby_names names the receiver: set again at once when something
    // changed it (another silo starting without backups while the receiver was away, an operator), so that commits are
    // never acknowledged without the backup for longer than a status interval.
    private async Task KeepSynchronousAsync(CancellationToken cancellationToken)
    {
        if (options.Synchronous && synchronousNames is { } names && names != ReplicationConnection.ReceiverName)
        {
            logger.SynchronousNamesRestored(names);
            await SetSynchronousAsync(owner, synchronous: true, cancellationToken);
        }
    }

    // With synchronous backups a write waits in PostgreSQL until the receiver has flushed it: once the receiver is further
    // behind than SynchronousTimeout, new writes are refused at once (503) instead of joining the wait, until it catches up.
    private void Gate()
    {
        if (!options.Synchronous)
        {
            return;
        }

        if (lag.Lag >= options.SynchronousTimeout)
        {
            gate.Close($"Backups are synchronous and the backup location has not taken the WAL for {lag.Lag.TotalSeconds:0} s");
            if (!behind)
            {
                behind = true;
                lock (refusals)
                {
                    refusingSince = time.GetUtcNow();
                }

                logger.BackupBehind(lag.Lag.TotalSeconds);
            }
        }
        else if (lag.Lag == TimeSpan.Zero && Volatile.Read(ref receiverFlushed) > 0)
        {
            gate.Open();
            if (behind)
            {
                behind = false;
                lock (refusals)
                {
                    refusedBefore += time.GetUtcNow() - refusingSince!.Value;
                    refusingSince = null;
                }

                logger.BackupCaughtUp();
            }
        }
    }

    private async Task ScheduleAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var newest = Catalog.List().LastOrDefault(b => b.Verified);
            var wait = newest?.Finished is { } finished ? finished + options.Interval - time.GetUtcNow() : TimeSpan.Zero;
            try
            {
                if (wait > TimeSpan.Zero)
                {
                    await WaitForRequestAsync(wait, cancellationToken);
                }

                await TakeAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task WaitForRequestAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        // Whichever comes first; the other wait is cancelled, so that no waiter is left to swallow a later request.
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(wait, time, either.Token);
        var request = requested.WaitAsync(either.Token);
        await Task.WhenAny(delay, request);
        await either.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
        if (request.IsCompletedSuccessfully)
        {
            // the count was spent here: TakeAsync must not spend another
            requested.Release();
        }
    }

    private async Task TakeAsync(CancellationToken cancellationToken)
    {
        string id;
        lock (requests)
        {
            id = pendingId ?? BackupCatalog.NewId(time.GetUtcNow());
            if (pendingId is not null)
            {
                // the request is now being served: its semaphore count is spent, or it would start another backup
                requested.Wait(0, CancellationToken.None);
            }

            pendingId = null;
            runningId = id;
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            var backup = await taker!.TakeAsync(id, cancellationToken);
            var seconds = BaseBackupTaker.Seconds(started);
            logger.BaseBackupTaken(id, backup.SizeBytes, seconds, backup.Verified);
            KeepSecrets();
            var removed = Catalog.Prune(options.Keep);
            if (removed.Count > 0)
            {
                var ids = string.Join(", ", removed);
                logger.BaseBackupsPruned(ids);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.BaseBackupFailed(id, exception.Message);
            await Task.Delay(options.Interval < RetryPause ? options.Interval : RetryPause, time, cancellationToken);
        }
        finally
        {
            lock (requests)
            {
                runningId = null;
            }
        }
    }

    // A restored data folder needs the embedded server's password and the first admin key beside its cluster. A file
    // being written meanwhile is copied on the next call.
    private void KeepSecrets()
    {
        if (dataDirectory is null)
        {
            return;
        }

        foreach (var name in new[] { BackupCatalog.PasswordFile, BackupCatalog.AdminKeyFile })
        {
            var source = Path.Combine(dataDirectory, name);
            var target = Path.Combine(Catalog.Directory, name);
            try
            {
                if (File.Exists(source) && (!File.Exists(target) || File.ReadAllText(target) != File.ReadAllText(source)))
                {
                    File.Copy(source, target, overwrite: true);
                    if (!OperatingSystem.IsWindows())
                    {
                        File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                    }
                }
            }
            catch (IOException)
            {
            }
        }
    }

    // The service's own commits (audit entries, settings) never wait for the receiver it watches: with synchronous backups
    // a stalled receiver would hold them without end. What must be in the backup (a restore point) is waited for here.
    private static string OwnConnectionString(string ownerConnectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(ownerConnectionString) { ApplicationName = "pgallinone-backup", MaxPoolSize = 3, Multiplexing = false };
        builder.Options = $"{builder.Options} -c synchronous_commit=local".Trim();
        return builder.ConnectionString;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")]
    private static partial Regex RestorePointName();
}
