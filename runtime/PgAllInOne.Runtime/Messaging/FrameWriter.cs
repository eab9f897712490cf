using System.Threading.Channels;

namespace PgAllInOne.Runtime.Messaging;

/// <summary>
/// Serializes writes of many concurrent calls onto one stream: frames queue in a channel, one loop writes whatever
/// has queued and flushes once per batch, so busy connections send many frames per system call.
/// </summary>
internal sealed class FrameWriter
{
    private readonly Channel<byte[]> frames = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Stream stream;
    private readonly Task loop;

    public FrameWriter(Stream stream, Action<Exception> onFailure)
    {
        this.stream = stream;
        loop = Task.Run(() => RunAsync(onFailure));
    }

    public bool TryWrite(byte[] frame) => frames.Writer.TryWrite(frame);

    public async Task CompleteAsync()
    {
        frames.Writer.TryComplete();
        await loop;
    }

    private async Task RunAsync(Action<Exception> onFailure)
    {
        try
        {
            while (await frames.Reader.WaitToReadAsync())
            {
                while (frames.Reader.TryRead(out var frame))
                {
                    await stream.WriteAsync(frame);
                }

                await stream.FlushAsync();
            }
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or OperationCanceledException)
        {
            frames.Writer.TryComplete();
            onFailure(exception);
        }
    }
}
