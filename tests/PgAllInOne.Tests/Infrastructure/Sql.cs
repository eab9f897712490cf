using System.Globalization;
using Npgsql;

namespace PgAllInOne.Tests.Infrastructure;

/// <summary>What a test reads back from its database to check what was stored (a number, or numbers by name), and the statements it sets its data up with.</summary>
public static class Sql
{
    /// <summary>Runs a statement that returns nothing the test needs.</summary>
    public static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The first column of the first row as a number (a count, a sum), with positional parameters ($1, $2, ...).</summary>
    public static async Task<long> CountAsync(string connectionString, string sql, params object[] parameters)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>Rows of (name, number), e.g. <c>SELECT marker, count(*) ... GROUP BY marker</c>, as a dictionary.</summary>
    public static async Task<Dictionary<string, long>> CountByAsync(string connectionString, string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var counts = new Dictionary<string, long>();
        while (await reader.ReadAsync())
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }
}
