using System.Collections.Concurrent;
using System.Diagnostics;
using PgAllInOne.Cli.Http;
using Spectre.Console;

namespace PgAllInOne.Cli.Load;

/// <summary>
/// Runs <c>concurrency</c> workers that each send one request after another until the time is up or the run is
/// cancelled, counting requests, acknowledged rows, errors and latencies, with a live progress line.
/// </summary>
public sealed class LoadRun(int concurrency, TimeSpan duration)
{
    private const int ProblemsKept = 5;
    private static readonly TimeSpan CancelGrace = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan FinishGrace = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, long> problems = new(StringComparer.Ordinal);
    private long requests;
    private long rows;
    private long errors;
    private long throttled;
    private long unfinished;
    private HttpRequestException? unreachable;

    /// <summary>Sends one request for the worker's nth iteration and returns the rows the facade acknowledged.</summary>
    public delegate Task<int> SendAsync(int worker, long iteration, CancellationToken cancellationToken);

    public async Task<LoadResult> RunAsync(IAnsiConsole console, string title, SendAsync send, CancellationToken cancellationToken)
    {
        using var fatal = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var stop = new StopSignal(duration, CancelGrace, FinishGrace, fatal.Token);
        var histograms = Enumerable.Range(0, concurrency).Select(_ => new LatencyHistogram()).ToArray();
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency)
            .Select(worker => Task.Run(() => WorkAsync(worker, send, histograms[worker], stop, fatal), CancellationToken.None))
            .ToArray();
        await ShowProgressAsync(console, title, Task.WhenAll(workers), clock);
        var elapsed = clock.Elapsed;

        var latency = new LatencyHistogram();
        foreach (var histogram in histograms)
        {
            latency.Add(histogram);
        }

        return new LoadResult(
            Interlocked.Read(ref requests),
            Interlocked.Read(ref rows),
            Interlocked.Read(ref errors),
            Interlocked.Read(ref throttled),
            Interlocked.Read(ref unfinished),
            elapsed,
            latency,
            problems.OrderByDescending(p => p.Value).Take(ProblemsKept).Select(p => (p.Key, p.Value)).ToList(),
            cancellationToken.IsCancellationRequested,
            unreachable);
    }

    private async Task WorkAsync(int worker, SendAsync send, LatencyHistogram latency, StopSignal stop, CancellationTokenSource fatal)
    {
        for (long iteration = 0; !stop.Stopping.IsCancellationRequested; iteration++)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                var accepted = await send(worker, iteration, stop.Abort);
                latency.Record(Stopwatch.GetElapsedTime(started));
                Interlocked.Increment(ref requests);
                Interlocked.Add(ref rows, accepted);
            }
            catch (PgaioApiException problem) when (problem.Status == 429)
            {
                // Over the key's rate: back off as the facade asks instead of counting a failure.
                Interlocked.Increment(ref throttled);
                await Delay(problem.RetryAfter ?? TimeSpan.FromMilliseconds(100), stop.Stopping);
            }
            catch (PgaioApiException problem)
            {
                Interlocked.Increment(ref requests);
                Interlocked.Increment(ref errors);
                problems.AddOrUpdate($"{problem.Status} {problem.Detail}", 1, (_, count) => count + 1);
            }
            catch (OperationCanceledException) when (stop.Abort.IsCancellationRequested)
            {
                Interlocked.Increment(ref unfinished);
            }
            catch (TaskCanceledException timeout) when (timeout.InnerException is TimeoutException)
            {
                Interlocked.Increment(ref requests);
                Interlocked.Increment(ref errors);
                problems.AddOrUpdate("no answer in time", 1, (_, count) => count + 1);
            }
            catch (HttpRequestException e) when (e.StatusCode is null)
            {
                // The silo is gone: stop the whole run rather than spin on connection errors.
                Interlocked.CompareExchange(ref unreachable, e, null);
                Interlocked.Increment(ref unfinished);
                await fatal.CancelAsync();
            }
        }
    }

    private async Task ShowProgressAsync(IAnsiConsole console, string title, Task workers, Stopwatch clock)
    {
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask(title, maxValue: duration.TotalSeconds);
                var (lastRequests, lastTime) = (0L, TimeSpan.Zero);
                while (await Task.WhenAny(workers, Task.Delay(250, CancellationToken.None)) != workers)
                {
                    var (now, done) = (clock.Elapsed, Interlocked.Read(ref requests));
                    if (now - lastTime >= TimeSpan.FromSeconds(1) || lastTime == TimeSpan.Zero)
                    {
                        var rate = (done - lastRequests) / Math.Max((now - lastTime).TotalSeconds, 0.001);
                        task.Description = $"{title} [bold]{done}[/] requests · {rate:F0}/s · {Interlocked.Read(ref rows)} rows · [red]{Interlocked.Read(ref errors)}[/] errors";
                        (lastRequests, lastTime) = (done, now);
                    }

                    task.Value = Math.Min(now.TotalSeconds, duration.TotalSeconds);
                }

                await workers;
                task.Description = title;
                task.StopTask();
            });
    }

    private static async Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the loop condition ends the worker.
        }
    }
}
