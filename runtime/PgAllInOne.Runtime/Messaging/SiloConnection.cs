using System.Collections.Concurrent;
using System.Net.Sockets;

namespace PgAllInOne.Runtime.Messaging;

/// <summary>
/// The caller's end of one connection to a silo. Many calls share it at once, matched to their answers by call id;
/// when the connection drops, every call in flight fails at once with <see cref="SiloUnavailableException"/> instead
/// of waiting for its timeout, and so does every later call on it.
/// </summary>
public sealed class SiloConnection : IAsyncDisposable
{
    private readonly ConcurrentDictionary<long, PendingCall> pending = new();
    private readonly TcpClient client;
    private readonly Stream stream;
    private readonly FrameWriter writer;
    private readonly Task reader;
    private readonly Timer deadlines;
    private readonly CancellationTokenSource closing = new();
    private long nextCallId;
    private volatile string? failure;

    private SiloConnection(string endpoint, TcpClient client)
    {
        Endpoint = endpoint;
        this.client = client;
        // One buffer each way: a BufferedStream shares its buffer between reads and writes, which run concurrently here.
        var network = client.GetStream();
        stream = new BufferedStream(network, 64 * 1024);
        writer = new FrameWriter(new BufferedStream(network, 64 * 1024), exception => Fail($"writing failed: {exception.Message}"));
        reader = Task.Run(ReadLoopAsync);
        deadlines = new Timer(static state => ((SiloConnection)state!).ExpireCalls(), this, 100, 100);
    }

    public string Endpoint { get; }

    public bool IsConnected => failure is null;

    public static async Task<SiloConnection> ConnectAsync(string endpoint, CancellationToken cancellationToken = default)
    {
        var separator = endpoint.LastIndexOf(':');
        if (separator <= 0 || !int.TryParse(endpoint.AsSpan(separator + 1), out var port))
        {
            throw new ArgumentException($"Silo endpoint '{endpoint}' is not host:port.", nameof(endpoint));
        }

        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(endpoint[..separator], port, cancellationToken);
        }
        catch (SocketException exception)
        {
            client.Dispose();
            throw new SiloUnavailableException($"Cannot connect to silo {endpoint}: {exception.Message}", exception);
        }

        return new SiloConnection(endpoint, client);
    }

    /// <summary>Sends a call and waits for its answer, at most <see cref="GrainRequest.TimeoutMs"/>.</summary>
    public Task<GrainResponse> SendAsync(GrainRequest request, CancellationToken cancellationToken = default)
    {
        Telemetry.RuntimeTelemetry.MessageSent();
        if (failure is { } reason)
        {
            return Task.FromException<GrainResponse>(new SiloUnavailableException($"Connection to silo {Endpoint} is lost: {reason}"));
        }

        var id = Interlocked.Increment(ref nextCallId);
        var call = new PendingCall(request, Environment.TickCount64 + request.TimeoutMs);
        pending[id] = call;
        if (cancellationToken.CanBeCanceled)
        {
            call.Cancellation = cancellationToken.UnsafeRegister(static (state, token) => ((PendingCall)state!).Completion.TrySetCanceled(token), call);
        }

        if (!writer.TryWrite(FrameCodec.Encode(MessageKind.Request, id, request)))
        {
            pending.TryRemove(id, out _);
            call.Completion.TrySetException(new SiloUnavailableException($"Connection to silo {Endpoint} is lost: {failure}"));
        }

        // A call that failed before it was answered (connection lost, timed out, cancelled) leaves the table too.
        if (call.Completion.Task.IsCompleted)
        {
            pending.TryRemove(id, out _);
        }

        return call.Completion.Task;
    }

    public async ValueTask DisposeAsync()
    {
        Fail("the connection was closed");
        await closing.CancelAsync();
        await deadlines.DisposeAsync();
        await writer.CompleteAsync();
        client.Dispose();
        try
        {
            await reader;
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or OperationCanceledException)
        {
        }

        closing.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (await FrameCodec.ReadAsync(stream, closing.Token) is { } frame)
            {
                if (frame.Kind == MessageKind.Response && pending.TryRemove(frame.CallId, out var call))
                {
                    call.Cancellation.Dispose();
                    call.Completion.TrySetResult(FrameCodec.Decode<GrainResponse>(frame.Body));
                }
            }

            Fail("the silo closed the connection");
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or OperationCanceledException or InvalidDataException or SocketException)
        {
            Fail(exception.Message);
        }
    }

    private void Fail(string reason)
    {
        failure ??= reason;
        foreach (var (id, call) in pending)
        {
            if (pending.TryRemove(id, out _))
            {
                call.Completion.TrySetException(new SiloUnavailableException($"Connection to silo {Endpoint} was lost with the call {call.Request.Method} on {call.Request.Target} in flight: {reason}"));
            }
        }
    }

    private void ExpireCalls()
    {
        var now = Environment.TickCount64;
        foreach (var (id, call) in pending)
        {
            if ((now > call.Deadline || call.Completion.Task.IsCompleted) && pending.TryRemove(id, out _))
            {
                call.Completion.TrySetException(new GrainCallTimeoutException($"Call {call.Request.Method} to grain {call.Request.Target} on silo {Endpoint} did not complete within {call.Request.TimeoutMs} ms."));
            }
        }
    }

    private sealed class PendingCall(GrainRequest request, long deadline)
    {
        public GrainRequest Request { get; } = request;

        public long Deadline { get; } = deadline;

        public TaskCompletionSource<GrainResponse> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Cancellation { get; set; }
    }
}
