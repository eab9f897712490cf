namespace PgAllInOne.Cli.Load;

/// <summary>
/// What a load run did. Rows are the rows the facade acknowledged as durable; <see cref="Unfinished"/> requests were in
/// flight when the run was aborted, so whether their rows were stored is unknown.
/// </summary>
public sealed record LoadResult(
    long Requests,
    long Rows,
    long Errors,
    long Throttled,
    long Unfinished,
    TimeSpan Elapsed,
    LatencyHistogram Latency,
    IReadOnlyList<(string Problem, long Count)> Problems,
    bool Cancelled,
    HttpRequestException? Unreachable);
