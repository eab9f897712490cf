namespace PgAllInOne.Cli.Http;

/// <summary>An analytics answer with the facade's <c>X-Cache</c> header (hit or miss), which is not part of the body.</summary>
public sealed record CachedAnswer<TResult>(TResult Result, string? Cache);
