using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace PgAllInOne.Tests.Infrastructure;

/// <summary>
/// A TCP proxy on loopback between clients and PostgreSQL that loses the answers of commits on demand. Told to cut the
/// next N commits, it watches each connection for the statement that marks a commit (the group commit log's entry, by
/// its SQL text or the prepared statement it was parsed into), forwards all the client sends, and withholds the server's
/// answer to that exchange, and to the rest of its transaction, until the server says the transaction is over
/// (ReadyForQuery, idle): that answer never arrives, and both sides of the connection are closed. PostgreSQL has committed (or rolled back a batch that failed)
/// and the client cannot tell which. It can also drop a commit before PostgreSQL has it whole, and go dark: close every connection and refuse new ones for a while, as a
/// database restart does.
/// </summary>
public sealed class CommitCuttingProxy : IAsyncDisposable
{
    private const int SslRequest = 80877103;
    private const int GssEncRequest = 80877104;

    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint server;
    private readonly byte[] marker;
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentDictionary<Link, byte> links = new();
    private readonly Task accepting;
    private int cutsToMake;
    private int cuts;
    private int dropsToMake;
    private int drops;
    private long darkUntil;
    private TimeSpan? darkAfterCut;

    private CommitCuttingProxy(string connectionString, string markerSql)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        server = new IPEndPoint(Dns.GetHostAddresses(builder.Host!).First(a => a.AddressFamily == AddressFamily.InterNetwork), builder.Port);
        marker = Encoding.UTF8.GetBytes(markerSql.Trim());
        listener.Start();
        builder.Host = "127.0.0.1";
        builder.Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        builder.SslMode = SslMode.Disable;
        ConnectionString = builder.ConnectionString;
        accepting = Task.Run(AcceptAsync);
    }

    /// <summary>The connection string that reaches the database through this proxy.</summary>
    public string ConnectionString { get; }

    /// <summary>Commits whose answers were withheld so far.</summary>
    public int Cuts => Volatile.Read(ref cuts);

    /// <summary>Commits whose connection was closed before PostgreSQL had them whole, so far.</summary>
    public int Drops => Volatile.Read(ref drops);

    /// <param name="connectionString">The database behind the proxy.</param>
    /// <param name="markerSql">The statement whose execution marks a transaction whose end is to be cut.</param>
    public static CommitCuttingProxy Start(string connectionString, string markerSql) => new(connectionString, markerSql);

    /// <summary>Loses the answers of the next <paramref name="count"/> commits that carry the marker; with <paramref name="thenDarkFor"/>, goes dark as it cuts them.</summary>
    public void CutNextCommits(int count, TimeSpan? thenDarkFor = null)
    {
        darkAfterCut = thenDarkFor;
        Interlocked.Add(ref cutsToMake, count);
    }

    /// <summary>
    /// Closes the connection of the next <paramref name="count"/> commits that carry the marker as the client sends the
    /// marked statement, before PostgreSQL has the rest of its transaction: it never commits, and the client cannot tell.
    /// </summary>
    public void DropNextCommits(int count) => Interlocked.Add(ref dropsToMake, count);

    /// <summary>
    /// Cuts the answers of <paramref name="cuts"/> commits one after another, then of one more followed by
    /// <paramref name="dark"/> without the database; ends once the database has been back for a moment.
    /// </summary>
    public async Task CutThenGoDarkAsync(int cuts, TimeSpan dark)
    {
        for (var cut = 1; cut <= cuts; cut++)
        {
            CutNextCommits(1);
            await Eventually.TrueAsync(() => Cuts >= cut, $"commit {cut} cut", TimeSpan.FromSeconds(60));
            await Task.Delay(50);
        }

        CutNextCommits(1, thenDarkFor: dark);
        await Eventually.TrueAsync(() => Cuts > cuts, "the last commit cut", TimeSpan.FromSeconds(60));
        await Task.Delay(dark + TimeSpan.FromSeconds(2));
    }

    /// <summary>Closes every connection and refuses new ones for <paramref name="duration"/>.</summary>
    public void GoDark(TimeSpan duration)
    {
        Volatile.Write(ref darkUntil, Environment.TickCount64 + (long)duration.TotalMilliseconds);
        foreach (var link in links.Keys)
        {
            link.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        foreach (var link in links.Keys)
        {
            link.Close();
        }

        await accepting;
        stopping.Dispose();
    }

    private bool Dark => Environment.TickCount64 < Volatile.Read(ref darkUntil);

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(stopping.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (Dark)
            {
                client.Close();
                continue;
            }

            _ = Task.Run(() => RelayAsync(client));
        }
    }

    private async Task RelayAsync(Socket client)
    {
        client.NoDelay = true;
        var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var link = new Link(client, upstream);
        links[link] = 0;
        try
        {
            await upstream.ConnectAsync(server, stopping.Token);
            await Task.WhenAll(PumpAsync(link, ClientToServerAsync), PumpAsync(link, ServerToClientAsync));
        }
        catch (Exception exception) when (IsGone(exception))
        {
            // PostgreSQL is not there: the client sees its connection closed.
        }
        finally
        {
            link.Close();
            links.TryRemove(link, out _);
        }
    }

    // When one side goes away (or is cut), the other goes too.
    private static async Task PumpAsync(Link link, Func<Link, Task> pump)
    {
        try
        {
            await pump(link);
        }
        catch (Exception exception) when (IsGone(exception))
        {
        }
        finally
        {
            link.Close();
        }
    }

    private static bool IsGone(Exception exception) =>
        exception is IOException or SocketException or ObjectDisposedException or OperationCanceledException or EndOfStreamException;

    // The client's messages pass unchanged; the proxy only reads them to see a marked transaction begin.
    private async Task ClientToServerAsync(Link link)
    {
        await using var from = new NetworkStream(link.Client, ownsSocket: false);
        await using var to = new NetworkStream(link.Server, ownsSocket: false);
        var header = new byte[8];
        while (true)
        {
            // Before the startup message, messages carry no type: a length and a request code.
            await from.ReadExactlyAsync(header.AsMemory(0, 8));
            var length = BinaryPrimitives.ReadInt32BigEndian(header);
            var code = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
            var rest = new byte[length - 8];
            await from.ReadExactlyAsync(rest);
            if (code is SslRequest or GssEncRequest)
            {
                Interlocked.Increment(ref link.SingleByteAnswers);
                await to.WriteAsync(header);
                continue;
            }

            await to.WriteAsync(header);
            await to.WriteAsync(rest);
            break;
        }

        while (true)
        {
            await from.ReadExactlyAsync(header.AsMemory(0, 5));
            var body = new byte[BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1)) - 4];
            await from.ReadExactlyAsync(body);
            var type = (char)header[0];
            if (Marks(type, body, link))
            {
                if (Take(ref dropsToMake))
                {
                    Interlocked.Increment(ref drops);
                    return;
                }

                link.MarkedSinceSync |= Volatile.Read(ref cutsToMake) > 0;
            }

            // Each Sync, and each simple Query, is answered by one ReadyForQuery: the server side learns which ones end a marked exchange.
            if (type is 'S' or 'Q')
            {
                link.Exchanges.Enqueue(link.MarkedSinceSync);
                link.MarkedSinceSync = false;
            }

            await to.WriteAsync(header.AsMemory(0, 5));
            await to.WriteAsync(body);
        }
    }

    // Parse carries the statement's name and text, Bind the name of the statement it runs, a simple Query its text. Every
    // Parse is read, so that a statement prepared before a cut was asked for is still recognised by its name.
    private bool Marks(char type, byte[] body, Link link)
    {
        switch (type)
        {
            case 'P':
            {
                var name = CString(body, 0, out var next);
                if (body.AsSpan(next).IndexOf(marker) < 0)
                {
                    return false;
                }

                if (name.Length > 0)
                {
                    link.MarkedStatements.Add(name);
                }

                return true;
            }

            case 'B':
            {
                CString(body, 0, out var next);
                return link.MarkedStatements.Contains(CString(body, next, out _));
            }

            case 'Q':
                return body.AsSpan().IndexOf(marker) >= 0;
            default:
                return false;
        }
    }

    // The server's messages of a marked transaction are held until it is seen to go on (then they pass) or to end (then
    // they are dropped and the connection cut).
    private async Task ServerToClientAsync(Link link)
    {
        await using var from = new NetworkStream(link.Server, ownsSocket: false);
        await using var to = new NetworkStream(link.Client, ownsSocket: false);
        var header = new byte[5];
        var held = new MemoryStream();
        while (true)
        {
            if (Volatile.Read(ref link.SingleByteAnswers) > 0)
            {
                await from.ReadExactlyAsync(header.AsMemory(0, 1));
                Interlocked.Decrement(ref link.SingleByteAnswers);
                await to.WriteAsync(header.AsMemory(0, 1));
                continue;
            }

            await from.ReadExactlyAsync(header);
            var body = new byte[BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1)) - 4];
            await from.ReadExactlyAsync(body);
            var marked = link.InMarkedTransaction || (link.Exchanges.TryPeek(out var exchange) && exchange);
            if (!marked)
            {
                if (header[0] == (byte)'Z')
                {
                    link.Exchanges.TryDequeue(out _);
                }

                await to.WriteAsync(header);
                await to.WriteAsync(body);
                continue;
            }

            held.Write(header);
            held.Write(body);
            var type = (char)header[0];
            if (type == 'Z')
            {
                link.Exchanges.TryDequeue(out _);
                var idle = body[0] == (byte)'I';
                if (idle && Take(ref cutsToMake))
                {
                    if (darkAfterCut is { } dark)
                    {
                        GoDark(dark);
                    }

                    Interlocked.Increment(ref cuts);
                    link.Close();
                    return;
                }

                // The transaction goes on (or no cut is left): what was held passes.
                link.InMarkedTransaction = !idle;
            }

            // ReadyForQuery ends the exchange; CopyInResponse waits for the client's rows.
            if (type is 'Z' or 'G')
            {
                await to.WriteAsync(held.GetBuffer().AsMemory(0, (int)held.Length));
                held.SetLength(0);
            }
        }
    }

    private static bool Take(ref int budget)
    {
        while (true)
        {
            var left = Volatile.Read(ref budget);
            if (left <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref budget, left - 1, left) == left)
            {
                return true;
            }
        }
    }

    private static string CString(byte[] body, int start, out int next)
    {
        var end = Array.IndexOf(body, (byte)0, start);
        next = end + 1;
        return Encoding.UTF8.GetString(body, start, end - start);
    }

    private sealed class Link(Socket client, Socket server)
    {
        public Socket Client { get; } = client;

        public Socket Server { get; } = server;

        /// <summary>Statements this connection prepared from the marker's text.</summary>
        public HashSet<string> MarkedStatements { get; } = [];

        /// <summary>True once the client sent a marked statement since its last Sync (read by the client side only).</summary>
        public bool MarkedSinceSync;

        /// <summary>The exchanges (Sync or Query) the server has yet to answer, and whether each holds a marked statement.</summary>
        public ConcurrentQueue<bool> Exchanges { get; } = new();

        /// <summary>True while the transaction of a marked statement goes on (read by the server side only).</summary>
        public bool InMarkedTransaction;

        /// <summary>Answers of one byte (to an SSL or GSS encryption request) the server still owes.</summary>
        public int SingleByteAnswers;

        public void Close()
        {
            Shut(Client);
            Shut(Server);
        }

        private static void Shut(Socket socket)
        {
            try
            {
                socket.Close();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
