using System.Diagnostics;
using PgAllInOne.Client;
using PgAllInOne.Tests.Grains;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Cluster;

/// <summary>Silos as real processes of their own, found by a client through the membership table.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SeparateProcessClusterTests(PostgresFixture postgres)
{
    [Fact]
    public async Task TwoSiloProcesses_ServeOneClient_AndAKilledProcessIsRoutedAround()
    {
        var database = await postgres.CreateDatabaseAsync();
        using var first = StartSiloProcess(database);
        using var second = StartSiloProcess(database);
        try
        {
            var options = new ClusterClientOptions { ConnectionString = database, RefreshPeriod = TimeSpan.FromMilliseconds(200) };
            options.InterfaceAssemblies.Add(typeof(IStatefulGrain).Assembly);
            await using var client = await ConnectWhenReadyAsync(options, silos: 2);
            var keys = Enumerable.Range(0, 100).Select(i => $"process-{i}").ToArray();
            foreach (var key in keys)
            {
                await client.GetGrain<IStatefulGrain>(key).Add(1);
            }

            second.Kill(entireProcessTree: true);
            var killedAt = DateTime.UtcNow;
            await Eventually.TrueAsync(() => client.View.ActiveSilos.Count == 1, "the killed silo to be declared dead", TimeSpan.FromSeconds(15));

            foreach (var key in keys)
            {
                Assert.Equal(2, await client.GetGrain<IStatefulGrain>(key).Add(1));
            }

            Assert.True(DateTime.UtcNow - killedAt < TimeSpan.FromSeconds(15));
        }
        finally
        {
            Stop(first);
            Stop(second);
        }
    }

    private static Process StartSiloProcess(string database)
    {
        var process = Processes.StartDotnet("PgAllInOne.TestSiloHost.dll", new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = database,
            ["Silo__Port"] = "0",
            ["Membership__HeartbeatPeriod"] = "00:00:00.250",
            ["Membership__DeathTimeout"] = "00:00:02",
            ["Logging__LogLevel__Default"] = "Warning",
        });
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<ClusterClient> ConnectWhenReadyAsync(ClusterClientOptions options, int silos)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                var client = await ClusterClient.ConnectAsync(options);
                await Eventually.TrueAsync(() => client.View.ActiveSilos.Count == silos, $"{silos} silo processes to join", TimeSpan.FromSeconds(60));
                return client;
            }
            catch (Exception exception) when (exception is SiloUnavailableException or Npgsql.PostgresException && DateTime.UtcNow < deadline)
            {
                // The silos are still starting (no membership table, or nobody active yet).
                await Task.Delay(250);
            }
        }
    }

    private static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
    }
}
