using System.CommandLine;
using System.Globalization;
using PgAllInOne.Api.Contracts.Devices;
using PgAllInOne.Cli.Http;
using PgAllInOne.Cli.Load;
using PgAllInOne.Cli.Output;

namespace PgAllInOne.Cli.Commands;

/// <summary><c>pgaio load metrics</c>: posts batches of readings for a set of devices named for the run.</summary>
public static class LoadMetricsCommand
{
    private static readonly string[] Metrics = ["cpu", "temp", "load"];

    public static Command Create(CommandHost host)
    {
        var duration = CliOptions.Duration("--duration", TimeSpan.FromSeconds(10), "How long to send (e.g. 30s, 2m)");
        var concurrency = CliOptions.Positive("--concurrency", 16, "Requests in flight at once", 1024);
        var devices = CliOptions.Positive("--devices", 20, "Devices the readings are spread over", 1_000_000);
        var batch = CliOptions.Positive("--batch", 100, "Readings per request", 10_000);
        var command = new Command("metrics", "Load: post device metric readings") { duration, concurrency, devices, batch };
        host.SetAction(command, async (parseResult, context, cancellationToken) =>
        {
            var runId = Guid.NewGuid().ToString("N")[..8];
            var (size, workers, deviceCount) = (parseResult.GetValue(batch), parseResult.GetValue(concurrency), parseResult.GetValue(devices));
            var run = new LoadRun(workers, parseResult.GetValue(duration));
            var result = await run.RunAsync(context.Console, "metrics", (worker, iteration, token) =>
            {
                var device = string.Create(CultureInfo.InvariantCulture, $"load-{runId}-{((iteration * workers) + worker) % deviceCount}");
                var now = DateTimeOffset.UtcNow;
                var readings = new MetricReadingRequest[size];
                for (var i = 0; i < size; i++)
                {
                    // Deterministic but varied values: no shared Random across workers, nothing to lock.
                    var value = ((iteration * 31) + (i * 7) + worker) % 1000 / 10.0;
                    readings[i] = new MetricReadingRequest(Metrics[i % Metrics.Length], value, now.AddMilliseconds(-i));
                }

                // One key per request: a request retried after a 503 or a timeout is stored once.
                return context.Client.AddMetricsAsync(device, readings, token, string.Create(CultureInfo.InvariantCulture, $"load-{runId}-{worker}-{iteration}"));
            }, cancellationToken);
            return LoadSummary.Write(context, "load metrics", [("run", runId), ("devices", Format.Whole(deviceCount)), ("batch", Format.Whole(size))], result);
        });
        return command;
    }
}
