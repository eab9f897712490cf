using System.Threading.Channels;

namespace PgAllInOne.Benchmarks;

/// <summary>The anchor: a bare actor, one Channel as its mailbox and one loop answering through a TaskCompletionSource.</summary>
internal sealed class MailboxActor : IAsyncDisposable
{
    private readonly Channel<(int Amount, TaskCompletionSource<int> Reply)> mailbox =
        Channel.CreateUnbounded<(int, TaskCompletionSource<int>)>(new UnboundedChannelOptions { SingleReader = true });

    private readonly Task loop;
    private int total;

    public MailboxActor() => loop = Task.Run(RunAsync);

    public Task<int> Add(int amount)
    {
        // Like a grain call, the reply must not run the caller's code on the actor's loop.
        var reply = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        mailbox.Writer.TryWrite((amount, reply));
        return reply.Task;
    }

    public async ValueTask DisposeAsync()
    {
        mailbox.Writer.Complete();
        await loop;
    }

    private async Task RunAsync()
    {
        await foreach (var (amount, reply) in mailbox.Reader.ReadAllAsync())
        {
            reply.SetResult(total += amount);
        }
    }
}

public interface IAdder
{
    Task<int> Add(int amount);
}

internal sealed class DirectAdder : IAdder
{
    private int total;

    public Task<int> Add(int amount) => Task.FromResult(Interlocked.Add(ref total, amount));
}
