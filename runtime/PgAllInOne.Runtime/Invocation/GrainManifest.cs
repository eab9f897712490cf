namespace PgAllInOne.Runtime.Invocation;

/// <summary>What a silo tells a client about its grain types, so that the client can address them by interface alone.</summary>
public sealed record GrainManifest(IReadOnlyList<GrainManifestEntry> Grains)
{
    /// <summary>The method key of the manifest request, answered by every silo.</summary>
    public const string MethodKey = "$manifest";
}

public sealed record GrainManifestEntry(string Interface, string GrainType, bool IsReentrant, bool IsStatelessWorker);
