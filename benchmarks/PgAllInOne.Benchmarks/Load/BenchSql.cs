using Npgsql;

namespace PgAllInOne.Benchmarks.Load;

/// <summary>The scenarios' own statements on a data set: loads and measures, without the client's 30 s timeout.</summary>
internal static class BenchSql
{
    public static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.CommandTimeout = 0;
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
