using System.Diagnostics;
using System.Globalization;
using PgAllInOne.GrainInterfaces.Users;

namespace PgAllInOne.Benchmarks.Load;

/// <summary>
/// What continuous backups cost: single events through user grains and grain state writes, 32 writers each, for a few
/// seconds with backups off (the anchor), asynchronous, synchronous and off again (after a warm-up round not counted), in this order on the same embedded
/// PostgreSQL (a silo without backups clears synchronous_standby_names). The anchor is the mean of the two runs without
/// backups, which bracket the others, so that a drift of the machine over the run does not read as a cost. Throughput
/// and ratios to the anchor.
/// </summary>
internal static class BackupCostScenario
{
    private const int Writers = 32;

    public static async Task RunAsync(TimeSpan duration)
    {
        var backups = Path.Combine(Path.GetTempPath(), $"pgaio-bench-backups-{Environment.ProcessId}");
        var modes = new (string Name, Dictionary<string, string?> Settings)[]
        {
            ("warm-up", new()), // a first round on a cold process and server, not counted
            ("off", new()),
            ("async", new() { ["Backup:Directory"] = backups + "-async" }),
            ("sync", new() { ["Backup:Directory"] = backups + "-sync", ["Backup:Synchronous"] = "true" }),
            ("off", new()),
        };
        var results = new List<(string Mode, double Events, double States)>();
        foreach (var (name, settings) in modes)
        {
            await using var silo = BenchmarkSilo.Start(settings);

            // The first base backup is taken at once: wait for it, so that it does not compete with the measured writes.
            if (settings.TryGetValue("Backup:Directory", out var directory))
            {
                var folder = Path.Combine(directory!, "base");
                while (!Directory.Exists(folder) || !Directory.EnumerateFiles(folder, "backup.json", SearchOption.AllDirectories).Any())
                {
                    await Task.Delay(200);
                }

                await Task.Delay(1000);
            }

            var run = Guid.NewGuid().ToString("N")[..8];
            var users = new IUserGrain[Writers];
            for (var i = 0; i < Writers; i++)
            {
                var created = await silo.Grains.GetGrain<IUserRegistryGrain>("bench").Create(new NewUser($"bk{run}{i}", $"bk{run}{i}@example.com"));
                users[i] = silo.Grains.GetGrain<IUserGrain>(created.Id);
            }

            var tallies = Enumerable.Range(0, Writers).Select(i => silo.Grains.GetGrain<ITallyGrain>($"bk-{run}-{i}")).ToArray();
            await ClosedLoop.RateAsync(users.Select(u => (Func<Task>)(() => u.RecordEvents([new NewEvent("click")]))).ToArray(), TimeSpan.FromSeconds(1));
            var events = await ClosedLoop.RateAsync(users.Select(u => (Func<Task>)(() => u.RecordEvents([new NewEvent("click")]))).ToArray(), duration);
            await ClosedLoop.RateAsync(tallies.Select(t => (Func<Task>)(() => t.Add(1))).ToArray(), TimeSpan.FromSeconds(1));
            var states = await ClosedLoop.RateAsync(tallies.Select(t => (Func<Task>)(() => t.Add(1))).ToArray(), duration);
            results.Add((name, events, states));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-6} events/s {events,9:0} state writes/s {states,9:0}"));
        }

        var offs = results.Where(r => r.Mode == "off").ToArray();
        var anchor = (Events: offs.Average(r => r.Events), States: offs.Average(r => r.States));
        Console.WriteLine("| backups | single events/s | ratio | state writes/s | ratio |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var (mode, events, states) in results.Where(r => r.Mode != "warm-up"))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {mode} | {events:0} | {events / anchor.Events:0.00} | {states:0} | {states / anchor.States:0.00} |"));
        }

        foreach (var (name, settings) in modes.Where(m => m.Settings.ContainsKey("Backup:Directory")))
        {
            Directory.Delete(settings["Backup:Directory"]!, recursive: true);
        }
    }
}
