using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PgAllInOne.Postgres;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Postgres;

public sealed class MigrationTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Migrations_AreAppliedInOrder_RecordedAndNeverTwice()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateEmptyDatabaseAsync());
        var runner = new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance);

        var first = await runner.ApplyAsync();
        var second = await runner.ApplyAsync();

        Assert.Equal(MigrationRunner.Embedded.Select(m => m.Name), first);
        Assert.Empty(second);
        await using var count = dataSource.CreateCommand("SELECT count(*) FROM schema_migrations");
        Assert.Equal((long)MigrationRunner.Embedded.Count, await count.ExecuteScalarAsync());
        await using var table = dataSource.CreateCommand("SELECT to_regclass('grain_state') IS NOT NULL");
        Assert.Equal(true, await table.ExecuteScalarAsync());
        await using var dropped = dataSource.CreateCommand("SELECT to_regclass('silo_membership') IS NULL");
        Assert.Equal(true, await dropped.ExecuteScalarAsync()); // replaced by Orleans' membership tables
    }

    [Fact]
    public async Task SilosStartingTogether_ApplyEachMigrationExactlyOnce()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateEmptyDatabaseAsync());

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync())));

        Assert.Equal(MigrationRunner.Embedded.Select(m => m.Name), runs.SelectMany(applied => applied));
    }

    [Fact]
    public async Task AnEditedMigration_IsRefusedWithAClearError()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateEmptyDatabaseAsync());
        var runner = new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance);
        await runner.ApplyAsync();
        await using (var tamper = dataSource.CreateCommand("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1"))
        {
            await tamper.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => runner.ApplyAsync());

        Assert.Contains("was changed after it was applied", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MigrationFiles_AreNumberedWithoutDuplicates_FromOne()
    {
        // Numbers are handed out in ranges to work done side by side, so a range may be left partly unused: gaps are
        // allowed, a number used twice is not (the runner would apply only one of the two).
        var versions = MigrationRunner.Embedded.Select(m => m.Version).ToList();

        Assert.Equal(1, versions[0]);
        Assert.Equal(versions.Distinct().Order(), versions);
    }
}
