using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using PgAllInOne.Api.Contracts.Documents;
using PgAllInOne.Cli.Http;

namespace PgAllInOne.Cli.Import;

/// <summary>
/// The outcome of an import. Every line read is accounted for once: <see cref="Imported"/>, <see cref="FailedCount"/>,
/// <see cref="Unfinished"/> (sent, but the run was aborted before the answer, so its fate is unknown: a re-run settles it) or
/// <see cref="NotSent"/> (read, but the run stopped before it was sent).
/// </summary>
public sealed record ImportResult(
    long Lines,
    long Imported,
    long FailedCount,
    IReadOnlyList<(long Line, string Problem)> Failures,
    long Unfinished,
    long NotSent,
    TimeSpan Elapsed,
    bool Cancelled,
    HttpRequestException? Unreachable,
    long Retried = 0);

/// <summary>
/// Posts the documents of a JSON Lines file to POST /api/documents, a bounded number at a time (the facade takes one
/// document per request). A line that is not a JSON object is counted as failed and skipped; an unreachable silo stops the run.
/// Each line goes with an idempotency key made of the file's name, the line's number and its text: the client sends a
/// line again (same key) after a 503, 429 or timeout, and a re-run of the same file within the server's idempotency
/// window stores only the lines not stored yet — every line exactly once.
/// </summary>
public sealed class DocumentImport(PgaioHttpClient client, int concurrency)
{
    private const int FailuresKept = 10;

    private readonly LineFailures failures = new(FailuresKept);
    private long lines;
    private long imported;
    private long unfinished;
    private long notSent;
    private long bytesDone;
    private HttpRequestException? unreachable;

    public long BytesDone => Interlocked.Read(ref bytesDone);

    public long Imported => Interlocked.Read(ref imported);

    public long Failed => failures.Count;

    public async Task<ImportResult> RunAsync(string path, CancellationToken cancellationToken)
    {
        using var fatal = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var stop = new StopSignal(null, TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(500), fatal.Token);
        var queue = Channel.CreateBounded<(long Line, DocumentRequest Document, int Bytes, string Key)>(concurrency * 2);
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(() => PostAsync(queue.Reader, stop, fatal), CancellationToken.None)).ToList();
        try
        {
            await ReadAsync(path, queue.Writer, stop.Stopping);
        }
        catch (OperationCanceledException) when (stop.Stopping.IsCancellationRequested)
        {
            // Stopped while reading or waiting for a free worker: what was queued still gets its grace period.
        }
        finally
        {
            queue.Writer.TryComplete();
        }

        await Task.WhenAll(workers);

        // Queued but never sent when the run stopped: not imported, not failed.
        while (queue.Reader.TryRead(out _))
        {
            Interlocked.Increment(ref notSent);
        }

        return new ImportResult(
            Interlocked.Read(ref lines),
            Imported,
            failures.Count,
            failures.First(),
            Interlocked.Read(ref unfinished),
            Interlocked.Read(ref notSent),
            clock.Elapsed,
            cancellationToken.IsCancellationRequested,
            unreachable,
            client.Retries);
    }

    private async Task ReadAsync(string path, ChannelWriter<(long, DocumentRequest, int, string)> queue, CancellationToken stopping)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        long number = 0;
        while (await reader.ReadLineAsync(stopping) is { } line)
        {
            number++;
            var bytes = Encoding.UTF8.GetByteCount(line) + 1;
            if (string.IsNullOrWhiteSpace(line))
            {
                Interlocked.Add(ref bytesDone, bytes);
                continue;
            }

            Interlocked.Increment(ref lines);
            if (Parse(line, out var document) is { } problem)
            {
                failures.Add(number, problem);
                Interlocked.Add(ref bytesDone, bytes);
                continue;
            }

            try
            {
                await queue.WriteAsync((number, document!, bytes, KeyOf(path, number, line)), stopping);
            }
            catch (OperationCanceledException)
            {
                // Read and counted, but the run stopped while it waited for room in the queue.
                Interlocked.Increment(ref notSent);
                throw;
            }
        }
    }

    /// <summary>The line's idempotency key: the same for the same line of a file of the same name, run after run.</summary>
    internal static string KeyOf(string path, long number, string line)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{Path.GetFileName(path)}\n{number.ToString(CultureInfo.InvariantCulture)}\n{line}"));
        return "import-" + Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

    /// <summary>Null when the line is a JSON object whose known fields have the right types; else what is wrong with it.</summary>
    private static string? Parse(string line, out DocumentRequest? document)
    {
        document = null;
        try
        {
            using var json = JsonDocument.Parse(line);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                return $"malformed: a JSON object was expected, not {json.RootElement.ValueKind.ToString().ToLowerInvariant()}";
            }

            document = json.RootElement.Deserialize<DocumentRequest>(PgaioHttpClient.Json);
            return null;
        }
        catch (JsonException e)
        {
            // The parser's own position suffix counts lines from 0 within the line; the byte offset is what helps here.
            var message = e.Message.Split([" Path:", " LineNumber:"], StringSplitOptions.None)[0].TrimEnd();
            return e.BytePositionInLine is { } at ? $"malformed JSON at byte {at + 1}: {message}" : $"malformed JSON: {message}";
        }
    }

    private async Task PostAsync(ChannelReader<(long Line, DocumentRequest Document, int Bytes, string Key)> queue, StopSignal stop, CancellationTokenSource fatal)
    {
        try
        {
            while (!stop.Stopping.IsCancellationRequested && await queue.WaitToReadAsync(stop.Stopping))
            {
                if (stop.Stopping.IsCancellationRequested || !queue.TryRead(out var item))
                {
                    continue;
                }

                await PostOneAsync(item.Line, item.Document, item.Key, stop, fatal);
                Interlocked.Add(ref bytesDone, item.Bytes);
            }
        }
        catch (OperationCanceledException) when (stop.Stopping.IsCancellationRequested)
        {
            // Stopped while waiting for work.
        }
    }

    private async Task PostOneAsync(long line, DocumentRequest document, string key, StopSignal stop, CancellationTokenSource fatal)
    {
        try
        {
            await client.AddDocumentAsync(document, stop.Abort, key);
            Interlocked.Increment(ref imported);
        }
        catch (PgaioApiException problem)
        {
            failures.Add(line, $"{problem.Status} {problem.Detail}");
        }
        catch (OperationCanceledException) when (stop.Abort.IsCancellationRequested)
        {
            Interlocked.Increment(ref unfinished);
        }
        catch (TaskCanceledException timeout) when (timeout.InnerException is TimeoutException)
        {
            failures.Add(line, "no answer in time");
        }
        catch (HttpRequestException e) when (e.StatusCode is null)
        {
            // The silo is gone: every further line would fail the same way, so stop and say so once.
            Interlocked.CompareExchange(ref unreachable, e, null);
            Interlocked.Increment(ref unfinished);
            await fatal.CancelAsync();
        }
    }
}
