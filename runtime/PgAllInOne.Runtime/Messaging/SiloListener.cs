using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace PgAllInOne.Runtime.Messaging;

/// <summary>
/// The silo's end: accepts connections on the runtime port and answers each request through the handler, many at once
/// per connection. A handler's exception becomes an error response; a malformed stream closes only its connection.
/// </summary>
public sealed class SiloListener : IAsyncDisposable
{
    private readonly TcpListener listener;
    private readonly Func<GrainRequest, Task<GrainResponse>> handler;
    private readonly ILogger log;
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentBag<TcpClient> clients = [];
    private readonly Task acceptLoop;

    public SiloListener(IPEndPoint endpoint, Func<GrainRequest, Task<GrainResponse>> handler, ILogger log)
    {
        this.handler = handler;
        this.log = log;
        listener = new TcpListener(endpoint);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The port actually bound (useful when 0 asked for any free one).</summary>
    public int Port { get; }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        foreach (var client in clients)
        {
            client.Dispose();
        }

        try
        {
            await acceptLoop;
        }
        catch (OperationCanceledException)
        {
        }

        stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stopping.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            client.NoDelay = true;
            clients.Add(client);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        // One buffer each way: a BufferedStream shares its buffer between reads and writes, which run concurrently here.
        var network = client.GetStream();
        var stream = new BufferedStream(network, 64 * 1024);
        var writer = new FrameWriter(new BufferedStream(network, 64 * 1024), _ => client.Dispose());
        try
        {
            while (await FrameCodec.ReadAsync(stream, stopping.Token) is { } frame)
            {
                if (frame.Kind != MessageKind.Request)
                {
                    throw new InvalidDataException("A silo accepts only requests.");
                }

                _ = AnswerAsync(writer, frame.CallId, frame.Body);
            }
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or OperationCanceledException or InvalidDataException or SocketException)
        {
            if (log.IsEnabled(LogLevel.Debug))
            {
                log.ConnectionClosed(client.Client.RemoteEndPoint?.ToString() ?? "?", exception.Message);
            }
        }
        finally
        {
            await writer.CompleteAsync();
            client.Dispose();
        }
    }

    private async Task AnswerAsync(FrameWriter writer, long callId, byte[] body)
    {
        GrainResponse response;
        try
        {
            response = await handler(FrameCodec.Decode<GrainRequest>(body));
        }
        catch (Exception exception)
        {
            response = GrainResponse.Failure(exception);
        }

        writer.TryWrite(FrameCodec.Encode(MessageKind.Response, callId, response));
    }
}
