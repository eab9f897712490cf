using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using PgAllInOne.Client;
using PgAllInOne.GrainInterfaces.Devices;
using PgAllInOne.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PgAllInOne.Tests.Cluster;

/// <summary>
/// Three silo processes on one PostgreSQL, found by Orleans' ADO.NET clustering through our queries, and a .NET app's
/// cluster client (AddPgAllInOneClient) in this process: kill -9, SIGTERM and restarts under load.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterFaultTests(PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Devices = 60;
    private readonly List<SiloProcess> silos = [];
    private string database = "";
    private IHost client = null!;

    private IGrainFactory Grains => client.Services.GetRequiredService<IGrainFactory>();

    public async Task InitializeAsync()
    {
        database = await postgres.CreateDatabaseAsync();
        silos.Add(SiloProcess.Start(database));
        await silos[0].WaitUntilReadyAsync(); // the first applies the migrations alone
        silos.Add(SiloProcess.Start(database));
        silos.Add(SiloProcess.Start(database));
        await Task.WhenAll(silos.Skip(1).Select(s => s.WaitUntilReadyAsync()));

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddPgAllInOneClient(options =>
        {
            options.ConnectionString = database;
            options.ResponseTimeout = TimeSpan.FromSeconds(2);
        });
        client = builder.Build();
        await client.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await client.StopAsync();
        client.Dispose();
        silos.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task AfterKillNine_OfOneOfThreeSilos_UnderLoad_EveryGrainAnswersAgainWithinFiveSeconds()
    {
        await EveryDeviceAnswersAsync("d");
        Assert.Equal(3, await CountAsync("SELECT count(*) FROM orleans_membership WHERE status = 3"));

        using var load = new CancellationTokenSource();
        var traffic = Task.Run(async () =>
        {
            while (!load.IsCancellationRequested)
            {
                await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Swallow(Grains.GetGrain<IDeviceGrain>($"d{i}").Latest())));
            }
        });

        silos[1].Kill();
        var watch = Stopwatch.StartNew();
        await Eventually.TrueAsync(
            async () => (await Task.WhenAll(Enumerable.Range(0, Devices).Select(i => Answers(Grains.GetGrain<IDeviceGrain>($"d{i}").Latest())))).All(ok => ok),
            "every device grain to answer again",
            TimeSpan.FromSeconds(30));
        var elapsed = watch.Elapsed;
        await load.CancelAsync();
        await traffic;
        output.WriteLine($"kill -9 to every grain answering: {elapsed.TotalSeconds:F1} s");

        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"grains answered again only after {elapsed.TotalSeconds:F1} s");
        await Eventually.TrueAsync(async () => await CountAsync("SELECT count(*) FROM orleans_membership WHERE status = 6") == 1, "the killed silo to be declared dead");
    }

    [Fact]
    public async Task AfterSigterm_TheSiloLeavesAsDead_AndTheClientCarriesOn_ThenItComesBack()
    {
        Assert.Equal(0, await silos[2].TerminateAsync());
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM orleans_membership WHERE status = 6"));
        await EveryDeviceAnswersAsync("d");

        silos[2].Restart();
        await silos[2].WaitUntilReadyAsync();
        Assert.Equal(3, await CountAsync("SELECT count(*) FROM orleans_membership WHERE status = 3"));

        // The restarted silo is a gateway again and takes grains: the client's calls reach every silo.
        await EveryDeviceAnswersAsync("after-");
        var hosts = await Grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        Assert.Equal(3, hosts.Count);
    }

    // The client's response timeout is short (2 s), to measure recovery; on a loaded machine a first call may exceed it.
    private Task EveryDeviceAnswersAsync(string prefix) => Eventually.TrueAsync(
        async () => (await Task.WhenAll(Enumerable.Range(0, Devices).Select(i => Answers(Grains.GetGrain<IDeviceGrain>($"{prefix}{i}").Latest())))).All(ok => ok),
        $"every {prefix}* device grain to answer",
        TimeSpan.FromSeconds(30));

    private async Task<long> CountAsync(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(database);
        await using var command = dataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<bool> Answers(Task call)
    {
        try
        {
            await call;
            return true;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return false;
        }
    }

    private static Task Swallow(Task call) => Answers(call);
}
