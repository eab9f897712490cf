using System.Buffers.Binary;
using System.Text.Json;
using PgAllInOne.Runtime.Serialization;

namespace PgAllInOne.Runtime.Messaging;

/// <summary>
/// Frames on a connection: a 4-byte big-endian length of what follows, one kind byte, an 8-byte call id, then the
/// message as UTF-8 JSON. Frames over <see cref="MaxFrameBytes"/> are refused before anything is allocated for them.
/// </summary>
internal static class FrameCodec
{
    public const int MaxFrameBytes = 16 * 1024 * 1024;
    private const int HeaderBytes = 4 + 1 + 8;

    public static byte[] Encode<T>(MessageKind kind, long callId, T message)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(message, DeepCopier.Options);
        if (body.Length + HeaderBytes - 4 > MaxFrameBytes)
        {
            throw new InvalidOperationException($"A {kind} of {body.Length} bytes exceeds the {MaxFrameBytes}-byte frame limit.");
        }

        var frame = new byte[HeaderBytes + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, HeaderBytes - 4 + body.Length);
        frame[4] = (byte)kind;
        BinaryPrimitives.WriteInt64BigEndian(frame.AsSpan(5), callId);
        body.CopyTo(frame, HeaderBytes);
        return frame;
    }

    /// <summary>Reads one frame; null at a clean end of stream.</summary>
    public static async Task<(MessageKind Kind, long CallId, byte[] Body)?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[HeaderBytes];
        var first = await stream.ReadAsync(header.AsMemory(0, 1), cancellationToken);
        if (first == 0)
        {
            return null;
        }

        await stream.ReadExactlyAsync(header.AsMemory(1), cancellationToken);
        var length = BinaryPrimitives.ReadInt32BigEndian(header);
        if (length < HeaderBytes - 4 || length > MaxFrameBytes)
        {
            throw new InvalidDataException($"Frame length {length} is outside 9..{MaxFrameBytes}: not a PgAllInOne peer, or a corrupt stream.");
        }

        var kind = (MessageKind)header[4];
        if (kind is not (MessageKind.Request or MessageKind.Response))
        {
            throw new InvalidDataException($"Unknown frame kind {header[4]}.");
        }

        var body = new byte[length - (HeaderBytes - 4)];
        await stream.ReadExactlyAsync(body, cancellationToken);
        return (kind, BinaryPrimitives.ReadInt64BigEndian(header.AsSpan(5)), body);
    }

    public static T Decode<T>(byte[] body) =>
        JsonSerializer.Deserialize<T>(body, DeepCopier.Options) ?? throw new InvalidDataException($"Empty {typeof(T).Name} frame.");
}
