using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// In-process: the benchmarks start their own PostgreSQL and silo, and nothing needs restoring at run time.
var config = DefaultConfig.Instance
    .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithIterationCount(5).WithWarmupCount(2))
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
if (args is ["remote-calls", ..])
{
    // A load scenario (latency percentiles under a set rate), not a BenchmarkDotNet micro-benchmark.
    var seconds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10;
    await PgAllInOne.Benchmarks.Load.RemoteCallScenario.RunAsync(TimeSpan.FromSeconds(seconds));
    return;
}

if (args is ["remote-calls-tls", ..])
{
    // The remote-call scenario against two silo processes at once, one with mutual TLS on its ports, one without.
    var seconds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10;
    await PgAllInOne.Benchmarks.Load.RemoteTlsCallScenario.RunAsync(TimeSpan.FromSeconds(seconds));
    return;
}

if (args is ["local-calls", ..])
{
    // The local-call subjects interleaved round by round (a noisy machine slows them alike): medians and ratios.
    var rounds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 15;
    await PgAllInOne.Benchmarks.Load.LocalCallScenario.RunAsync(rounds);
    return;
}

if (args is ["remote-host", ..])
{
    // The other process of remote-calls (started by it): a silo on our configuration and the bare Kestrel anchor.
    await PgAllInOne.Benchmarks.Load.RemoteHost.RunAsync(args[1..]);
    return;
}

if (args is ["analytics-scale", ..])
{
    // Analytics on a cache miss beside one SQL statement, rollup speed-ups, bytes per reading, the rollup queue's ingest cost.
    var rows = args.Length > 1 ? long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
    var rounds = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 5;
    // Days the readings span (0: one reading per device each 30 s); parts: load, queries, ingest, compact (default all).
    var days = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 0;
    var parts = args.Length > 4 ? args[4].Split(',') : ["load", "queries", "ingest", "compact"];
    await PgAllInOne.Benchmarks.Load.AnalyticsScaleScenario.RunAsync(rows, rounds, days, parts);
    return;
}

if (args is ["archive-day", ..])
{
    // A realistic day archived to Parquet and attached again, beside binary COPY out and in; bytes per reading.
    var rounds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5;
    await PgAllInOne.Benchmarks.Load.ArchiveDayScenario.RunAsync(rounds);
    return;
}

if (args is ["http-api", ..])
{
    var seconds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10;
    await PgAllInOne.Benchmarks.Load.HttpApiScenario.RunAsync(TimeSpan.FromSeconds(seconds));
    return;
}

if (args is ["backup-cost", ..])
{
    // Writes with continuous backups off, asynchronous and synchronous (BackupCostScenario): throughput and ratios.
    var seconds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 8;
    await PgAllInOne.Benchmarks.Load.BackupCostScenario.RunAsync(TimeSpan.FromSeconds(seconds));
    return;
}

if (args is ["ha", ..])
{
    // On a Patroni cluster of three nodes: analytics with standby reads beside the primary only, writes with a
    // synchronous standby beside the same primary alone (HaScenario). "fsync" after the seconds: fsync on on every node.
    var seconds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5;
    await PgAllInOne.Benchmarks.Load.HaScenario.RunAsync(TimeSpan.FromSeconds(seconds), fsync: args is [_, _, "fsync", ..]);
    return;
}

if (args is ["soak", ..])
{
    // Mixed traffic at half of the peak for a long while (default 10 minutes): memory, threads, connections, latency per minute.
    var minutes = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10;
    await PgAllInOne.Benchmarks.Load.SoakScenario.RunAsync(TimeSpan.FromMinutes(minutes));
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(PgAllInOne.Benchmarks.BenchmarkSilo).Assembly).Run(args, config);
