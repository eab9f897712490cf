using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using PgAllInOne.Runtime.Messaging;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Messaging;

public sealed class SiloConnectionTests
{
    private static GrainRequest Request(string method, int value, int timeoutMs = 30_000) =>
        new(new GrainId("echo", "1"), method, [JsonSerializer.SerializeToElement(value)], timeoutMs);

    private static SiloListener Listen(Func<GrainRequest, Task<GrainResponse>> handler) =>
        new(new IPEndPoint(IPAddress.Loopback, 0), handler, NullLogger.Instance);

    private static async Task<GrainResponse> Echo(GrainRequest request)
    {
        var value = request.Arguments[0].GetInt32();
        await Task.Delay(value % 7);
        return new GrainResponse(JsonSerializer.SerializeToElement(value * 2));
    }

    [Fact]
    public async Task ManyConcurrentCalls_ShareOneConnection_AndEachGetsItsOwnAnswer()
    {
        await using var listener = Listen(Echo);
        await using var connection = await SiloConnection.ConnectAsync($"127.0.0.1:{listener.Port}");

        var answers = await Task.WhenAll(Enumerable.Range(0, 2_000).Select(async i => (i, response: await connection.SendAsync(Request("Echo", i)))));

        Assert.All(answers, answer => Assert.Equal(answer.i * 2, answer.response.Result!.Value.GetInt32()));
    }

    [Fact]
    public async Task AnswersReturnAsSoonAsTheyAreReady_NotInSendingOrder()
    {
        await using var listener = Listen(async request =>
        {
            await Task.Delay(request.Arguments[0].GetInt32());
            return new GrainResponse(request.Arguments[0]);
        });
        await using var connection = await SiloConnection.ConnectAsync($"127.0.0.1:{listener.Port}");

        var slow = connection.SendAsync(Request("Wait", 1_000));
        var fast = await connection.SendAsync(Request("Wait", 1));

        Assert.Equal(1, fast.Result!.Value.GetInt32());
        Assert.False(slow.IsCompleted);
        Assert.Equal(1_000, (await slow).Result!.Value.GetInt32());
    }

    [Fact]
    public async Task AHandlersException_TravelsBackWithItsTypeAndMessage()
    {
        await using var listener = Listen(_ => throw new InvalidOperationException("the widget is broken"));
        await using var connection = await SiloConnection.ConnectAsync($"127.0.0.1:{listener.Port}");

        var response = await connection.SendAsync(Request("Fail", 0));

        Assert.True(response.IsError);
        Assert.Equal("System.InvalidOperationException", response.ErrorType);
        Assert.Equal("the widget is broken", response.ErrorMessage);
    }

    [Fact]
    public async Task WhenTheSiloDies_CallsInFlightFailAtOnce_AndSoDoLaterCalls()
    {
        var listener = Listen(async _ =>
        {
            await Task.Delay(Timeout.Infinite);
            return new GrainResponse(null);
        });
        await using var connection = await SiloConnection.ConnectAsync($"127.0.0.1:{listener.Port}");
        var inFlight = Enumerable.Range(0, 10).Select(i => connection.SendAsync(Request("Hang", i))).ToList();
        await Task.Delay(100);
        var killed = DateTime.UtcNow;

        await listener.DisposeAsync();

        foreach (var call in inFlight)
        {
            var error = await Assert.ThrowsAsync<SiloUnavailableException>(() => call);
            Assert.Contains("in flight", error.Message, StringComparison.Ordinal);
        }

        Assert.True(DateTime.UtcNow - killed < TimeSpan.FromSeconds(3), "calls in flight must fail fast, not at their 30 s timeout");
        await Eventually.TrueAsync(() => !connection.IsConnected, "the connection to notice it is gone");
        await Assert.ThrowsAsync<SiloUnavailableException>(() => connection.SendAsync(Request("After", 0)));
    }

    [Fact]
    public async Task ACallPastItsTimeout_FailsWithATimeout()
    {
        await using var listener = Listen(async _ =>
        {
            await Task.Delay(Timeout.Infinite);
            return new GrainResponse(null);
        });
        await using var connection = await SiloConnection.ConnectAsync($"127.0.0.1:{listener.Port}");
        var started = DateTime.UtcNow;

        await Assert.ThrowsAsync<GrainCallTimeoutException>(() => connection.SendAsync(Request("Hang", 0, timeoutMs: 300)));

        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task ConnectingToASiloThatIsNotThere_FailsNamingTheEndpoint()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var error = await Assert.ThrowsAsync<SiloUnavailableException>(() => SiloConnection.ConnectAsync($"127.0.0.1:{port}"));

        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GarbageOnOneConnection_ClosesOnlyThatConnection()
    {
        await using var listener = Listen(Echo);
        using (var rogue = new TcpClient())
        {
            await rogue.ConnectAsync(IPAddress.Loopback, listener.Port);
            await rogue.GetStream().WriteAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
            var buffer = new byte[16];
            Assert.Equal(0, await rogue.GetStream().ReadAsync(buffer));
        }

        await using var connection = await SiloConnection.ConnectAsync($"127.0.0.1:{listener.Port}");
        Assert.Equal(42, (await connection.SendAsync(Request("Echo", 21))).Result!.Value.GetInt32());
    }
}
