using Npgsql;

namespace PgAllInOne.Postgres;

/// <summary>
/// The one transaction a batch is stored in, named in the <see cref="CommitLog"/> by <see cref="Id"/>. A writer opens
/// its connection here, so that a failure before it (nothing sent) is told from one after it (the outcome is in doubt),
/// and puts <see cref="LogEntry"/> into the batch's transaction.
/// </summary>
public sealed class GroupCommit
{
    private readonly NpgsqlDataSource dataSource;

    internal GroupCommit(Guid id, NpgsqlDataSource dataSource)
    {
        Id = id;
        this.dataSource = dataSource;
    }

    public Guid Id { get; }

    /// <summary>True once a connection was opened: from then on a lost connection leaves the outcome in doubt.</summary>
    internal bool Sending { get; private set; }

    /// <summary>Opens the connection the batch is sent on.</summary>
    public async Task<NpgsqlConnection> ConnectAsync()
    {
        var connection = await dataSource.OpenConnectionAsync();
        Sending = true;
        return connection;
    }

    /// <summary>The statement that logs this commit; it must run in the batch's transaction.</summary>
    public NpgsqlBatchCommand LogEntry() => new(CommitLog.EntrySql) { Parameters = { new NpgsqlParameter<Guid> { TypedValue = Id } } };
}
