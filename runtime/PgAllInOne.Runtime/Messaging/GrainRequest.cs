using System.Text.Json;

namespace PgAllInOne.Runtime.Messaging;

/// <summary>A grain call on the wire: target, method key, JSON arguments, the time left, and the caller's trace.</summary>
public sealed record GrainRequest(
    GrainId Target,
    string Method,
    IReadOnlyList<JsonElement> Arguments,
    int TimeoutMs,
    string? TraceParent = null,
    int Hops = 0);
